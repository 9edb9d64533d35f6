"""Sentence-level helpers shared by the question, objection and closing detectors."""
from typing import List, Tuple

from .analysis import Analysis
from .skill_phrases import load_skill_phrases


def question_spans(a: Analysis) -> List[Tuple[int, int]]:
    """(start, end) of the reply's sentences that are questions (end in ？/? or a question particle)."""
    end = load_skill_phrases()["question_end"]
    out = []
    for s, e in a.sentences:
        chunk = a.text[s:e].rstrip()
        if chunk and end.search(chunk):
            out.append((s, s + len(chunk)))
    return out
