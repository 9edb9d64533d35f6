"""Custom actions: each collects its inputs from the tracker, calls the domain, and emits events."""
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from rasa_addons.loaded_heap import freeze_loaded_heap
from ssp_coach import coach_menu
from ssp_coach.prospect_card import follow_up
from ssp_coach.prospect_card import record as prospect_record
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
    """Load the spaCy pipeline, the trained scorer and the content once, before the first trainee, and keep them
    out of the cyclic garbage collector (a full collection over them paused a turn by ~100 ms; see
    rasa_addons/loaded_heap.py)."""
    load_catalog()
    engine.read_and_score(SessionState(phase="roleplay", customer_type="social"), "您好，欢迎光临。", "greet", "随便看看。")
    freeze_loaded_heap()


_warm_up()

WELCOME = "欢迎来到 SSP 顾问式销售陪练。您扮演销售顾问，我来扮演客户，每句话都会按课程技巧打分。"
START_BUTTON = [{"title": "开始练习", "payload": "/start"}]
MENU = "setup_form"


def _menu_cleared() -> List[Any]:
    """Back to the set-up phase with no choices made."""
    return [SlotSet("phase", "setup")] + [SlotSet(q, None) for q in coach_menu.QUESTIONS]


def _ask(dispatcher: CollectingDispatcher, question: str, lead: str = "") -> None:
    emit.coach(dispatcher, lead + coach_menu.PROMPTS[question], buttons=coach_menu.buttons(question))


def _close(dispatcher, result, turns: List[Dict[str, Any]]) -> List[Any]:
    """Final messages, the scorecard with its radar chart, and the stored summary."""
    state = result.state
    summary, card_text, radar = complete_summary(result.summary or {}, turns, state.scenario,
                                                 state.customer_type)
    emit.messages(dispatcher, engine.with_final_summary(result, summary), state.customer_type)
    emit.coach(dispatcher, f"成绩单\n{card_text}", image=radar)
    if prospect_record.can_offer(summary):
        emit.coach(dispatcher, prospect_record.OFFER, buttons=prospect_record.OFFER_BUTTONS)
    else:
        emit.coach(dispatcher, "想再练一次？", buttons=[{"title": "再来一次", "payload": "/start"}])
    return [SlotSet("summary", summary)]


def _customer_turn(dispatcher, tracker: Tracker) -> List[Any]:
    """The consultant spoke: the customer answers (and, in practice mode, the coach comments)."""
    phase = tracker.get_slot("phase")
    if phase != "roleplay":
        emit.coach(dispatcher, coach_menu.outside_roleplay(phase), buttons=START_BUTTON)
        return []
    state = SessionState.from_slots(tracker.current_slot_values())
    text = latest_text(tracker)
    result = engine.play(state, text, latest_intent(tracker), context=last_customer_line(tracker))
    assessment = result.assessment
    if not result.ended:  # an A卡跟踪 call: did the trainee use last time's memory and keep the promise?
        result.state, notes = follow_up.check_turn(result.state, text)
        result.messages += notes
    events = [SlotSet("last_assessment", assessment)]
    events += emit.slot_events(state.to_slots(), result.state.to_slots())
    if result.ended:
        turns = roleplay_turns(tracker) + [{"text": text, "intent": latest_intent(tracker),
                                            "assessment": assessment}]
        return events + _close(dispatcher, result, turns)
    emit.messages(dispatcher, result.messages, result.state.customer_type)
    return events


class ActionOpenMenu(Action):
    """/start or /start_roleplay{...}: forget earlier choices; setup_form then asks what is missing."""

    def name(self) -> str:
        return "action_open_menu"

    def run(self, dispatcher, tracker, domain):
        events = _menu_cleared()
        trainee = trainee_identity(tracker)
        if trainee:
            events.append(SlotSet("trainee", trainee))
        if latest_intent(tracker) == "start":
            emit.coach(dispatcher, WELCOME)
        return events


class ActionAskCustomerType(Action):
    """setup_form asks a menu question: the prompt with one button per option."""

    def name(self) -> str:
        return "action_ask_customer_type"

    def run(self, dispatcher, tracker, domain):
        _ask(dispatcher, "customer_type")
        return []


class ActionAskScenario(Action):
    def name(self) -> str:
        return "action_ask_scenario"

    def run(self, dispatcher, tracker, domain):
        _ask(dispatcher, "scenario")
        return []


class ActionAskMode(Action):
    def name(self) -> str:
        return "action_ask_mode"

    def run(self, dispatcher, tracker, domain):
        _ask(dispatcher, "mode")
        return []


class ValidateSetupForm(FormValidationAction):
    """Reads the set-up menu's answers (buttons, typed names, numbers) through ssp_coach.coach_menu.
    A typed answer that names nothing is explained and the question asked again; a command
    (/help, /hint, /restart ...) answers nothing, so the form lets the rules handle it."""

    def name(self) -> str:
        return "validate_setup_form"

    @staticmethod
    def _read(tracker: Tracker, slot: str) -> Dict[str, Any]:
        requested = tracker.get_slot("requested_slot")
        value = coach_menu.menu_slot(latest_text(tracker), latest_entities(tracker), requested, slot)
        if value:
            return {slot: value}
        return {}

    def _unreadable(self, dispatcher, tracker: Tracker, slot: str) -> Dict[str, Any]:
        """Typed text while `slot` is asked that answers no menu question: say so, keep asking."""
        requested = tracker.get_slot("requested_slot")
        text = latest_text(tracker)
        if (requested != slot or tracker.latest_action_name != "action_listen"
                or coach_menu.is_command(text) or latest_intent(tracker) in COMMAND_INTENTS
                or coach_menu.read_answer(text, latest_entities(tracker), requested)):
            return {}
        emit.coach(dispatcher, coach_menu.NOT_UNDERSTOOD)
        return {slot: None}

    async def extract_customer_type(self, dispatcher, tracker, domain):
        return self._read(tracker, "customer_type") or self._unreadable(dispatcher, tracker, "customer_type")

    async def extract_scenario(self, dispatcher, tracker, domain):
        return self._read(tracker, "scenario") or self._unreadable(dispatcher, tracker, "scenario")

    async def extract_mode(self, dispatcher, tracker, domain):
        return self._read(tracker, "mode") or self._unreadable(dispatcher, tracker, "mode")

    @staticmethod
    def _valid(slot: str, value: Any) -> Dict[str, Any]:
        known = {oid for oid, _ in coach_menu.options(slot)}
        return {slot: value if value in known else None}

    def validate_customer_type(self, value, dispatcher, tracker, domain: DomainDict):
        return self._valid("customer_type", value)

    def validate_scenario(self, value, dispatcher, tracker, domain: DomainDict):
        return self._valid("scenario", value)

    def validate_mode(self, value, dispatcher, tracker, domain: DomainDict):
        return self._valid("mode", value)


