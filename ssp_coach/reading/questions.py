"""What the reply asks: each question's kind (open/closed) and function (asks for information, asks the
customer to affirm the point just made, asks consent for a next step), the listening probe, TMD and the
topics asked about. The one definition of "open question" in the product."""

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from .cues import find
from .phrases import PROBES, TMD, ReadingCues
from .units import Span, cjk_count, clauses, sentences

INFO, CHECK, CONSENT = "info", "check", "consent"
NOTHING_SAID = 5  # CJK characters before a check question: fewer (钱总，/ 您好，/ 哈哈，) make no point
# ... unless the asked clause makes the point itself before its check (刚才过减速带挺稳的吧? against 车还好吧?)
POINT_IN_CLAUSE = 8


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


def _asks_leave(text: str, span: Span, tail: Span, cues: ReadingCues) -> bool:
    """The last clause is a bare tag (好吗 / 行吧 / 可以吗) after something proposed in the same question."""
    tag = text[tail[0] : tail[1]].strip(" \t\u3000?!~～。")
    return bool(cues.consent_tag.fullmatch(tag)) and cjk_count(text[span[0] : tail[0]]) >= 4


def _arranges(text: str, span: Span, cues: ReadingCues) -> bool:
    """A day or a time of day with an arrangement word, and no habit asked about: fixing a meeting."""
    return bool(
        find(cues.appointment, text, *span)
        and find(cues.arrangement, text, *span)
        and not find(cues.habit, text, *span)
    )


def _invites_to_come(text: str, span: Span, cues: ReadingCues) -> bool:
    """Asks whether it suits the customer to come by (您这周末方便过来再看看吗?), not about a habit."""
    return bool(find(cues.come_by, text, *span) and not find(cues.habit, text, *span))


def asks_consent(text: str, span: Span, tail: Span, cues: ReadingCues, after_proposal: bool = False) -> bool:
    """A consent phrase, or the structure of a request for a next step: a bare leave-asking tag, a meeting
    being fixed, an invitation to come by, a choice between ways of taking the step, something the customer is
    asked to do for us, or a question right after a proposal."""
    return bool(
        find(cues.consent, text, *span)
        or _asks_leave(text, span, tail, cues)
        or _arranges(text, span, cues)
        or _invites_to_come(text, span, cues)
        or find(cues.step_choice, text, *span)
        or find(cues.hand_over, text, *span)
        or after_proposal
    )


def _function(text: str, span: Span, tail: Span, cues: ReadingCues, after_proposal: bool = False) -> str:
    if asks_consent(text, span, tail, cues, after_proposal):
        return CONSENT
    if find(cues.open, text, tail[0], span[1]):
        return INFO
    if find(cues.check, text, tail[0], span[1]):
        return INFO if _asks_a_fact(text, span, tail, cues) else CHECK
    tagged = _tagged_clause(text, span, tail, cues)
    if tagged:
        return INFO if _asks_a_fact(text, span, tagged, cues) else CHECK
    return INFO


def _tagged_clause(text: str, span: Span, tail: Span, cues: ReadingCues) -> Optional[Span]:
    """An earlier clause of the question that carries a check tag, with the question's last clause only
    adding to the point (这车是不是挺宽敞，坐五个人都不挤?): the check is that clause's."""
    earlier = [c for c in clauses(text[: tail[0]]) if c[0] >= span[0]]
    return next((c for c in reversed(earlier) if find(cues.bare_check, text, *c)), None)


def _makes_a_point(text: str, span: Span, asked: Span, cues: ReadingCues) -> bool:
    """The asked clause states something before its check: at length, or with a judgement (挺/很/真……)."""
    check = find(cues.check, text, asked[0], span[1])
    if not check:
        return False
    said = text[asked[0] : check[0]]
    return cjk_count(said) >= POINT_IN_CLAUSE or bool(cues.judgement.search(said))


def _asks_a_fact(text: str, span: Span, tail: Span, cues: ReadingCues) -> bool:
    """A check question with no point made before it, about the customer (您平时……吧?) or about a habit
    (是不是经常……?), asks for a fact of the customer or their view: guide, not rhetorical (guide RH1, RH4, G7)."""
    asked = tail
    if cues.bare_check.fullmatch(text[tail[0] : tail[1]].strip(" \t\u3000?!~～。")):
        previous = [c for c in clauses(text[: tail[0]]) if c[1] > span[0]]
        asked = previous[-1] if previous else tail
    if cjk_count(text[: asked[0]]) < NOTHING_SAID and not _makes_a_point(text, span, asked, cues):
        return True
    start = asked[0] + len(text[asked[0] : asked[1]]) - len(text[asked[0] : asked[1]].lstrip())
    return bool(cues.about_customer.match(text, start, asked[1]) or find(cues.habit, text, *asked))


def read_questions(text: str, spans: List[Span], cues: ReadingCues) -> QuestionReading:
    out = QuestionReading()
    all_clauses = clauses(text)
    all_sentences = sentences(text)
    for span in spans:
        inside = [c for c in all_clauses if span[0] <= c[0] < span[1]] or [span]
        tail = inside[-1]
        kind = "open" if is_open(text, span, cues) else "closed"
        # the statement right before the question (an earlier question proposes nothing for this one)
        previous = [s for s in all_sentences if s[1] <= span[0]][-1:]
        before = [s for s in previous if not any(q[0] <= s[0] < q[1] for q in spans)] + inside[:-1]
        lead = any(cues.proposal_lead.match(text, *s) for s in before)
        out.items.append(Question(span, kind, _function(text, span, tail, cues, lead), tail))
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
