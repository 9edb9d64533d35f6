"""End-to-end: the real Rasa server and action server, conversed with over REST."""
import json
import sqlite3
import uuid

import pytest

pytestmark = pytest.mark.e2e

COACH = "【教练】"
SAME_LINES = [
    "您好，欢迎光临！我是销售顾问小李，今天想看看什么车？",
    "我们这款车质量特别好，各方面都很不错，性价比非常高，买了绝对不后悔，"
    "我们店卖得最好的就是它，很多客户都是冲着它来的，外观漂亮内饰豪华配置丰富，您肯定喜欢。",
    "您平时用车主要是做什么？家里几个人坐？",
]


def new_sender(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}"


def texts(messages):
    return [m.get("text") or "" for m in messages]


def customer_lines(messages):
    return [t for t in texts(messages) if t and not t.startswith(COACH)]


def coach_lines(messages):
    return [t for t in texts(messages) if t.startswith(COACH)]


def start(stack, sender, customer_type, scenario="reception", mode="practice"):
    payload = f'/start_roleplay{{"customer_type":"{customer_type}","scenario":"{scenario}","mode":"{mode}"}}'
    return stack.say(sender, payload, metadata={"trainee": "测试学员"})


def slots(stack, sender):
    return stack.tracker(sender)["slots"]


def test_menu_flow_with_buttons_and_typed_answers(stack):
    sender = new_sender("menu")
    menu = stack.say(sender, '/start{"trainee":"工号1001"}')
    assert coach_lines(menu), menu
    buttons = [b["payload"] for m in menu for b in m.get("buttons", [])]
    assert '/choose{"customer_type":"dominant"}' in buttons
    # typed answer instead of a button
    scenario_menu = stack.say(sender, "支配型")
    titles = [b["title"] for m in scenario_menu for b in m.get("buttons", [])]
    assert any("展厅" in t for t in titles) and any("议价" in t for t in titles)
    mode_menu = stack.say(sender, '/choose{"scenario":"negotiation"}')
    assert any("练习" in b["title"] for m in mode_menu for b in m.get("buttons", []))
    opening = stack.say(sender, "练习模式")
    assert customer_lines(opening), opening
    state = slots(stack, sender)
    assert state["trainee"] == "工号1001"
    assert (state["customer_type"], state["scenario"], state["mode"], state["phase"]) == (
        "dominant", "negotiation", "practice", "roleplay")
    assert state["persona_id"] and state["roleplay_id"]


def test_same_reply_draws_different_reactions_by_customer_type(stack):
    transcripts = {}
    for ctype in ("analytical", "dominant", "social"):
        sender = new_sender(ctype)
        start(stack, sender, ctype)
        transcripts[ctype] = [customer_lines(stack.say(sender, line)) for line in SAME_LINES]
    # the long, data-free speech (line 2) must not get the same reaction from any two types
    reactions = {ctype: " ".join(turns[1]) for ctype, turns in transcripts.items()}
    assert all(reactions.values()), transcripts
    assert len(set(reactions.values())) == 3, reactions


def test_practice_mode_scores_every_reply_and_coaches(stack):
    sender = new_sender("practice")
    start(stack, sender, "social", "needs", "practice")
    reply = stack.say(sender, "王先生，您说的很有道理，空间确实很重要。您平时主要是接送孩子还是跑长途多一些？")
    assert customer_lines(reply) and coach_lines(reply), reply
    tracker = stack.tracker(sender)
    assessments = [e["value"] for e in tracker["events"]
                   if e["event"] == "slot" and e["name"] == "last_assessment" and e["value"]]
    assert assessments, "the assessment is stored in the tracker"
    last = assessments[-1]
    assert 0 <= last["score"] <= 100 and "techniques" in last and "evidence" in last
    assert tracker["slots"]["turns"] >= 1


