"""The A卡 (购车意向记录表) form after a role-play: thin adapters over ssp_coach.prospect_card."""
import datetime as dt
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet

from ssp_coach import coach_menu
from ssp_coach.prospect_card import follow_up, record, store
from ssp_coach.prospect_card.answers import read_answer
from ssp_coach.prospect_card.spec import load_spec

from . import emit
from .tracker_view import form_reads_a_new_message, latest_intent, latest_text, roleplay_turns, trainee_identity

CARD_SLOTS = load_spec().field_ids + ["card_level_reason", "card_abandoned"]


def _cleared() -> List[SlotSet]:
    return [SlotSet(s, None) for s in CARD_SLOTS]


class ActionOpenCard(Action):
    """/fill_card after a role-play: the form starts (phase card) if the role-play can have a card."""

    def name(self) -> str:
        return "action_open_card"

    def run(self, dispatcher, tracker, domain):
        if not record.can_offer(tracker.get_slot("summary")):
            emit.coach(dispatcher, record.NOTHING_TO_FILL, buttons=[{"title": "开始练习", "payload": "/start"}])
            return [SlotSet("phase", "ended")]
        emit.coach(dispatcher, record.STARTED)
        return _cleared() + [SlotSet("phase", "card")]


def _asker(field_id: str) -> type:
    def run(self, dispatcher, tracker, domain):
        emit.coach(dispatcher, load_spec().field(field_id).prompt)
        return []

    return type(f"ActionAsk_{field_id}", (Action,), {"name": lambda self: f"action_ask_{field_id}", "run": run})


ASKERS = [_asker(f) for f in load_spec().field_ids]


class ValidateProspectCardForm(FormValidationAction):
    """Each message while a field is asked: the value, a correction (the field asked again), abandoning
    (the form ends, what was entered is kept) or a Chinese message and the same question again."""

    def name(self) -> str:
        return "validate_prospect_card_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):
        return [] if tracker.get_slot("card_abandoned") else domain_slots

    async def get_extraction_events(self, dispatcher, tracker: Tracker, domain) -> List[Any]:
        requested = tracker.get_slot("requested_slot")
        if requested not in load_spec().field_ids or not form_reads_a_new_message(tracker, "prospect_card_form"):
            return []
        reading = read_answer(requested, latest_text(tracker), latest_intent(tracker), dt.date.today())
        if reading.abandon:
            return [SlotSet("card_abandoned", True)]
        if reading.command:  # nothing extracted: the form steps aside for /help, /restart or the command guard
            return []
        if reading.correct:
            emit.coach(dispatcher, record.CORRECTING.format(label=load_spec().field(reading.correct).label))
            # the corrected field is empty again, so the form asks it before going on
            return [SlotSet(reading.correct, None), SlotSet(requested, None)]
        if reading.error:
            emit.coach(dispatcher, reading.error)
            return [SlotSet(requested, None)]
        return [SlotSet(k, v) for k, v in reading.values.items()]

    async def get_validation_events(self, dispatcher, tracker, domain) -> List[Any]:
        # extraction already read and checked the answer; pass every slot it set through
        return [SlotSet(k, v) for k, v in tracker.slots_to_validate().items()]


class ActionSubmitCard(Action):
    """The form is done (complete or abandoned): grade the card, store it, show it."""

    def name(self) -> str:
        return "action_submit_card"

    def run(self, dispatcher, tracker, domain):
        values: Dict[str, Any] = {s: tracker.get_slot(s) for s in CARD_SLOTS}
        complete = not values.pop("card_abandoned")
        lines = [t["text"] for t in roleplay_turns(tracker)]
        card = record.build(values, tracker.get_slot("summary") or {}, tracker.get_slot("roleplay_id"), lines,
                            dt.date.today(), complete, trainee=trainee_identity(tracker))
        emit.coach(dispatcher, record.render_text(card), buttons=record.AFTER_BUTTONS)
        return _cleared() + [SlotSet("prospect_card", card), SlotSet("phase", "ended")]


class ActionStartFollowUp(Action):
    """/start_follow_up: the A卡跟踪 call with the customer of the trainee's latest card not yet followed
    up, read from the tracker store (so it works from a new conversation); the customer remembers."""

    def name(self) -> str:
        return "action_start_follow_up"

    def run(self, dispatcher, tracker, domain):
        trainee = trainee_identity(tracker)
        card = store.card_to_follow_up(trainee) if trainee else None
        if card is None and not trainee:
            card = tracker.get_slot("prospect_card")
        if not isinstance(card, dict) or not card.get("persona_id"):
            emit.coach(dispatcher, follow_up.NO_CARD, buttons=[{"title": "开始练习", "payload": "/start"}])
            return [SlotSet("phase", coach_menu.phase_of(tracker.get_slot("phase")))]
        mode = tracker.get_slot("mode") if tracker.get_slot("mode") in ("practice", "exam") else "practice"
        result = follow_up.start(card, mode, trainee, dt.date.today())
        emit.messages(dispatcher, result.messages, result.state.customer_type)
        slots = dict(result.state.to_slots(), last_assessment=None, summary=None)
        return [SlotSet(k, v) for k, v in slots.items()]
