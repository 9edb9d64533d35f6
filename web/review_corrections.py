"""Trainers' corrections of the automatic judgement of a trainee turn: which of the six techniques and
which FBI parts the reply really has. Stored in the review database (review_store.corrections) beside
the automatic judgement, shown in the transcript, exported per turn in CSV, and written by `make train`
(python -m web.export_corrections) to the file the scorer learns from (ssp_coach/learn/corrections.py).

A later correction of the same turn replaces the earlier one (last wins); every earlier one stays in the
history, and a trainer can withdraw the correction (back to the automatic judgement)."""

import json
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import sqlalchemy as sa

from ssp_coach.codes import CUSTOMER_TYPES, FBI_PARTS, PATTERN_CODES, STAGES

from .labels import FBI, PATTERNS
from .tracker_reader import Line, RolePlay, events_table

FBI_NAMES = {"feature": "配备", "benefit": "利益", "impact": "冲击"}
assert set(FBI_NAMES) == set(FBI) == set(FBI_PARTS) and set(PATTERNS) == set(PATTERN_CODES)


def _assessment(line: Line) -> Dict[str, Any]:
    return line.assessment if isinstance(line.assessment, dict) else {}


def correctable(line: Line) -> bool:
    """Only the trainee's own replies are judged (not customer or coach lines, not /commands)."""
    return line.role == "trainee" and not line.is_command and bool(line.text.strip())


def auto_judgement(line: Line) -> Tuple[List[str], List[str]]:
    """The scorer's techniques and FBI parts of a turn, read defensively from its assessment."""
    a = _assessment(line)
    labels = [t for t in a.get("techniques") or [] if t in PATTERN_CODES]
    fbi: Dict[str, Any] = a["fbi"] if isinstance(a.get("fbi"), dict) else {}
    return labels, [part for part in FBI_PARTS if fbi.get(part) is True]


def pick(values: Iterable[str], allowed: Sequence[str]) -> Optional[List[str]]:
    """The submitted codes in canonical order, or None when one is not allowed."""
    values = list(values)
    if any(v not in allowed for v in values):
        return None
    return [code for code in allowed if code in values]


def previous_customer_line(rp: RolePlay, line: Line) -> str:
    before = ""
    for other in rp.lines:
        if other is line:
            break
        if other.role == "customer":
            before = other.text
    return before


def scorer_stage(reader, rp: RolePlay, line: Line) -> str:
    """The stage the scorer judged the turn against: recorded in the assessment if it is there, else the
    SSP process of the role-play's stage at that moment (the last `stage` slot before the turn; for a
    one-process scenario that is the scenario itself)."""
    a = _assessment(line)
    reading: Dict[str, Any] = a["reading"] if isinstance(a.get("reading"), dict) else {}
    for recorded in (a.get("stage"), reading.get("stage")):
        if recorded in STAGES:
            return recorded
    stage_id = _stage_slot_before(reader, rp.conversation_id, line.event_id)
    try:
        from ssp_coach.roleplay.catalog import load_catalog

        scenario = load_catalog().scenarios.get(rp.scenario)
        process = scenario.process_of(stage_id) if scenario else rp.scenario
    except Exception:  # noqa: BLE001 - content errors must not stop a correction being saved
        process = rp.scenario
    return process if process in STAGES else "presentation"