def test_exam_mode_gives_feedback_only_at_the_end(stack):
    sender = new_sender("exam")
    start(stack, sender, "analytical", "presentation", "exam")
    for line in ("您好，我是销售顾问小张。", "这款车配备1.5T发动机和8速变速箱，油耗只有5.6升，每年能帮您省下不少油钱。"):
        assert not coach_lines(stack.say(sender, line))
    end = stack.say(sender, "/end")
    scorecard = [t for t in coach_lines(end) if t.startswith(COACH + "成绩单")]
    assert scorecard, end
    assert any((m.get("image") or "").startswith("data:image/svg+xml") for m in end)
    state = slots(stack, sender)
    assert state["phase"] == "ended"
    assert state["summary"]["outcome"] in ("deal", "prospect", "lost")
    assert "scorecard" in state["summary"] and "overall" in state["summary"]["scorecard"]


def test_hint_help_and_restart(stack):
    sender = new_sender("cmds")
    start(stack, sender, "dominant", "closing")
    hint = coach_lines(stack.say(sender, "/hint"))
    assert hint and len(hint[0]) > len(COACH) + 5
    assert coach_lines(stack.say(sender, "/help"))
    restarted = stack.say(sender, "/restart")
    assert coach_lines(restarted)
    assert slots(stack, sender)["phase"] == "setup"


def test_bad_treatment_makes_the_customer_walk_away(stack):
    sender = new_sender("walk")
    start(stack, sender, "dominant", "negotiation", "practice")
    ended = False
    for _ in range(12):
        reply = stack.say(sender, "你到底买不买？今天不定明天就涨价了，别人家的车都是垃圾，您说的根本不对！")
        if slots(stack, sender)["phase"] == "ended":
            ended = True
            assert any(t.startswith(COACH + "成绩单") for t in coach_lines(reply))
            break
    assert ended, "a customer who is pressured and contradicted must eventually walk away"
    assert slots(stack, sender)["outcome"] == "lost"


@pytest.mark.parametrize("message", [
    "", "   ", "😀😀😀", "好" * 2100, "Hello, how much is this car?", "您好，歡迎光臨，請問您想看什麼車？",
    "<script>alert('x')</script>", "/", "/unknown_intent",
])
def test_odd_input_gets_a_sensible_reply(stack, message):
    sender = new_sender("odd")
    start(stack, sender, "social")
    reply = stack.say(sender, message)
    assert reply and all((m.get("text") or m.get("image")) for m in reply), reply
    # and the conversation carries on normally afterwards
    assert customer_lines(stack.say(sender, "请问您今天想了解哪款车？"))


def test_transcript_survives_a_rasa_restart(stack):
    sender = new_sender("persist")
    start(stack, sender, "analytical", "needs")
    stack.say(sender, "您好，我是销售顾问小陈，您这次买车主要是家用还是商务？")
    before = slots(stack, sender)
    stack.restart_rasa()
    after_restart = slots(stack, sender)
    assert after_restart["roleplay_id"] == before["roleplay_id"]
    assert after_restart["turns"] == before["turns"]
    reply = stack.say(sender, "预算大概在什么范围？")
    assert customer_lines(reply)
    assert slots(stack, sender)["turns"] == before["turns"] + 1
    with sqlite3.connect(stack.tracker_db) as db:
        count = db.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]
    assert count > 10


def test_a_crash_of_rasa_after_the_reply_loses_no_event(stack):
    """The reply is sent after the tracker store's commit: SIGKILL right after it and every event of the
    turn (the trainee's line, the customer's and coach's lines, the slots) is in the database."""
    sender = new_sender("crash")
    start(stack, sender, "social", "needs")
    line = "您好，我是销售顾问小王，今天主要想看哪类车？"
    reply = texts(stack.say(sender, line))
    stack.procs["rasa"].kill()
    stack.procs["rasa"].wait(timeout=30)
    with sqlite3.connect(stack.tracker_db) as db:
        stored = [json.loads(d) for (d,) in db.execute(
            "select data from events where sender_id = ? order by id", (sender,))]
    after_line = stored[max(i for i, e in enumerate(stored) if e["event"] == "user"):]
    assert after_line[0]["text"] == line
    assert [e["text"] for e in after_line if e["event"] == "bot"] == [t for t in reply if t]
    assert any(e["event"] == "slot" and e["name"] == "turns" for e in after_line)
    assert (after_line[-1]["event"], after_line[-1]["name"]) == ("action", "action_listen")
    stack.restart_rasa()
    assert slots(stack, sender)["turns"] == 1
