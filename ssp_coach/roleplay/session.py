"""One role-play's state, as it travels through Rasa slots (Contract 2). Plain JSON values only."""

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, List, Optional


@dataclass
class SessionState:
    trainee: Optional[str] = None
    phase: str = "setup"  # setup | roleplay | ended
    customer_type: Optional[str] = None
    scenario: Optional[str] = None
    mode: Optional[str] = None
    persona_id: Optional[str] = None
    roleplay_id: Optional[str] = None
    stage: Optional[str] = None
    trust: Optional[float] = None  # 0–100; None until a role-play starts
    strikes: int = 0
    facts_revealed: List[str] = field(default_factory=list)
    objections_raised: List[str] = field(default_factory=list)
    objections_handled: List[str] = field(default_factory=list)
    pending_objection: Optional[str] = None
    turns: int = 0
    outcome: Optional[str] = None
    p_level: Optional[str] = None
    # Extras beyond Contract 2 (slots the lead declares):
    stages_reached: List[str] = field(default_factory=list)
    objection_steps: List[int] = field(default_factory=list)  # handling steps seen so far for pending_objection
    # The customer's and the coach's memory of this role-play: lines said, whether the customer's last line
    # asked something, whether a walk-out was announced, which suggestions the coach gave (roleplay/engine.py).
    memory: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_slots(cls, slots: Optional[Dict[str, Any]]) -> "SessionState":
        """Build from a slot dict; missing or None values fall back to the defaults."""
        slots = slots or {}
        state = cls()
        for f in fields(cls):
            value = slots.get(f.name)
            if value is None:
                continue
            default = getattr(state, f.name)
            if isinstance(default, dict):
                value = dict(value) if isinstance(value, dict) else {}
            elif isinstance(default, list):
                value = list(value) if isinstance(value, (list, tuple)) else [value]
            elif f.name == "trust":
                value = _number(value, float, None)
            elif f.name in ("strikes", "turns"):
                value = _number(value, int, default)
            setattr(state, f.name, value)
        return state

    def to_slots(self) -> Dict[str, Any]:
        return asdict(self)


def _number(value: Any, kind: type, default: Any) -> Any:
    try:
        return kind(value)
    except (TypeError, ValueError):
        return default
