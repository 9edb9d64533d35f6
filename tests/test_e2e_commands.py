"""Slash commands over the real servers (REST): only what the phase expects does anything (issue 9.3).

Anything else typed as /name (/back, /out_of_scope, /session_start, /nlu_fallback, a dialogue act such as
/greet, an unknown name) gets a coach message and changes nothing: no turn, no trust change, no undo."""
import json
import uuid

import pytest

from ssp_coach import coach_menu

pytestmark = pytest.mark.e2e

COACH = "【教练】"
INSULT = "你到底买不买？今天不定明天就涨价了，别人家的车都是垃圾，您说的根本不对！"
NOT_EXPECTED = ["/back", "/out_of_scope", "/session_start", "/nlu_fallback", "/greet", "/attempt_close",
                "/no_such_command", '/choose{"mode":"exam"}']
# state a refused command must leave exactly as it was
WATCHED = ("phase", "turns", "trust", "strikes", "stage", "roleplay_id", "customer_type", "scenario", "mode",
           "outcome", "summary", "last_assessment")


def new_sender(tag):
    return f"{tag}-{uuid.uuid4().hex[:8]}"


def texts(messages):
    return [m.get("text") or "" for m in messages]


def customer_lines(messages):
    return [t for t in texts(messages) if t and not t.startswith(COACH)]


def state(stack, sender):
    tracker = stack.tracker(sender)
    slots = tracker["slots"]
    return {k: slots.get(k) for k in WATCHED}, len(tracker["events"]), (tracker.get("active_loop") or {}).get("name")


def start(stack, sender, scenario="negotiation", mode="practice"):
    choices = {"customer_type": "dominant", "scenario": scenario, "mode": mode}
    return stack.say(sender, "/start_roleplay" + json.dumps(choices), metadata={"trainee": "测试学员"})


def assert_refused(stack, sender, command):
    before, _, loop_before = state(stack, sender)
    reply = stack.say(sender, command)
    # a coach message (during the menu, the pending question is asked again), never the customer
    assert reply and all(t.startswith(COACH) for t in texts(reply)), (command, reply)
    assert "不可用" in reply[0]["text"], (command, reply)
    after, _, loop_after = state(stack, sender)
    assert after == before and loop_after == loop_before, command


def test_back_after_each_insult_still_ends_in_a_walk_out(stack):
    """The issue's scenario: /back used to undo strikes and trust (8 insults ended as P3, trust 40)."""
    sender = new_sender("back")
    start(stack, sender)
    for _ in range(8):
        reply = stack.say(sender, INSULT)
        if state(stack, sender)[0]["phase"] == "ended":
            break
        strikes = state(stack, sender)[0]["strikes"]
        assert_refused(stack, sender, "/back")
        assert state(stack, sender)[0]["strikes"] == strikes
    final = state(stack, sender)[0]
    assert final["phase"] == "ended" and final["outcome"] == "lost", final
    assert any(t.startswith(COACH + "成绩单") for t in texts(reply))


def test_out_of_scope_never_makes_the_customer_answer(stack):
    sender = new_sender("oos")
    start(stack, sender)
    before = state(stack, sender)[0]
    for _ in range(10):
        reply = stack.say(sender, "/out_of_scope")
        assert not customer_lines(reply), reply
    assert state(stack, sender)[0] == before  # turns +0, trust unchanged


@pytest.mark.parametrize("phase", ["setup", "menu", "roleplay", "ended"])
def test_commands_at_every_phase(stack, phase):
    sender = new_sender(phase)
    if phase == "menu":  # set-up with the menu open (setup_form active)
        stack.say(sender, "/start")
        stack.say(sender, '/choose{"customer_type":"social"}')
    elif phase in ("roleplay", "ended"):
        start(stack, sender)
        stack.say(sender, "您好，我是销售顾问小王。")
        if phase == "ended":
            stack.say(sender, "/end")
    expected = "setup" if phase == "menu" else phase
    assert state(stack, sender)[0]["phase"] == expected
    refused = NOT_EXPECTED + [c for c in ("/hint", "/end", "/start", "/choose", "/start_roleplay")
                              if c.lstrip("/") not in coach_menu.COMMANDS[expected]]
    if expected == "setup":  # menu buttons are expected while setting up
        refused = [c for c in refused if not c.startswith("/choose")]
    for command in refused:
        assert_refused(stack, sender, command)
    help_reply = stack.say(sender, "/help")
    assert texts(help_reply)[0].startswith(COACH + "使用说明")
    if phase == "menu":  # the menu goes on after /help, and an answer is still taken
        assert state(stack, sender)[2] == "setup_form"
        stack.say(sender, "2")
        assert state(stack, sender)[0]["scenario"] == coach_menu.options("scenario")[1][0]
    restarted = stack.say(sender, "/restart")
    assert texts(restarted)[0].startswith(COACH + "已重新开始")
    assert any(b["payload"].startswith("/choose") for m in restarted for b in m.get("buttons", []))
    after, _, loop = state(stack, sender)
    assert after["phase"] == "setup" and after["turns"] is None and loop == "setup_form"
    # the menu opened by /restart takes a typed answer at once
    stack.say(sender, "分析型")
    assert state(stack, sender)[0]["customer_type"] == "analytical"


def test_hint_and_end_work_in_a_roleplay_and_an_old_button_does_not(stack):
    sender = new_sender("rp")
    start(stack, sender)
    assert_refused(stack, sender, '/choose{"customer_type":"social"}')
    assert texts(stack.say(sender, "/hint"))[0].startswith(COACH + "提示")
    ended = stack.say(sender, "/end")
    assert any(t.startswith(COACH + "成绩单") for t in texts(ended))
    assert state(stack, sender)[0]["phase"] == "ended"
    # a new role-play straight away, with fresh choices
    opening = start(stack, sender, "reception", "exam")
    assert customer_lines(opening)
    now = state(stack, sender)[0]
    assert (now["phase"], now["scenario"], now["mode"], now["turns"]) == ("roleplay", "reception", "exam", 0)
