"""Completing a role-play: the summary gets its scorecard, chat text and radar chart."""

from typing import Any, Dict, List, Tuple

from ..codes import PATTERN_CODES as PATTERNS
from .radar import radar_data_uri, radar_svg
from .scorecard import build, render_text


def complete_summary(
    summary: Dict[str, Any], turns: List[Dict[str, Any]], scenario: str, customer_type: str
) -> Tuple[Dict[str, Any], str, str]:
    """(summary with scorecard and radar SVG, scorecard text for the chat, radar data URI).

    The stored summary carries the scorecard's one record of the customer's facts: `facts_discovered`
    holds every fact the customer stated (also briefly, to a closed question), `facts_missed` the rest,
    and `facts_record` each fact with its status (revealed / stated / asked / missed)."""
    card = build(summary, turns, scenario, customer_type)
    scores = {p: float((card.get("patterns") or {}).get(p, {}).get("score", 0)) for p in PATTERNS}
    needs = card.get("needs") or {}
    record = needs.get("record") or []
    facts = {}
    if record:
        facts = {
            "facts_discovered": list(needs.get("discovered") or []),
            "facts_missed": [
                {"id": f["id"], "label": f["label"]} for f in record if f["status"] in ("asked", "missed")
            ],
            "facts_record": record,
        }
    full = dict(summary, scorecard=card, radar_svg=radar_svg(scores), **facts)
    return full, render_text(card), radar_data_uri(scores)
