"""Turns a role-play's lines into what the transcript page shows: highlighted evidence spans,
missing parts, FBI and trust per trainee reply."""

from typing import Any, Dict, List, Optional, Tuple

from .labels import FBI, command_text, evidence_name, label
from .tracker_reader import Line


def highlight(text: str, evidence: Any) -> List[Dict[str, Any]]:
    """Split text at every evidence boundary: [{"text", "marks": [{label, part, name}]}].
    Offsets are character offsets into the trainee's text; bad spans are skipped."""
    spans: List[Tuple[int, int, Dict[str, str]]] = []
    for item in evidence if isinstance(evidence, list) else []:
        if not isinstance(item, dict):
            continue
        start, end = item.get("start"), item.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            code, part = str(item.get("label") or ""), str(item.get("part") or "")
            spans.append(
                (
                    start,
                    end,
                    {"label": code, "part": part, "name": evidence_name(code, part)},
                )
            )
    cuts = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    segments = []
    for a, b in zip(cuts, cuts[1:]):
        marks = [m for s, e, m in spans if s <= a and b <= e]
        segments.append({"text": text[a:b], "marks": marks})
    return segments


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def assessment_view(line: Line) -> Optional[Dict[str, Any]]:
    a = line.assessment
    if not isinstance(a, dict):
        return None
    fbi = _dict(a.get("fbi"))
    fbi_used = any(fbi.get(key) for key in FBI)  # FBI chips only for replies that present the product
    return {
        "score": a.get("score") if isinstance(a.get("score"), (int, float)) else None,
        "techniques": [label("pattern", t) for t in a.get("techniques") or [] if isinstance(t, str)],
        "segments": highlight(line.text, a.get("evidence")),
        "evidence": [
            {**e, "name": evidence_name(e.get("label"), e.get("part"))}
            for e in a.get("evidence") or []
            if isinstance(e, dict)
        ],
        "missing": [
            {
                "name": evidence_name(m.get("label"), m.get("part")),
                "message": str(m.get("message") or ""),
            }
            for m in a.get("missing") or []
            if isinstance(m, dict)
        ],
        "feedback": str(a.get("feedback") or ""),
        "fbi": [{"name": name, "present": bool(fbi.get(key))} for key, name in FBI.items()] if fbi_used else [],
        "fbi_notes": [
            note
            for flag, note in (
                (fbi.get("feature_dump"), "堆砌配备"),
                (fbi_used and not fbi.get("order_ok", True), "顺序不当"),
            )
            if flag
        ],
        "anti_patterns": [label("anti_pattern", x) for x in a.get("anti_patterns") or [] if isinstance(x, str)],
    }


def _coach_repeats(lines: List[Line], index: int, feedback: str) -> bool:
    """The coach's note after this reply (before the next trainee line) already carries its feedback."""
    wanted = [part.strip() for part in feedback.splitlines() if part.strip()]
    for later in lines[index + 1 :]:
        if later.role == "trainee":
            return False
        if later.role == "coach" and any(part in later.text for part in wanted):
            return True
    return False


def lines_view(lines: List[Line]) -> List[Dict[str, Any]]:
    """One entry per line: the line, its assessment (trainee replies), the text to show (a command payload
    becomes the choice in Chinese) and whether trainers may comment on it (trainee lines only). The coach's
    feedback is shown once: in the coach's own line when there is one, else in the reply's assessment."""
    out = []
    for i, line in enumerate(lines):
        assessment = assessment_view(line) if line.role == "trainee" else None
        if assessment and assessment["feedback"] and _coach_repeats(lines, i, assessment["feedback"]):
            assessment["feedback"] = ""
        shown = command_text(line.text) if line.role == "trainee" else None
        out.append(
            {
                "line": line,
                "assessment": assessment,
                "text": shown if shown is not None else line.text,
                "commentable": line.role == "trainee",
            }
        )
    return out
