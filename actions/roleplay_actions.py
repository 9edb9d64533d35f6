"""Custom actions: each collects its inputs from the tracker, calls the domain, and emits events."""
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from ssp_coach import coach_menu
from ssp_coach.reports.session_end import complete_summary
from ssp_coach.roleplay import engine
from ssp_coach.roleplay.catalog import load_catalog
from ssp_coach.roleplay.session import SessionState

from . import emit
from .tracker_view import (
    last_customer_line,
    latest_entities,
    latest_intent,
    latest_text,
    roleplay_turns,
    trainee_identity,
)

def _warm_up() -> None:
    """Load the spaCy pipeline, the trained scorer and the content once, before the first trainee."""
    load_catalog()
    engine.read_and_score(SessionState(phase="roleplay", customer_type="social"), "您好，欢迎光临。", "greet", "随便看看。")


_warm_up()

WELCOME = "欢迎来到 SSP 顾问式销售陪练。您扮演销售顾问，我来扮演客户，每句话都会按课程技巧打分。"
BUSY = "当前练习还在进行中。输入 /end 结束并查看成绩单，或 /restart 放弃并重新开始。"
NOT_STARTED = "练习还没开始。输入 /start 打开菜单，选好客户类型、场景和模式后再开始对话。"


START_BUTTON = [{"title": "开始练习", "payload": "/start"}]


def _reopen_menu() -> List[Any]:
    """Back to the set-up phase with no choices made."""
    return [SlotSet("phase", "setup")] + [SlotSet(q, None) for q in coach_menu.QUESTIONS]


def _menu_choices(tracker: Tracker) -> Dict[str, Optional[str]]:
    return {q: tracker.get_slot(q) for q in coach_menu.QUESTIONS}


def _answers_open_menu(tracker: Tracker) -> bool:
    """Typed text (not a /command) that answers the menu question currently open."""
    text = latest_text(tracker).strip()
    choices = _menu_choices(tracker)
    pending = coach_menu.next_question(choices)
    started = any(choices.values())
    return bool(started and pending and not text.startswith("/")
                and pending in coach_menu.read_answer(text, {}, pending))


def _ask(dispatcher: CollectingDispatcher, question: str, lead: str = "") -> None:
    emit.coach(dispatcher, lead + coach_menu.PROMPTS[question], buttons=coach_menu.buttons(question))


def _begin(dispatcher, tracker: Tracker, customer_type: str, scenario: str, mode: str) -> List[Any]:
    """Start a role-play; on an unknown id the coach says why and the menu stays open."""
    try:
        result = engine.start(customer_type, scenario, mode, trainee=trainee_identity(tracker))
    except ValueError as error:
        emit.coach(dispatcher, str(error))
        _ask(dispatcher, "customer_type")
        return _reopen_menu()
    emit.messages(dispatcher, result.messages)
    # Every slot is set at the start so nothing of an earlier role-play leaks into this one.
    slots = dict(result.state.to_slots(), last_assessment=None, summary=None)
    return [SlotSet(k, v) for k, v in slots.items()]


def _close(dispatcher, result, turns: List[Dict[str, Any]]) -> List[Any]:
    """Final messages, the scorecard with its radar chart, and the stored summary."""
    state = result.state
    summary, card_text, radar = complete_summary(result.summary or {}, turns, state.scenario,
                                                 state.customer_type)
    emit.messages(dispatcher, result.messages)
    emit.coach(dispatcher, f"成绩单\n{card_text}", image=radar)
    emit.coach(dispatcher, "想再练一次？", buttons=[{"title": "再来一次", "payload": "/start"}])
    return [SlotSet("summary", summary)]


class ActionStart(Action):
    def name(self) -> str:
        return "action_start"

    def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("phase") == "roleplay":
            emit.coach(dispatcher, BUSY)
            return []
        if _answers_open_menu(tracker):
            # e.g. "练习" typed while the mode question is open: an answer, not a fresh start
            return ActionChoose().run(dispatcher, tracker, domain)
        events = _reopen_menu()
        trainee = trainee_identity(tracker)
        if trainee:
            events.append(SlotSet("trainee", trainee))
        _ask(dispatcher, "customer_type", lead=WELCOME + "\n")
        return events


