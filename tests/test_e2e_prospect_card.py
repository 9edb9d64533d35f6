"""End-to-end: the A卡 (购车意向记录表) form after a role-play, through the real Rasa and action servers."""
import datetime as dt
import uuid

import pytest

from ssp_coach.prospect_card import record
from ssp_coach.prospect_card.answers import LEVEL_RANGE
from ssp_coach.prospect_card.dates import PAST
from ssp_coach.prospect_card.spec import load_spec

pytestmark = pytest.mark.e2e
COACH = "【教练】"
USAGE_QUESTION = "您平时用车主要是做什么？一般跑多少公里？"


def _sender(tag):
    return f"{tag}-{uuid.uuid4().hex[:8]}"


def _texts(messages):
    return [m.get("text") or "" for m in messages]


def _coach(messages):
    return "\n".join(t for t in _texts(messages) if t.startswith(COACH))


def _needs_roleplay(stack, sender):
    """A needs analysis in which the customer tells how the car is used; returns that answer."""
    stack.say(sender, '/start_roleplay{"customer_type":"analytical","scenario":"needs","mode":"practice"}',
              metadata={"trainee": "测试学员"})
    stack.say(sender, "您好，欢迎光临，我是销售顾问小李。")
    answer = stack.say(sender, USAGE_QUESTION)
    said = [t for t in _texts(answer) if t and not t.startswith(COACH)]
    ended = stack.say(sender, "/end")
    return said, ended


def test_card_is_offered_filled_corrected_and_graded(stack):
    sender = _sender("card")
    said, ended = _needs_roleplay(stack, sender)
    assert "/fill_card" in [b["payload"] for m in ended for b in m.get("buttons", [])]
    assert "A卡" in _coach(ended)
    slots = stack.tracker(sender)["slots"]
    persona = slots["persona_id"]
    revealed = slots["facts_revealed"]
    spec = load_spec()
    opened = stack.say(sender, "/fill_card")
    assert spec.field("card_contact").prompt in _coach(opened)
    name = {"zhao_engineer": "赵工", "lin_accountant": "林女士"}.get(persona, "客户")
    stack.say(sender, f"{name} 13800138000")
    stack.say(sender, "未了解")
    usage = stack.say(sender, "".join(said) if "usage" in revealed else "未了解")
    assert spec.field("card_rational_needs").prompt in _coach(usage)
    stack.say(sender, "要大空间的七座车")             # never told: invented
    stack.say(sender, "未了解")
    stack.say(sender, "预算30万")                       # wrong or invented: corrected below
    stack.say(sender, "未了解")
    bad_level = stack.say(sender, "P7 马上买")
    assert LEVEL_RANGE in _coach(bad_level) and spec.field("card_level").prompt in _coach(bad_level)
    stack.say(sender, "P3 还在比较，需要持续跟进")
    impossible = stack.say(sender, "2月30日")
    assert "没有这一天" in _coach(impossible)
    past = stack.say(sender, "2020-01-01")
    assert PAST in _coach(past)
    corrected = stack.say(sender, "改一下预算")
    assert "重新填写“TMD" in _coach(corrected) and spec.field("card_tmd").prompt in _coach(corrected)
    back = stack.say(sender, "未了解")
    assert spec.field("card_next_date").prompt in _coach(back)   # then the form goes on where it was
    typed_on = dt.date.today()
    stack.say(sender, "明天")
    done = stack.say(sender, "发一份配置对比表")
    assert "A卡（购车意向记录表）" in _coach(done) and "得分" in _coach(done)

    slots = stack.tracker(sender)["slots"]
    card = slots["prospect_card"]
    assert slots["phase"] == "ended" and slots["card_contact"] is None   # the form's slots are cleared
    assert card["status"] == "complete" and card["roleplay_id"] == slots["roleplay_id"]
    entries = {e["field"]: e["value"] for e in card["entries"]}
    assert entries["card_tmd"] == "未了解" and card["level"] == "P3"
    tomorrow = {(day + dt.timedelta(days=1)).isoformat() for day in (typed_on, dt.date.today())}
    assert card["next_date"] in tomorrow   # "明天" of the day it was typed on, even across midnight
    status = {(r["field"], r["topic"]): r["status"] for r in card["grade"]["fields"]}
    assert status[("card_rational_needs", "priorities")] == ("invented" if "priorities" not in revealed else "wrong")
    if "usage" in revealed:
        assert status[("card_usage", "usage")] == "correct"
    assert card["grade"]["level"]["expected"] == slots["p_level"]