def _stage_slot_before(reader, conversation_id: str, event_id: int) -> Optional[str]:
    t = events_table
    query = (
        sa.select(t.c.data)
        .where(
            t.c.sender_id == conversation_id,
            t.c.type_name == "slot",
            t.c.action_name == "stage",
            t.c.id < event_id,
        )
        .order_by(t.c.id.desc())
        .limit(1)
    )
    try:
        with reader.engine.connect() as conn:
            raw = conn.execute(query).scalar()
        value = json.loads(raw or "{}").get("value")
    except (sa.exc.SQLAlchemyError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def training_fields(reader, rp: RolePlay, line: Line) -> Dict[str, str]:
    """What a correction stores besides the labels, so it is a self-contained training item."""
    return {
        "reply": line.text,
        "context": previous_customer_line(rp, line),
        "stage": scorer_stage(reader, rp, line),
        "customer_type": rp.customer_type if rp.customer_type in CUSTOMER_TYPES else "social",
    }


def names(codes: Iterable[str], table: Dict[str, str]) -> List[str]:
    return [table.get(code, code) for code in codes]


def correction_view(line: Line, history: List[Dict[str, Any]]) -> Dict[str, Any]:
    """What the transcript shows for one trainee turn: the automatic judgement, the correction in force
    (None if none) with what it added and removed, the history, and the boxes to tick in the form."""
    auto_labels, auto_fbi = auto_judgement(line)
    current = history[0] if history and not history[0]["cleared"] else None
    labels = current["labels"] if current else auto_labels
    fbi = current["fbi"] if current else auto_fbi
    view: Dict[str, Any] = {
        "auto": {"labels": names(auto_labels, PATTERNS), "fbi": names(auto_fbi, FBI_NAMES)},
        "assessed": isinstance(line.assessment, dict),
        "current": None,
        "history": [
            {
                "trainer": h["trainer"],
                "created_at": h["created_at"],
                "cleared": h["cleared"],
                "labels": names(h["labels"], PATTERNS),
                "fbi": names(h["fbi"], FBI_NAMES),
            }
            for h in history
        ],
        "boxes": {
            "labels": [(code, name, code in labels) for code, name in PATTERNS.items()],
            "fbi": [(code, FBI_NAMES[code], code in fbi) for code in FBI_PARTS],
        },
    }
    if current:
        view["current"] = {
            "trainer": current["trainer"],
            "created_at": current["created_at"],
            "labels": names(current["labels"], PATTERNS),
            "fbi": names(current["fbi"], FBI_NAMES),
            "added": names([c for c in current["labels"] if c not in auto_labels], PATTERNS)
            + names([c for c in current["fbi"] if c not in auto_fbi], FBI_NAMES),
            "removed": names([c for c in auto_labels if c not in current["labels"]], PATTERNS)
            + names([c for c in auto_fbi if c not in current["fbi"]], FBI_NAMES),
        }
    return view


def corrections_view(rp: RolePlay, history: Dict[int, List[Dict[str, Any]]]) -> Dict[int, Dict[str, Any]]:
    return {
        line.event_id: correction_view(line, history.get(line.event_id, [])) for line in rp.lines if correctable(line)
    }


def turn_rows(rp: RolePlay, history: Dict[int, List[Dict[str, Any]]]) -> List[Dict[str, Any]]:
    """One row per trainee reply of a role-play, automatic and corrected labels side by side (for CSV)."""
    rows = []
    for n, line in enumerate((x for x in rp.lines if correctable(x)), start=1):
        auto_labels, auto_fbi = auto_judgement(line)
        past = history.get(line.event_id, [])
        current = past[0] if past and not past[0]["cleared"] else None
        a = _assessment(line)
        score = a.get("score")
        rows.append(
            {
                "rp": rp,
                "turn": n,
                "line": line,
                "context": previous_customer_line(rp, line),
                "score": score if isinstance(score, (int, float)) and not isinstance(score, bool) else None,
                "auto_labels": auto_labels,
                "auto_fbi": auto_fbi,
                "corrected": current is not None,
                "labels": current["labels"] if current else auto_labels,
                "fbi": current["fbi"] if current else auto_fbi,
                "trainer": current["trainer"] if current else "",
                "corrected_at": current["created_at"] if current else None,
            }
        )
    return rows


def training_rows(store) -> List[Dict[str, Any]]:
    """The corrections in force as rows for ssp_coach.learn.corrections.write_corrections."""
    return [
        {
            "reply": c["reply"],
            "context": c["context"],
            "stage": c["stage"],
            "customer_type": c["customer_type"],
            "labels": c["labels"],
            "fbi": c["fbi"],
        }
        for c in store.corrections_in_force()
        if c["reply"].strip()
    ]
