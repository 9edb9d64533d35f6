"""Closing technique: assumptive, alternative choice, ask-and-wait, if-then, future event, step by step.

Techniques are tried in the order of skills.yml; a question-shaped close (alternative, ask_wait) counts only
late in the sale, and a future-event "close" that is really an ultimatum is left to the anti-patterns.
"""
from .analysis import Analysis
from .skill_phrases import CLOSING_TECHNIQUES, first_match, load_skill_phrases
from .skill_result import SkillResult

QUESTION_SHAPED = ("alternative", "ask_wait")


def detect_closing(a: Analysis) -> SkillResult:
    cues = load_skill_phrases()
    late = a.stage in cues["late_stages"] if a.stage else True
    for name in CLOSING_TECHNIQUES:
        if name in QUESTION_SHAPED and not late:
            continue
        m = first_match(cues["closing"][name], a.text)
        if not m:
            continue
        if name == "future_event" and first_match(cues["anti"]["pressure"], a.text):
            continue
        return SkillResult(data={"technique": name}, evidence=[a.evidence("closing", name, m.start(), m.end())])
    return SkillResult(data={"technique": None})
