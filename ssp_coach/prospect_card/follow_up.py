"""The A卡跟踪 call a card schedules: same persona, opening with what was said last time (facts,
objections, the trainee's promises); the trainee's first turns are checked for using that memory,
and a promise not kept lowers trust. Also when a card's follow-up is due, overdue or locked."""

import copy
import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

from ..roleplay import engine
from ..roleplay.catalog import load_catalog
from ..roleplay.engine import Message, TurnResult
from ..roleplay.session import SessionState
from .grading import matches
from .spec import CardSpec, load_spec

NO_CARD = "没有找到可以跟踪的A卡：先完成一次需求分析、完整到店或电话接待练习并填写A卡。"


def due_status(
    card: Dict[str, Any], today: dt.date, followed_up: bool = False, spec: Optional[CardSpec] = None
) -> Dict[str, Any]:
    """scheduled | due | overdue | locked | done, with the days overdue (course: a follow-up not made in
    time is locked and handed to the sales manager)."""
    spec = spec or load_spec()
    if followed_up:
        return {"status": "done", "days_overdue": 0, "label": "已跟踪"}
    date = card.get("next_date")
    if not date:
        return {"status": "unscheduled", "days_overdue": 0, "label": "未约定下次联系"}
    late = (today - dt.date.fromisoformat(date)).days
    if late > spec.lock_after_days:
        return {"status": "locked", "days_overdue": late, "label": f"逾期{late}天，意向已锁定，交销售经理处理"}
    if late > 0:
        return {"status": "overdue", "days_overdue": late, "label": f"逾期{late}天未跟踪"}
    if late == 0:
        return {"status": "due", "days_overdue": 0, "label": "今天要跟踪"}
    return {"status": "scheduled", "days_overdue": 0, "label": f"{-late}天后跟踪"}


def memory_of(card: Dict[str, Any]) -> Dict[str, Any]:
    """What the follow-up remembers of a card: compact, JSON (kept in the follow-up's `memory` slot)."""
    memory = card.get("memory") or {}
    return {
        "of": card.get("roleplay_id"),
        "next_date": card.get("next_date"),
        "said": dict(memory.get("said") or {}),
        "objections": [
            o for o in memory.get("objections_raised") or [] if o not in (memory.get("objections_handled") or [])
        ],
        "promises": list(memory.get("promises") or []),
        "used": [],
        "promise_kept": None,
    }


def start(
    card: Dict[str, Any], mode: str, trainee: Optional[str], today: dt.date, spec: Optional[CardSpec] = None
) -> TurnResult:
    """The follow-up role-play: the card's persona; the customer opens with last time's memory."""
    spec = spec or load_spec()
    fu = spec.follow_up
    catalog = load_catalog()
    persona = catalog.personas[card["persona_id"]]
    result = engine.start(persona.type, fu["scenario"], mode, trainee=trainee, persona_id=persona.id)
    state = result.state
    remembered = memory_of(card)
    state.facts_revealed = list(remembered["said"])  # the customer told these last time
    state.memory["follow_up"] = remembered
    lines: List[str] = []
    if remembered["said"]:
        first = next(iter(remembered["said"].values()))
        lines.append(fu["lines"]["opening"].format(said=first))
    if remembered["objections"]:
        lines.append(fu["lines"]["opening_objection"].format(objection=remembered["objections"][0]))
    if remembered["promises"]:
        lines.append(fu["lines"]["opening_promise"].format(promise=remembered["promises"][0]))
    status = due_status(card, today, spec=spec)
    if status["status"] in ("overdue", "locked"):
        lines.append(fu["lines"]["overdue"].format(days=status["days_overdue"]))
        state.trust = _clamp((state.trust or 0) + fu["trust"]["overdue"])
    messages = [m for m in result.messages if m.role == "coach"]
    if lines:
        messages.append(Message("customer", text="".join(lines)))
        state.memory["said"] = list(state.memory.get("said") or []) + ["".join(lines)]
        state.memory["asked"] = True
    else:
        messages += [m for m in result.messages if m.role != "coach"]
    return TurnResult(state, messages)


def check_turn(state: SessionState, text: str, spec: Optional[CardSpec] = None) -> Tuple[SessionState, List[Message]]:
    """After the customer's answer to a trainee turn of a follow-up: did the trainee use last time's
    facts and keep the promise? Coach notes in practice mode; trust changes either way."""
    spec = spec or load_spec()
    remembered = state.memory.get("follow_up")
    if not remembered or state.phase != "roleplay":
        return state, []
    fu = spec.follow_up
    new = copy.deepcopy(state)
    rem = new.memory["follow_up"]
    notes: List[Tuple[str, str]] = []
    catalog = load_catalog()
    newly = [t for t, said in rem["said"].items() if t not in rem["used"] and matches(text, said)]
    if newly:
        rem["used"] += newly
        new.trust = _clamp((new.trust or 0) + fu["trust"]["memory_used"])
        labels = "、".join(catalog.topic_label(t) for t in newly)
        notes.append(("coach", fu["coach"]["memory_used"].format(topics=labels)))
    promise = rem["promises"][0] if rem["promises"] else None
    if promise and rem["promise_kept"] is None and matches(text, promise):
        rem["promise_kept"] = True
        new.trust = _clamp((new.trust or 0) + fu["trust"]["promise_kept"])
        notes.append(("coach", fu["coach"]["promise_kept"].format(promise=promise)))
    last_check = new.turns >= int(fu["check_turns"])
    if last_check and promise and rem["promise_kept"] is None:
        rem["promise_kept"] = False
        new.trust = _clamp((new.trust or 0) + fu["trust"]["promise_broken"])
        notes.append(("customer", fu["lines"]["promise_broken"].format(promise=promise)))
        notes.append(("coach", fu["coach"]["promise_broken"].format(promise=promise)))
    if last_check and not rem["used"] and rem["said"] and not rem.get("reminded"):
        rem["reminded"] = True
        topics = "、".join(catalog.topic_label(t) for t in rem["said"])
        notes.append(("coach", fu["coach"]["memory_unused"].format(topics=topics)))
    shown = [Message(role, text=t) for role, t in notes if role == "customer" or new.mode == "practice"]
    return new, shown


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, float(value)))
