"""Closing technique: assumptive, alternative choice, ask-and-wait, if-then, future event, step by step.

Techniques are tried in the order of skills.yml; a question-shaped close (alternative, ask_wait) counts only
late in the sale, and a "future event" that is really an ultimatum is left to the anti-patterns.
"""

from typing import List, Optional, Tuple

from .cues import find
from .phrases import CLOSING_TECHNIQUES, ReadingCues
from .questions import QuestionReading
from .units import Span

QUESTION_SHAPED = ("alternative", "ask_wait")


# Where any "A还是B？" question offers the customer a choice that closes the sale.
CHOICE_STAGES = ("negotiation", "closing")


def read_closing(
    text: str, stage: Optional[str], pressure: bool, questions: Optional[QuestionReading], cues: ReadingCues
) -> Tuple[Optional[str], Optional[Span]]:
    late = stage in cues.late_stages if stage else True
    for name in CLOSING_TECHNIQUES:
        if name in QUESTION_SHAPED and not late:
            continue
        span = find(cues.closing[name], text)
        if not span:
            continue
        if name == "future_event" and pressure:
            continue
        return name, span
    if stage in CHOICE_STAGES and questions is not None:
        choice = next((q.span for q in questions.items if "还是" in text[q.span[0] : q.span[1]]), None)
        if choice:
            return "alternative", choice
    return None, None


def closing_names() -> List[str]:
    return list(CLOSING_TECHNIQUES)
