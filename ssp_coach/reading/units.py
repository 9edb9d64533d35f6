"""The one splitter of a reply into sentences, clauses and questions (offsets into the normalised text,
which has the same length as the original)."""

import re
from typing import List, Pattern, Tuple

Span = Tuple[int, int]
CJK = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE = re.compile(r"[^。!?;\n]+[。!?;\n]*")
# A clause ends at a comma, colon or sentence end; a full stop between digits (5.8升) is not an end.
_CLAUSE = re.compile(r"(?:[^,、。!?;:\n.]|(?<=\d)\.(?=\d))+")


def sentences(text: str) -> List[Span]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]


def clauses(text: str) -> List[Span]:
    return [(m.start(), m.end()) for m in _CLAUSE.finditer(text) if m.group().strip()]


def questions(text: str, sentence_spans: List[Span], question_end: Pattern) -> List[Span]:
    """Sentences that ask something: ending in ? or a question particle (吗/呢)."""
    out = []
    for s, e in sentence_spans:
        body = text[s:e].rstrip()
        if body and question_end.search(body):
            out.append((s, s + len(body)))
    return out


def cjk_count(text: str) -> int:
    return len(CJK.findall(text))


def clause_at(spans: List[Span], offset: int, fallback: Span) -> Span:
    return next((c for c in spans if c[0] <= offset < c[1]), fallback)
