"""Custom actions, run the way the action server runs them: a Tracker built from a dict, a
CollectingDispatcher, and assertions on the exact events and messages they return."""
import json

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from ssp_coach import coach_menu
from actions.roleplay_actions import (
    ActionChoose,
    ActionCustomerTurn,
    ActionEndSession,
    ActionHint,
    ActionRestart,
    ActionStart,
    ActionStartRoleplay,
)

COACH = "【教练】"


class Conversation:
    """Keeps slots and events between actions, as the Rasa server would."""

    def __init__(self, slots=None):
        self.slots = {"phase": "setup", **(slots or {})}
        self.events = []

    def run(self, action, text, intent, entities=None, metadata=None):
        latest = {"text": text, "intent": {"name": intent, "confidence": 1.0},
                  "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
                  "metadata": metadata or {}}
        self.events.append({"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}})
        tracker = Tracker.from_dict({"sender_id": "trainee-1", "slots": dict(self.slots), "latest_message": latest,
                                     "events": list(self.events), "paused": False, "followup_action": None,
                                     "active_loop": {}, "latest_action_name": "action_listen"})
        dispatcher = CollectingDispatcher()
        events = action.run(dispatcher, tracker, {})
        for m in dispatcher.messages:
            self.events.append({"event": "bot", "text": m.get("text"), "metadata": {"role": m.get("role")}})
        for e in events:
            self.events.append(e)
            if e["event"] == "slot":
                self.slots[e["name"]] = e["value"]
            elif e["event"] == "restart":
                self.slots = {}
        return dispatcher.messages, events


def slot_values(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def start(conv, customer_type="dominant", scenario="negotiation", mode="practice"):
    return conv.run(ActionStartRoleplay(), "/start_roleplay", "start_roleplay",
                    {"customer_type": customer_type, "scenario": scenario, "mode": mode},
                    metadata={"trainee": "张三"})


def test_start_roleplay_sets_every_slot_and_opens_with_coach_then_customer():
    conv = Conversation()
    messages, events = start(conv)
    slots = slot_values(events)
    assert slots["phase"] == "roleplay" and slots["customer_type"] == "dominant"
    assert slots["scenario"] == "negotiation" and slots["mode"] == "practice"
    assert slots["persona_id"] and len(slots["roleplay_id"]) >= 16 and slots["trainee"] == "张三"
    assert slots["last_assessment"] is None and slots["summary"] is None
    roles = [m["role"] for m in messages]
    assert roles[0] == "coach" and "customer" in roles
    assert messages[0]["text"].startswith(COACH)
    json.dumps(events)  # slot values must be plain JSON for the tracker store


def test_menu_accepts_typed_answers_and_numbers_then_starts():
    conv = Conversation()
    messages, _ = conv.run(ActionStart(), "/start", "start", {"trainee": "工号007"})
    assert conv.slots["trainee"] == "工号007" and messages[0]["buttons"]
    messages, events = conv.run(ActionChoose(), "社交型", "choose")
    assert slot_values(events) == {"customer_type": "social"}
    assert any("展厅" in b["title"] for b in messages[0]["buttons"])
    messages, events = conv.run(ActionChoose(), "1", "choose")  # a number picks from the menu shown
    assert slot_values(events) == {"scenario": coach_menu.options("scenario")[0][0]}
    assert any("考核" in b["title"] for b in messages[0]["buttons"])
    messages, events = conv.run(ActionChoose(), "考核", "choose")
    assert conv.slots["mode"] == "exam" and conv.slots["phase"] == "roleplay"


def test_unreadable_menu_answer_is_explained_and_loses_nothing():
    conv = Conversation({"customer_type": "analytical"})
    messages, events = conv.run(ActionChoose(), "嗯……", "choose")
    assert events == []
    assert messages[0]["text"].startswith(COACH) and messages[-1]["buttons"]


def test_customer_turn_scores_the_reply_and_coaches_in_practice_mode():
    conv = Conversation()
    start(conv, "social", "needs", "practice")
    messages, events = conv.run(ActionCustomerTurn(),
                                "您说得很有道理，家里人多空间确实重要。您平时主要是谁开、都去哪些地方？", "ask_open")
    assert events[0]["name"] == "last_assessment"
    assessment = events[0]["value"]
    assert 0 <= assessment["score"] <= 100 and isinstance(assessment["techniques"], list)
    assert slot_values(events)["turns"] == 1
    roles = [m["role"] for m in messages]
    assert "customer" in roles and roles[-1] == "coach"


def test_exam_mode_has_no_coach_note_after_a_turn():
    conv = Conversation()
    start(conv, "analytical", "presentation", "exam")
    messages, _ = conv.run(ActionCustomerTurn(), "这款车百公里加速7.9秒，油耗5.8升。", "present_product")
    assert messages and all(m["role"] == "customer" for m in messages)


def test_turn_before_any_roleplay_points_to_the_menu():
    conv = Conversation()
    messages, events = conv.run(ActionCustomerTurn(), "您好", "greet")
    assert events == [] and messages[0]["text"].startswith(COACH)


def test_hint_is_a_coach_message_for_the_current_moment():
    conv = Conversation()
    start(conv)
    messages, events = conv.run(ActionHint(), "/hint", "hint")
    assert events == [] and messages[0]["text"].startswith(COACH + "提示")


def test_end_session_stores_summary_with_scorecard_and_radar():
    conv = Conversation()
    start(conv, "dominant", "reception", "practice")
    conv.run(ActionCustomerTurn(), "您好，欢迎光临，我是销售顾问小王。", "greet")
    conv.run(ActionCustomerTurn(), "您平时用车主要是上下班还是跑长途？", "ask_open")
    messages, events = conv.run(ActionEndSession(), "/end", "end")
    summary = slot_values(events)["summary"]
    assert summary["outcome"] in ("deal", "prospect", "lost")
    assert 0 <= summary["scorecard"]["overall"] <= 100
    assert summary["radar_svg"].lstrip().startswith("<")
    card = [m for m in messages if (m.get("text") or "").startswith(COACH + "成绩单")]
    assert card and card[0]["image"].startswith("data:image/svg+xml;base64,")
    assert conv.slots["phase"] == "ended"


def test_restart_clears_the_roleplay_but_keeps_the_trainee():
    conv = Conversation()
    start(conv)
    messages, events = conv.run(ActionRestart(), "/restart", "restart")
    assert events[0]["event"] == "restart"
    assert slot_values(events) == {"phase": "setup", "trainee": "张三"}
    assert messages[0]["buttons"]


def _tracker(conv, metadata=None, entities=None):
    latest = {"text": "x", "intent": {"name": "greet"}, "metadata": metadata or {},
              "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()]}
    return Tracker.from_dict({"sender_id": "t", "slots": dict(conv.slots), "latest_message": latest,
                              "events": list(conv.events), "paused": False, "followup_action": None,
                              "active_loop": {}, "latest_action_name": "action_listen"})


def test_first_reply_is_scored_against_the_customers_opening_line():
    from actions.tracker_view import last_customer_line

    conv = Conversation()
    messages, _ = start(conv)
    opening = [m["text"] for m in messages if m["role"] == "customer"][-1]
    # Rasa stores the opening messages before the roleplay_id SlotSet; they still belong to this role-play
    assert last_customer_line(_tracker(conv)) == opening


def test_channel_identity_wins_over_a_typed_payload():
    from actions.tracker_view import trainee_identity

    conv = Conversation({"trainee": "王五"})
    tracker = _tracker(conv, metadata={"trainee": "李四"}, entities={"trainee": "冒名者"})
    assert trainee_identity(tracker) == "李四"
    assert trainee_identity(_tracker(conv, entities={"trainee": "赵六"})) == "赵六"


def test_an_old_menu_button_during_a_roleplay_is_not_scored():
    conv = Conversation()
    start(conv)
    messages, events = conv.run(ActionChoose(), '/choose{"mode":"exam"}', "choose", {"mode": "exam"})
    assert events == [] and messages[0]["text"].startswith(COACH)
    assert conv.slots["mode"] == "practice" and conv.slots["turns"] == 0
