"""read_turn: the one analysis of a trainee turn (see docs/design.md, "The reading of a turn").

Computed once per turn from the text, the customer's previous line, the stage, the customer type and
(when Rasa gives one) the NLU intent. The scorer judges it, the coach comments on it and the role-play
customer answers it; none of them re-derives what it holds.
"""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set

from ..nlp import load_nlp
from ..text import normalise
from .acts import address_spans, product_talk, read_acts, readable, strip_markup
from .anti_patterns import ordered, read_anti_patterns
from .closing import read_closing
from .cues import find
from .objections import ObjectionReading, read_objection
from .phrases import load_cues
from .questions import QuestionReading, read_questions
from .units import Span, clauses, questions, sentences


@dataclass
class Evidence:
    label: str  # e.g. "agree", "fbi.benefit", "question", "anti"
    part: str  # structural part, e.g. "agreement_phrase"
    start: int  # offsets into the ORIGINAL reply
    end: int
    text: str

    def as_dict(self) -> Dict[str, Any]:
        return {"label": self.label, "part": self.part, "start": self.start, "end": self.end, "text": self.text}


@dataclass
class Missing:
    label: str
    part: str
    message: str  # Chinese, for the trainee

    def as_dict(self) -> Dict[str, Any]:
        return {"label": self.label, "part": self.part, "message": self.message}


@dataclass
class TurnReading:
    """One reply read once. `text` has the same length as `original`, so offsets carry over."""

    original: str
    text: str
    doc: Any  # spaCy Doc over `text`
    context: str  # the customer's previous line, normalised ('' when unknown)
    customer_asked: bool = False  # that line asks something (else it states a view, a stance or a fact)
    stage: Optional[str] = None
    customer_type: Optional[str] = None
    intent: Optional[str] = None
    readable: bool = True
    sentences: List[Span] = field(default_factory=list)
    clauses: List[Span] = field(default_factory=list)
    question: QuestionReading = field(default_factory=QuestionReading)
    objection: ObjectionReading = field(default_factory=ObjectionReading)
    closing: Optional[str] = None
    closing_span: Optional[Span] = None
    anti: Dict[str, Span] = field(default_factory=dict)  # anti-pattern code -> evidence span
    acts: Set[str] = field(default_factory=set)
    product_talk: bool = False
    small_talk: bool = False
    address: List[Span] = field(default_factory=list)

    @property
    def anti_patterns(self) -> List[str]:
        return ordered(self.anti, load_cues())

    @property
    def length(self) -> int:
        return len(self.text.strip())

    def evidence(self, label: str, part: str, start: int, end: int) -> Evidence:
        return Evidence(label, part, start, end, self.original[start:end])

    def in_address(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.address)

    def summary(self) -> Dict[str, Any]:
        """The JSON-serialisable part the scorer's assessment carries (Contract 1)."""
        return {
            "question": {
                "kind": self.question.kind,
                "probe": self.question.probe,
                "tmd": list(self.question.tmd),
                "functions": [q.function for q in self.question.items],
            },
            "objection": {"steps": list(self.objection.steps), "technique": self.objection.technique},
            "closing": {"technique": self.closing},
            "anti_patterns": self.anti_patterns,
            "acts": sorted(self.acts),
            "topics": list(self.question.topics),
            "product_talk": self.product_talk,
        }


def read_turn(
    reply: Any,
    context: Optional[str] = None,
    stage: Optional[str] = None,
    customer_type: Optional[str] = None,
    intent: Optional[str] = None,
    objection_pending: Optional[bool] = None,
    max_chars: Optional[int] = None,
) -> TurnReading:
    """Read a reply. `objection_pending` (from the role-play) overrides guessing an objection from the
    customer's line; `max_chars` limits the analysed prefix (offsets stay valid for the whole reply)."""
    cues = load_cues()
    original = reply if isinstance(reply, str) else ""
    if max_chars:
        original = original[:max_chars]
    text = strip_markup(normalise(original))
    ctx = normalise(context) if isinstance(context, str) else ""
    r = TurnReading(
        original=original,
        text=text,
        doc=load_nlp()(text),
        context=ctx,
        stage=stage,
        customer_type=customer_type,
        intent=intent,
        readable=readable(text),
    )
    if not r.readable:
        return r
    r.sentences = sentences(text)
    r.clauses = clauses(text)
    r.question = read_questions(text, questions(text, r.sentences, cues.question_end), cues)
    r.customer_asked = bool(ctx) and bool(questions(ctx, sentences(ctx), cues.question_end))
    r.objection = read_objection(text, ctx, objection_pending, r.question, cues)
    r.acts = read_acts(text, intent, cues)
    # An overview is a structure (what happens next + the customer's consent), not a single keyword.
    if "overview" in r.acts and intent != "overview" and not r.question.of("consent"):
        r.acts.discard("overview")
    r.small_talk = "small_talk" in r.acts
    r.product_talk = product_talk(text, r.question.items, cues)
    r.address = address_spans(text, cues)
    price_talk = "price" in r.acts or bool(find(cues.price, text))
    r.anti = read_anti_patterns(
        text,
        len(r.sentences),
        stage,
        customer_type,
        r.small_talk,
        r.product_talk or price_talk,
        r.objection.customer_objects,
        r.customer_asked,
        cues,
    )
    if r.product_talk and cues.strike & set(r.anti):
        r.product_talk = False  # an ultimatum or a put-down is not a presentation, whatever words it borrows
    r.closing, r.closing_span = read_closing(text, stage, "pressure" in r.anti, r.question, cues)
    late = stage in cues.late_stages if stage else True
    if "close" in r.acts and not r.closing and not late and r.question.kind == "open":
        r.acts.discard("close")  # 您打算什么时候定下来？ asks about time; it does not close
    if r.closing:
        r.acts.add("close")
    if r.product_talk:
        r.acts.add("product")
    return r