def test_card_abandoned_keeps_what_was_entered(stack):
    sender = _sender("card-abandon")
    _needs_roleplay(stack, sender)
    stack.say(sender, "/fill_card")
    stack.say(sender, "客户 电话未了解")
    stack.say(sender, "开了十年的轿车")
    left = stack.say(sender, "不填了")
    assert record.ABANDONED.format(n=2) in _coach(left)
    slots = stack.tracker(sender)["slots"]
    card = slots["prospect_card"]
    assert card["status"] == "incomplete" and slots["phase"] == "ended"
    entries = {e["field"]: e["value"] for e in card["entries"]}
    assert entries["card_current_car"] == "开了十年的轿车" and entries["card_usage"] is None


def test_card_abandoned_with_end_command(stack):
    sender = _sender("card-end")
    _needs_roleplay(stack, sender)
    stack.say(sender, "/fill_card")
    stack.say(sender, "客户 13912345678")
    left = stack.say(sender, "/end")
    assert record.ABANDONED.format(n=1) in _coach(left)
    assert stack.tracker(sender)["slots"]["prospect_card"]["status"] == "incomplete"


def test_no_card_without_a_roleplay_to_record(stack):
    sender = _sender("card-none")
    stack.say(sender, '/start_roleplay{"customer_type":"dominant","scenario":"negotiation","mode":"exam"}')
    ended = stack.say(sender, "/end")
    assert "/fill_card" not in [b["payload"] for m in ended for b in m.get("buttons", [])]
    refused = stack.say(sender, "/fill_card")
    assert record.NOTHING_TO_FILL in _coach(refused)
    assert stack.tracker(sender)["slots"]["phase"] == "ended"


def _fill_card(stack, sender, contact):
    for answer in (contact, "未了解", "未了解", "未了解", "未了解", "未了解", "未了解", "P3 还在比较，需要持续跟进",
                   "明天", "发S5的报价"):
        last = stack.say(sender, answer)
    return last


def test_follow_up_in_a_new_conversation_remembers_through_the_tracker_store(stack):
    """Session 1 (one sender): a needs analysis with a promise, then the A卡. Session 2 (another sender,
    same trainee): /start_follow_up reads the card from the tracker store; the customer opens with what
    was said and promised; a promise not kept lowers trust; the progress page shows the card followed up."""
    trainee = f"学员{uuid.uuid4().hex[:6]}"
    first = _sender("fu-1")
    who = {"trainee": trainee}
    stack.say(first, '/start_roleplay{"customer_type":"analytical","scenario":"needs","mode":"practice"}', metadata=who)
    stack.say(first, "您好，欢迎光临，我是销售顾问小李。", metadata=who)
    stack.say(first, USAGE_QUESTION, metadata=who)
    stack.say(first, "好的，我明天把S5的详细报价发给您。", metadata=who)
    stack.say(first, "/end", metadata=who)
    revealed = stack.tracker(first)["slots"]["facts_revealed"]
    stack.say(first, "/fill_card", metadata=who)
    _fill_card(stack, first, "客户 电话未了解")
    card = stack.tracker(first)["slots"]["prospect_card"]
    assert card["trainee"] == trainee and card["memory"]["promises"]

    second = _sender("fu-2")     # a new conversation: nothing of session 1 in its tracker
    opening = stack.say(second, "/start_follow_up", metadata=who)
    customer = [t for t in _texts(opening) if t and not t.startswith(COACH)]
    assert customer, opening
    assert "报价" in customer[-1]                               # the promise made last time
    if revealed:
        said = card["memory"]["said"]
        assert next(iter(said.values())) in customer[-1]       # a fact told last time
    slots = stack.tracker(second)["slots"]
    assert slots["persona_id"] == card["persona_id"] and slots["scenario"] == "card_follow_up"
    assert slots["memory"]["follow_up"]["of"] == card["roleplay_id"]
    trust_at_start = slots["trust"]
    stack.say(second, "您好，我是销售顾问小李。", metadata=who)
    broken = stack.say(second, "最近天气不错啊。", metadata=who)
    assert "失望" in "".join(_texts(broken))
    slots = stack.tracker(second)["slots"]
    assert slots["memory"]["follow_up"]["promise_kept"] is False
    assert slots["trust"] < trust_at_start

    # the trainee's progress page: the card is shown as followed up
    from test_web_progress import trainee as trainee_client

    class _Server:
        url = stack.web_url

    client = trainee_client(_Server(), trainee)
    status, _, page = client.request("GET", "/progress")
    assert status == 200 and "A卡跟踪" in page and "已跟踪" in page
    status, _, detail = client.request("GET", f"/progress/{card['roleplay_id']}")
    assert status == 200 and "A卡（购车意向记录表）" in detail and "对照客户实际说过的内容" in detail


