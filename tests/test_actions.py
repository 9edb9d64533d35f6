"""Custom actions, run the way the action server runs them: a Tracker built from a dict, a
CollectingDispatcher, and assertions on the exact events and messages they return."""
import asyncio
import json

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from ssp_coach import coach_menu
from actions.roleplay_actions import (
    ActionAskScenario,
    ActionBack,
    ActionCommandUnavailable,
    ActionCustomerTurn,
    ActionDefaultFallback,
    ActionEndSession,
    ActionHint,
    ActionNotInRoleplay,
    ActionOpenMenu,
    ActionRestart,
    ActionStartRoleplay,
    ValidateSetupForm,
)

COACH = "【教练】"


class Conversation:
    """Keeps slots and events between actions, as the Rasa server would."""

    def __init__(self, slots=None):
        self.slots = {"phase": "setup", **(slots or {})}
        self.events = []

    def run(self, action, text, intent, entities=None, metadata=None, domain=None, latest_action="action_listen"):
        latest = {"text": text, "intent": {"name": intent, "confidence": 1.0},
                  "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
                  "metadata": metadata or {}}
        self.events.append({"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}})
        tracker = Tracker.from_dict({"sender_id": "trainee-1", "slots": dict(self.slots), "latest_message": latest,
                                     "events": list(self.events), "paused": False, "followup_action": None,
                                     "active_loop": {}, "latest_action_name": latest_action})
        dispatcher = CollectingDispatcher()
        events = action.run(dispatcher, tracker, domain or {})
        if asyncio.iscoroutine(events):
            events = asyncio.run(events)
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
    """setup_form has filled the three menu slots; the rule then runs action_start_roleplay."""
    conv.slots.update(customer_type=customer_type, scenario=scenario, mode=mode, requested_slot=None)
    return conv.run(ActionStartRoleplay(), "/start_roleplay", "start_roleplay",
                    {"customer_type": customer_type, "scenario": scenario, "mode": mode},
                    metadata={"trainee": "张三"})


FORM_DOMAIN = {"forms": {"setup_form": {"required_slots": list(coach_menu.QUESTIONS)}},
               "slots": {q: {"type": "any", "mappings": [{"type": "custom"}]} for q in coach_menu.QUESTIONS}}


def answer(conv, text, intent="choose", entities=None, requested=None, latest_action="action_listen"):
    """validate_setup_form on one message while `requested` is the menu question asked."""
    conv.slots["requested_slot"] = requested
    return conv.run(ValidateSetupForm(), text, intent, entities, domain=FORM_DOMAIN, latest_action=latest_action)


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


def test_open_menu_forgets_earlier_choices_and_keeps_the_trainee():
    conv = Conversation({"customer_type": "social", "scenario": "needs", "mode": "exam", "phase": "ended"})
    messages, events = conv.run(ActionOpenMenu(), "/start", "start", {"trainee": "工号007"})
    assert slot_values(events) == {"phase": "setup", "customer_type": None, "scenario": None, "mode": None,
                                   "trainee": "工号007"}
    assert messages[0]["text"].startswith(COACH)
    # /start_roleplay{...} opens it silently: setup_form fills it from the payload at once
    messages, events = conv.run(ActionOpenMenu(), "/start_roleplay", "start_roleplay")
    assert messages == [] and slot_values(events)["phase"] == "setup"


def test_setup_form_reads_typed_answers_buttons_and_numbers():
    conv = Conversation()
    messages, events = answer(conv, "社交型", requested="customer_type")
    assert slot_values(events) == {"customer_type": "social"} and messages == []
    messages, events = answer(conv, "1", requested="scenario")  # a number picks from the menu shown
    assert slot_values(events) == {"scenario": coach_menu.options("scenario")[0][0]}
    messages, events = answer(conv, '/choose{"mode":"exam"}', entities={"mode": "exam"}, requested="mode")
    assert slot_values(events) == {"mode": "exam"}


def test_setup_form_takes_every_choice_of_a_direct_start():
    conv = Conversation()
    choices = {"customer_type": "analytical", "scenario": "negotiation", "mode": "practice"}
    _, events = answer(conv, "/start_roleplay" + json.dumps(choices), "start_roleplay", choices,
                       latest_action="action_open_menu")
    assert slot_values(events) == choices


def test_setup_form_explains_an_unreadable_answer_and_asks_again():
    conv = Conversation({"customer_type": "analytical"})
    messages, events = answer(conv, "嗯……", "small_talk", requested="scenario")
    assert slot_values(events) == {"scenario": None}  # validated as empty: the form asks again
    assert messages[0]["text"] == COACH + coach_menu.NOT_UNDERSTOOD
    assert conv.slots["customer_type"] == "analytical"


def test_commands_during_the_menu_answer_nothing_so_the_rules_handle_them():
    conv = Conversation({"customer_type": "analytical"})
    for text, intent in [("/help", "help"), ("/restart", "restart"), ("/hint", "hint"), ("给我个提示", "hint"),
                         ('/start_roleplay{"mode":"bogus"}', "start_roleplay")]:
        messages, events = answer(conv, text, intent, requested="scenario")
        assert (messages, events) == ([], []), text
    # back from an interruption (latest action not action_listen): no second "not understood"
    messages, events = answer(conv, "嗯……", "small_talk", requested="scenario", latest_action="utter_help")
    assert (messages, events) == ([], [])


def test_menu_questions_offer_buttons():
    conv = Conversation()
    messages, events = conv.run(ActionAskScenario(), "社交型", "choose")
    assert events == [] and any("展厅" in b["title"] for b in messages[0]["buttons"])


def test_start_roleplay_with_an_unknown_choice_reopens_the_menu():
    conv = Conversation({"customer_type": "nobody", "scenario": "negotiation", "mode": "practice"})
    messages, events = conv.run(ActionStartRoleplay(), "x", "choose")
    assert slot_values(events)["phase"] == "setup" and slot_values(events)["customer_type"] is None
    assert messages[0]["text"].startswith(COACH)


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
    assert messages[0]["text"].startswith(COACH + "提示")
    # the hint is counted (practice mode): the only change is the memory slot's hint count
    assert [e["name"] for e in events] == ["memory"] and events[0]["value"]["hints"] == 1


def test_hint_in_exam_mode_is_refused_and_changes_nothing():
    conv = Conversation()
    start(conv, "dominant", "reception", "exam")
    messages, events = conv.run(ActionHint(), "/hint", "hint")
    assert events == [] and "考核模式不提供提示" in messages[0]["text"]


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


def test_restart_clears_the_roleplay_keeps_the_trainee_and_reopens_the_menu():
    conv = Conversation()
    start(conv)
    messages, events = conv.run(ActionRestart(), "/restart", "restart")
    assert events[0]["event"] == "restart"
    assert slot_values(events) == {"phase": "setup", "trainee": "张三"}
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "setup_form"}
    assert messages[0]["text"].startswith(COACH)


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


def test_back_never_undoes_a_roleplay():
    conv = Conversation()
    start(conv)
    conv.run(ActionCustomerTurn(), "你到底买不买？别人家的车都是垃圾！", "attempt_close")
    before = dict(conv.slots)
    messages, events = conv.run(ActionBack(), "/back", "back")
    assert events == [] and conv.slots == before
    assert messages[0]["text"].startswith(COACH) and "/back" in messages[0]["text"]


def test_unavailable_command_changes_nothing_and_says_what_works():
    conv = Conversation()
    start(conv)
    before = dict(conv.slots)
    messages, events = conv.run(ActionCommandUnavailable(), '/choose{"mode":"exam"}', "choose", {"mode": "exam"})
    assert events == [] and conv.slots == before
    assert messages[0]["text"].startswith(COACH) and "/end" in messages[0]["text"]
    messages, _ = conv.run(ActionCommandUnavailable(), "开始练习", "start")  # typed, mid role-play
    assert messages[0]["text"] == COACH + coach_menu.BUSY


def test_talk_outside_a_roleplay_points_to_the_menu_in_each_phase():
    for phase, expected in [("setup", coach_menu.NOT_STARTED), ("ended", coach_menu.ENDED)]:
        conv = Conversation({"phase": phase})
        for action in (ActionNotInRoleplay(), ActionDefaultFallback(), ActionCustomerTurn(), ActionHint()):
            messages, events = conv.run(action, "您好", "greet")
            assert events == [] and messages[0]["text"] == COACH + expected, (phase, action.name())


def test_core_fallback_in_a_roleplay_is_a_customer_turn():
    conv = Conversation()
    start(conv)
    messages, events = conv.run(ActionDefaultFallback(), "", None)
    assert slot_values(events)["turns"] == 1 and any(m["role"] == "customer" for m in messages)
