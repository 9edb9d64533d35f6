"""Read-only views of a rasa-sdk tracker's event list, as plain values for the domain package."""
from typing import Any, Dict, List, Optional

COACH_MARK = "【教练】"


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
    for value in (entities.get("trainee"), metadata.get("trainee"), tracker.get_slot("trainee")):
        if isinstance(value, str) and value.strip():
            return value.strip()[:64]
    return None


def _current_roleplay_events(tracker) -> List[Dict[str, Any]]:
    """Events since the latest role-play started (the SlotSet of roleplay_id)."""
    events = tracker.events
    for i in range(len(events) - 1, -1, -1):
        e = events[i]
        if e.get("event") == "slot" and e.get("name") == "roleplay_id" and e.get("value"):
            return events[i:]
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
