"""The customer's view of a turn: the turn's one reading plus the scorer's judgement of it (techniques,
FBI). Nothing here re-reads the text; every field is taken from those two."""

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Set

from ..reading import TurnReading


@dataclass
class TurnView:
    reading: TurnReading
    assessment: Dict[str, Any]

    @property
    def readable(self) -> bool:
        return self.reading.readable and bool(self.reading.text.strip())

    @property
    def text(self) -> str:
        return self.reading.text

    @property
    def length(self) -> int:
        return self.reading.length

    @property
    def intent(self) -> Optional[str]:
        return self.reading.intent

    @property
    def question(self) -> Optional[str]:
        return self.reading.question.kind

    @property
    def topics(self) -> List[str]:
        return self.reading.question.topics

    @property
    def steps(self) -> Set[int]:
        return set(self.reading.objection.steps)

    @property
    def anti_patterns(self) -> List[str]:
        """The reading's anti-patterns, and the trust breaker the scorer's tone model heard when no structure of the
        reading named one (the customer reacts to the tone)."""
        found = list(self.reading.anti_patterns)
        tone = self.assessment.get("tone_breaker")
        if isinstance(tone, str) and tone not in found:
            found.append(tone)
        return found

    @property
    def techniques(self) -> List[str]:
        return [t for t in self.assessment.get("techniques") or [] if isinstance(t, str)]

    @property
    def fbi(self) -> Dict[str, Any]:
        return self.assessment.get("fbi") or {}

    @property
    def fbi_complete(self) -> bool:
        return bool(self.fbi.get("feature") and self.fbi.get("benefit") and self.fbi.get("impact"))

    @property
    def feature_only(self) -> bool:
        return bool(self.fbi.get("feature_dump") or (self.fbi.get("feature") and not self.fbi.get("benefit")))

    @property
    def signals(self) -> Set[str]:
        """The reading's dialogue acts, plus what the stage exits also accept (scenarios.yml exit.signals)."""
        s = set(self.reading.acts)
        if self.reading.question.items:
            s.add("question")
        if self.question == "open":
            s.add("open_question")
        if self.fbi_complete or (self.fbi.get("feature") and self.fbi.get("benefit")):
            s.add("fbi")
        if "referral" in self.topics:
            s.add("referral")
        return s
