"""What every detector reads (one pre-processed reply) and what it returns (evidence, missing parts)."""
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from ..nlp import load_nlp
from ..text import normalise, sentences


@dataclass
class Evidence:
    label: str  # e.g. "agree", "fbi.benefit", "question.open", "anti.pressure"
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
class Analysis:
    """One reply, normalised once. `text` has the same length as `original`, so offsets carry over."""

    original: str
    text: str
    doc: Any  # spaCy Doc over `text`
    context: str  # the customer's previous line, normalised ('' when unknown)
    stage: Optional[str] = None
    customer_type: Optional[str] = None
    sentences: List[Tuple[int, int]] = field(default_factory=list)

    def evidence(self, label: str, part: str, start: int, end: int) -> Evidence:
        return Evidence(label, part, start, end, self.original[start:end])


def analyse(reply: str, context: Optional[str] = None, stage: Optional[str] = None,
            customer_type: Optional[str] = None) -> Analysis:
    text = normalise(reply)
    return Analysis(
        original=reply,
        text=text,
        doc=load_nlp()(text),
        context=normalise(context or ""),
        stage=stage,
        customer_type=customer_type,
        sentences=sentences(text),
    )