# Intents that are commands even when typed without a slash (开始练习, 给我个提示 ...): mid-menu they
# are not unreadable answers; the rules answer them.
COMMAND_INTENTS = {"start", "start_roleplay", "hint", "end", "help", "restart"}


class ActionStartRoleplay(Action):
    """The menu is complete (setup_form filled customer type, scenario and mode): the role-play begins."""

    def name(self) -> str:
        return "action_start_roleplay"

    def run(self, dispatcher, tracker, domain):
        choices = {q: tracker.get_slot(q) for q in coach_menu.QUESTIONS}
        # a class exercise's fixed customer: set by the web app in the channel metadata, never by a payload
        persona = (tracker.latest_message.get("metadata") or {}).get("persona")
        try:
            result = engine.start(choices["customer_type"], choices["scenario"], choices["mode"],
                                  trainee=trainee_identity(tracker),
                                  persona_id=persona if isinstance(persona, str) else None)
        except ValueError as error:  # the engine's own Chinese message (unknown type, scenario or mode)
            emit.coach(dispatcher, str(error), buttons=START_BUTTON)
            return _menu_cleared()
        except TypeError:
            emit.coach(dispatcher, "没有看懂这个选择，请重新选择客户类型、场景和模式。", buttons=START_BUTTON)
            return _menu_cleared()
        emit.messages(dispatcher, result.messages, result.state.customer_type)
        # Every slot is set at the start so nothing of an earlier role-play leaks into this one.
        slots = dict(result.state.to_slots(), last_assessment=None, summary=None)
        return [SlotSet(k, v) for k, v in slots.items()]


class ActionCustomerTurn(Action):
    def name(self) -> str:
        return "action_customer_turn"

    def run(self, dispatcher, tracker, domain):
        return _customer_turn(dispatcher, tracker)


class ActionNotInRoleplay(Action):
    """Talk to the customer (or a role-play command) outside a role-play: the coach points to /start."""

    def name(self) -> str:
        return "action_not_in_roleplay"

    def run(self, dispatcher, tracker, domain):
        emit.coach(dispatcher, coach_menu.outside_roleplay(tracker.get_slot("phase")), buttons=START_BUTTON)
        return []


class ActionCommandUnavailable(Action):
    """A command the current phase does not expect (an old menu button mid role-play, /back,
    /out_of_scope, an unknown /name ...): a coach message, nothing else changes."""

    def name(self) -> str:
        return "action_command_unavailable"

    def run(self, dispatcher, tracker, domain):
        phase = tracker.get_slot("phase")
        text = latest_text(tracker) if coach_menu.is_command(latest_text(tracker)) else None
        if phase == "roleplay" and not text:
            emit.coach(dispatcher, coach_menu.BUSY)
        else:
            emit.coach(dispatcher, coach_menu.unavailable(phase, text))
        return []


class ActionHint(Action):
    def name(self) -> str:
        return "action_hint"

    def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("phase") != "roleplay":
            emit.coach(dispatcher, coach_menu.outside_roleplay(tracker.get_slot("phase")), buttons=START_BUTTON)
            return []
        state = SessionState.from_slots(tracker.current_slot_values())
        result = engine.take_hint(state)
        emit.messages(dispatcher, result.messages, state.customer_type)
        return emit.slot_events(state.to_slots(), result.state.to_slots())


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
    """Overrides Rasa's default /restart: clears the role-play but keeps who the trainee is, then
    the set-up menu (setup_form) asks again."""

    def name(self) -> str:
        return "action_restart"

    def run(self, dispatcher, tracker, domain):
        trainee = trainee_identity(tracker)
        emit.coach(dispatcher, "已重新开始。")
        events: List[Any] = [Restarted(), SlotSet("phase", "setup")]
        if trainee:
            events.append(SlotSet("trainee", trainee))
        return events + [FollowupAction(MENU)]


class ActionBack(Action):
    """Overrides Rasa's default /back (which undoes the last user turn): a role-play cannot be undone,
    so strikes, trust and turns stay as they are. (SlashCommandPolicy already stops /back; this is
    the same answer if anything else ever predicts it.)"""

    def name(self) -> str:
        return "action_back"

    def run(self, dispatcher, tracker, domain):
        emit.coach(dispatcher, coach_menu.unavailable(tracker.get_slot("phase"), "/back"))
        return []


class ActionDefaultFallback(Action):
    """Overrides Rasa's core fallback (e.g. an empty message has no intent): in a role-play the
    customer still answers, in character; outside one the coach points to the menu."""

    def name(self) -> str:
        return "action_default_fallback"

    def run(self, dispatcher, tracker, domain):
        return _customer_turn(dispatcher, tracker)
