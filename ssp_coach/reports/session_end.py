"""Completing a role-play: the summary gets its scorecard, chat text and radar chart."""
from typing import Any, Dict, List, Tuple

from ..codes import PATTERN_CODES as PATTERNS
from .radar import radar_data_uri, radar_svg
from .scorecard import build, render_text


def complete_summary(summary: Dict[str, Any], turns: List[Dict[str, Any]], scenario: str,
                     customer_type: str) -> Tuple[Dict[str, Any], str, str]:
    """(summary with scorecard and radar SVG, scorecard text for the chat, radar data URI)."""
    card = build(summary, turns, scenario, customer_type)
    scores = {p: float((card.get("patterns") or {}).get(p, {}).get("score", 0)) for p in PATTERNS}
    full = dict(summary, scorecard=card, radar_svg=radar_svg(scores))
    return full, render_text(card), radar_data_uri(scores)