class ActionChoose(Action):
    def name(self) -> str:
        return "action_choose"

    def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("phase") == "roleplay":
            if latest_text(tracker).startswith("/"):
                # an old menu button clicked mid role-play: not something the consultant said
                emit.coach(dispatcher, BUSY)
                return []
            # A menu-like sentence typed during the role-play is still the consultant speaking.
            return ActionCustomerTurn().run(dispatcher, tracker, domain)
        choices = _menu_choices(tracker)
        answer = coach_menu.read_answer(latest_text(tracker), latest_entities(tracker),
                                        coach_menu.next_question(choices))
        if not answer:
            emit.coach(dispatcher, "没有看懂这个选择。")
            _ask(dispatcher, coach_menu.next_question(choices) or "customer_type")
            return []
        choices.update(answer)
        events = [SlotSet(k, v) for k, v in answer.items()]
        pending = coach_menu.next_question(choices)
        if pending:
            _ask(dispatcher, pending)
            return events
        return events + _begin(dispatcher, tracker, choices["customer_type"], choices["scenario"],
                               choices["mode"])


class ActionStartRoleplay(Action):
    def name(self) -> str:
        return "action_start_roleplay"

    def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("phase") == "roleplay":
            emit.coach(dispatcher, BUSY)
            return []
        choices = _menu_choices(tracker)
        choices.update(coach_menu.read_answer(latest_text(tracker), latest_entities(tracker), None))
        events = [SlotSet(q, choices[q]) for q in coach_menu.QUESTIONS if choices.get(q)]
        trainee = trainee_identity(tracker)
        if trainee:
            events.append(SlotSet("trainee", trainee))
        pending = coach_menu.next_question(choices)
        if pending:
            _ask(dispatcher, pending)
            return events + [SlotSet("phase", "setup")]
        return events + _begin(dispatcher, tracker, choices["customer_type"], choices["scenario"],
                               choices["mode"])


class ActionCustomerTurn(Action):
    def name(self) -> str:
        return "action_customer_turn"

    def run(self, dispatcher, tracker, domain):
        phase = tracker.get_slot("phase")
        if phase != "roleplay":
            pending = coach_menu.next_question(_menu_choices(tracker))
            if phase == "setup" and coach_menu.read_answer(latest_text(tracker), {}, pending):
                return ActionChoose().run(dispatcher, tracker, domain)
            emit.coach(dispatcher, NOT_STARTED, buttons=START_BUTTON)
            return []
        state = SessionState.from_slots(tracker.current_slot_values())
        text = latest_text(tracker)
        result = engine.play(state, text, latest_intent(tracker), context=last_customer_line(tracker))
        assessment = result.assessment
        events = [SlotSet("last_assessment", assessment)]
        events += emit.slot_events(state.to_slots(), result.state.to_slots())
        if result.ended:
            turns = roleplay_turns(tracker) + [{"text": text, "intent": latest_intent(tracker),
                                                "assessment": assessment}]
            return events + _close(dispatcher, result, turns)
        emit.messages(dispatcher, result.messages)
        return events


class ActionHint(Action):
    def name(self) -> str:
        return "action_hint"

    def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("phase") != "roleplay":
            emit.coach(dispatcher, NOT_STARTED, buttons=START_BUTTON)
            return []
        emit.coach(dispatcher, "提示：" + engine.hint(SessionState.from_slots(tracker.current_slot_values())))
        return []


class ActionEndSession(Action):
    def name(self) -> str:
        return "action_end_session"

    def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("phase") != "roleplay":
            emit.coach(dispatcher, "当前没有进行中的练习。", buttons=START_BUTTON)
            return []
        state = SessionState.from_slots(tracker.current_slot_values())
        turns = roleplay_turns(tracker)
        result = engine.finish(state, [t["assessment"] for t in turns], "ended")
        events = emit.slot_events(state.to_slots(), result.state.to_slots())
        return events + _close(dispatcher, result, turns)


class ActionRestart(Action):
    """Overrides Rasa's default /restart: clears the role-play but keeps who the trainee is."""

    def name(self) -> str:
        return "action_restart"

    def run(self, dispatcher, tracker, domain):
        trainee = trainee_identity(tracker)
        _ask(dispatcher, "customer_type", lead="已重新开始。")
        events: List[Any] = [Restarted(), SlotSet("phase", "setup")]
        if trainee:
            events.append(SlotSet("trainee", trainee))
        return events


class ActionDefaultFallback(Action):
    """Overrides Rasa's core fallback (e.g. an empty message has no intent): the customer or the
    coach still answers, in character, instead of silence."""

    def name(self) -> str:
        return "action_default_fallback"

    def run(self, dispatcher, tracker, domain):
        return ActionCustomerTurn().run(dispatcher, tracker, domain)
