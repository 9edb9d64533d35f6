"""Turn domain results into rasa-sdk output: dispatcher messages and SlotSet events."""
from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk.events import SlotSet

from ssp_coach.roleplay.responses import render
from ssp_coach.transcript import COACH_MARK


def coach(dispatcher, text: str, **extra: Any) -> None:
    """A coach message: visibly marked, and tagged role=coach in the tracker's metadata."""
    dispatcher.utter_message(text=f"{COACH_MARK}{text}", role="coach", **extra)


def messages(dispatcher, items: Iterable[Any], customer_type: Optional[str]) -> None:
    """Send ssp_coach.roleplay Message objects; type-only customer lines (content/customer_lines.yml)
    are rendered here for the customer's type."""
    for m in items:
        if m.role == "coach":
            coach(dispatcher, m.text or "")
        else:
            dispatcher.utter_message(text=render(m, customer_type), role="customer")


def slot_events(old: Dict[str, Any], new: Dict[str, Any]) -> List[SlotSet]:
    """SlotSet for every slot whose value changed (keeps the transcript free of noise)."""
    return [SlotSet(k, v) for k, v in new.items() if old.get(k) != v]
