"""What the reply asks: each question's kind (open/closed) and function (asks for information, asks the
customer to affirm the point just made, asks consent for a next step), the listening probe, TMD and the
topics asked about. The one definition of "open question" in the product."""

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from .cues import find
from .phrases import PROBES, TMD, ReadingCues
from .units import Span, clauses

INFO, CHECK, CONSENT = "info", "check", "consent"


@dataclass
class Question:
    span: Span
    kind: str  # open | closed
    function: str  # info | check | consent
    tail: Span  # the clause that carries the question


@dataclass
class QuestionReading:
    items: List[Question] = field(default_factory=list)
    kind: Optional[str] = None  # of the last question (the one the customer answers)
    probe: Optional[str] = None
    probe_span: Optional[Span] = None
    tmd: List[str] = field(default_factory=list)
    tmd_spans: List[Tuple[str, Span]] = field(default_factory=list)
    topics: List[str] = field(default_factory=list)

    @property
    def last(self) -> Optional[Question]:
        return self.items[-1] if self.items else None

    def of(self, function: str) -> List[Question]:
        return [q for q in self.items if q.function == function]


def is_open(text: str, span: Span, cues: ReadingCues) -> bool:
    return bool(find(cues.open, text, *span)) and not find(cues.closed, text, *span)


def _function(text: str, span: Span, tail: Span, cues: ReadingCues) -> str:
    if find(cues.consent, text, *span):
        return CONSENT
    if find(cues.check, text, tail[0], span[1]) and not find(cues.open, text, tail[0], span[1]):
        return CHECK
    return INFO


def read_questions(text: str, spans: List[Span], cues: ReadingCues) -> QuestionReading:
    out = QuestionReading()
    all_clauses = clauses(text)
    for span in spans:
        inside = [c for c in all_clauses if span[0] <= c[0] < span[1]] or [span]
        tail = inside[-1]
        kind = "open" if is_open(text, span, cues) else "closed"
        out.items.append(Question(span, kind, _function(text, span, tail, cues), tail))
    if not out.items:
        return out
    out.kind = out.items[-1].kind
    end = out.items[-1].span[1]
    # A probe may sit in the lead-in before the question ("我记得您提过……，对吧？"); TMD only inside questions.
    for probe in PROBES:
        hit = find(cues.probes[probe], text, 0, end)
        if hit:
            out.probe, out.probe_span = probe, hit
            break
    for topic in TMD:
        for q in out.items:
            hit = find(cues.tmd[topic], text, *q.span)
            if hit:
                out.tmd.append(topic)
                out.tmd_spans.append((topic, hit))
                break
    out.topics = _topics(text, out, cues)
    return out


def _topics(text: str, reading: QuestionReading, cues: ReadingCues) -> List[str]:
    """Topics the questions ask about: the TMD dimensions first, then keywords (longer keywords win)."""
    found = [cues.tmd_topics[d] for d in reading.tmd if d in cues.tmd_topics]
    hits = []
    for q in reading.items:
        if q.function == CONSENT:
            continue
        for tid, words in cues.topics:
            for word in words:
                start = text.find(word, q.span[0], q.span[1])
                while start >= 0 and start + len(word) <= q.span[1]:
                    hits.append((start, start + len(word), tid))
                    start = text.find(word, start + 1, q.span[1])
    taken: List[tuple] = []
    for start, end, tid in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, tid))
    found += [tid for _, _, tid in sorted(taken)]
    return list(dict.fromkeys(found))
