"""Read-only views of a rasa-sdk tracker's event list, as plain values for the domain package."""
from typing import Any, Dict, List, Optional



def latest_text(tracker) -> str:
    return tracker.latest_message.get("text") or ""


def latest_intent(tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_entities(tracker) -> Dict[str, Any]:
    return {e.get("entity"): e.get("value") for e in tracker.latest_message.get("entities") or []}


def trainee_identity(tracker) -> Optional[str]:
    """Who is practising: from the /start payload, the channel metadata, or what we already know."""
    entities = latest_entities(tracker)
    metadata = tracker.latest_message.get("metadata") or {}
    # The channel's metadata (the web app's signed session) wins over anything typed into a payload.
    for value in (metadata.get("trainee"), entities.get("trainee"), tracker.get_slot("trainee")):
        if isinstance(value, str) and value.strip():
            return value.strip()[:64]
    return None


def _current_roleplay_events(tracker) -> List[Dict[str, Any]]:
    """Events of the latest role-play: from just after the message that started it (Rasa stores the
    starting action's briefing and opening line before the roleplay_id SlotSet it returns)."""
    events = tracker.events
    for i in range(len(events) - 1, -1, -1):
        e = events[i]
        if e.get("event") == "slot" and e.get("name") == "roleplay_id" and e.get("value"):
            start = next((j + 1 for j in range(i - 1, -1, -1) if events[j].get("event") == "user"), 0)
            return events[start:]
    return []


def last_customer_line(tracker) -> str:
    """The customer's most recent line in this role-play (context for scoring the reply)."""
    for e in reversed(_current_roleplay_events(tracker)):
        if e.get("event") == "bot" and (e.get("metadata") or {}).get("role") == "customer":
            return e.get("text") or ""
    return ""


def roleplay_turns(tracker) -> List[Dict[str, Any]]:
    """Trainee turns of the current role-play: text, intent and the assessment stored after each."""
    turns: List[Dict[str, Any]] = []
    for e in _current_roleplay_events(tracker):
        if e.get("event") == "user":
            intent = ((e.get("parse_data") or {}).get("intent") or {}).get("name")
            turns.append({"text": e.get("text") or "", "intent": intent, "assessment": None})
        elif e.get("event") == "slot" and e.get("name") == "last_assessment" and turns:
            turns[-1]["assessment"] = e.get("value")
    return [t for t in turns if t["assessment"]]


def form_reads_a_new_message(tracker, form: str) -> bool:
    """True when the form runs right after the trainee's message (not when it is first activated or runs
    again after /help). Rasa hands a form's validation action a tracker that already ends with the form's
    own ActionExecuted, so latest_action_name is the form, never action_listen."""
    for e in reversed(tracker.events):
        if e.get("event") == "user":
            return True
        if e.get("event") == "action" and e.get("name") not in (form, "action_listen"):
            return False
    return False
