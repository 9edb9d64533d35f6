"""Objection handling: whether the customer is objecting, which of the course's four steps the reply
performs, and which technique it uses. The one definition of "objection step" in the product.

Steps count only while the customer objects (their last line, or an objection the role-play knows is
pending): "我理解" in ordinary talk is not step 1. Prevention (pre-empting an objection) needs no objection.
"""

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from .cues import find
from .phrases import OBJECTION_TECHNIQUES, STEPS, ReadingCues
from .questions import CHECK, CONSENT, QuestionReading
from .units import Span


@dataclass
class ObjectionReading:
    customer_objects: bool = False
    steps: List[int] = field(default_factory=list)
    step_spans: List[Tuple[int, Span]] = field(default_factory=list)
    technique: Optional[str] = None
    technique_span: Optional[Span] = None


def customer_objects(context: str, cues: ReadingCues) -> bool:
    return bool(context) and find(cues.objection_cues, context) is not None


def read_objection(
    text: str, context: str, pending: Optional[bool], questions: QuestionReading, cues: ReadingCues
) -> ObjectionReading:
    out = ObjectionReading(customer_objects=bool(pending) if pending is not None else customer_objects(context, cues))
    if out.customer_objects:
        for step in STEPS:
            span = find(cues.steps[step], text)
            if span is None and step == 2:  # pinning the objection down: an open question about it
                span = next(
                    (q.span for q in questions.items if q.kind == "open" and q.function not in (CHECK, CONSENT)), None
                )
            if span is None and step == 4:  # seeking agreement: a check or consent question
                span = next((q.span for q in reversed(questions.items) if q.function in (CHECK, CONSENT)), None)
            if span:
                out.steps.append(step)
                out.step_spans.append((step, span))
    for name in OBJECTION_TECHNIQUES:
        if name != "prevention" and not out.customer_objects:
            continue
        span = find(cues.objection_techniques[name], text)
        if span:
            out.technique, out.technique_span = name, span
            break
    return out