def test_no_follow_up_without_a_card(stack):
    sender = _sender("fu-none")
    refused = stack.say(sender, "/start_follow_up", metadata={"trainee": f"新学员{uuid.uuid4().hex[:6]}"})
    from ssp_coach.prospect_card.follow_up import NO_CARD
    assert NO_CARD in _coach(refused)
    assert stack.tracker(sender)["slots"]["phase"] == "setup"


def test_commands_while_filling_the_card(stack):
    """Phase `card`: only /end, /help and /restart are commands; anything else is refused and changes
    nothing (the form still waits for the same field); /help keeps the form going; /restart leaves it."""
    sender = _sender("card-cmd")
    _needs_roleplay(stack, sender)
    stack.say(sender, "/fill_card")
    stack.say(sender, "客户 电话未了解")
    spec = load_spec()
    for command in ("/hint", "/start", '/choose{"mode":"exam"}', "/start_roleplay", "/fill_card", "/back"):
        reply = stack.say(sender, command)
        assert all(t.startswith(COACH) for t in _texts(reply)) and "不可用" in reply[0]["text"], (command, reply)
        assert "正在填写A卡" in reply[0]["text"], command
        tracker = stack.tracker(sender)
        assert tracker["slots"]["phase"] == "card" and tracker["active_loop"]["name"] == "prospect_card_form"
        assert tracker["slots"]["card_contact"] == "客户 电话未了解" and tracker["slots"]["card_current_car"] is None
    helped = stack.say(sender, "/help")
    assert _texts(helped)[0].startswith(COACH + "使用说明") and spec.field("card_current_car").prompt in _coach(helped)
    stack.say(sender, "开了十年的轿车")
    assert stack.tracker(sender)["slots"]["card_current_car"] == "开了十年的轿车"
    stack.say(sender, "/restart")
    tracker = stack.tracker(sender)
    assert tracker["slots"]["phase"] == "setup" and (tracker.get("active_loop") or {}).get("name") != "prospect_card_form"


def test_typed_card_request_in_the_web_chat_after_the_end(stack):
    """The web chat opens the next set-up on typed text after a role-play ends, except text asking for
    the A卡, which reaches the coach: the card form starts."""
    from test_e2e_header import Trainee, texts

    me = Trainee(stack.web_url, f"网页学员{uuid.uuid4().hex[:6]}")
    me.chat('/start_roleplay{"customer_type":"analytical","scenario":"needs","mode":"practice"}')
    me.chat(USAGE_QUESTION)
    me.chat("/end")
    status, answer = me.chat("我要填写A卡")
    assert status == 200 and any(load_spec().field("card_contact").prompt in t for t in texts(answer)), answer
