"""What a trainee's reply does, read from its text, the NLU intent and the scorer's assessment.

Neither the intent nor the assessment is trusted alone: the intent can be wrong, and the scorer can
miss a question, so question kind, topics and dialogue signals are also checked on the text itself.
"""
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set

from ..text import cjk_ratio, normalise, sentences
from .catalog import Catalog

_TAG = re.compile(r"<[^>]{0,200}>")
_PRICE_FIGURE = re.compile(r"\d+(\.\d+)?\s*万")
_INTENT_SIGNALS = {
    "greet": "greet", "overview": "overview", "explain_process": "process", "present_product": "product",
    "quote_price": "price", "invite_test_drive": "test_drive", "attempt_close": "close",
    "small_talk": "small_talk", "arrange_appointment": "appointment", "ask_referral": "referral",
}


@dataclass
class Reading:
    text: str  # normalised (Simplified) text, tags removed
    readable: bool  # False for empty, emoji-only, English, gibberish or markup-only input
    length: int
    intent: Optional[str] = None
    question: Optional[str] = None  # open | closed | None
    topics: List[str] = field(default_factory=list)  # question topics asked about, in order
    signals: Set[str] = field(default_factory=set)
    techniques: List[str] = field(default_factory=list)
    anti_patterns: List[str] = field(default_factory=list)
    steps: Set[int] = field(default_factory=set)  # objection-handling steps shown
    fbi_complete: bool = False
    feature_only: bool = False


def read_reply(text: Optional[str], intent: Optional[str], assessment: Optional[Dict[str, Any]],
               catalog: Catalog) -> Reading:
    assessment = assessment if isinstance(assessment, dict) else {}
    clean = _TAG.sub(" ", normalise(text or "")).strip()
    reading = Reading(text=clean, readable=_readable(clean), length=len(clean), intent=intent)
    if not reading.readable:
        return reading
    reading.techniques = [t for t in assessment.get("techniques") or [] if isinstance(t, str)]
    reading.anti_patterns = [a for a in assessment.get("anti_patterns") or [] if isinstance(a, str)]
    reading.question = _question_kind(clean, assessment, intent, catalog)
    reading.topics = _topics(_question_part(clean, catalog), assessment, catalog) if reading.question else []
    reading.steps = _objection_steps(assessment, reading, catalog)
    fbi = assessment.get("fbi") or {}
    reading.fbi_complete = bool(fbi.get("feature") and fbi.get("benefit") and fbi.get("impact"))
    reading.feature_only = bool(fbi.get("feature_dump") or (fbi.get("feature") and not fbi.get("benefit")))
    reading.signals = _signals(clean, intent, assessment, reading, catalog)
    return reading


def _readable(text: str) -> bool:
    """Chinese words make up most of the letters (digits and punctuation aside): not empty, emoji,
    English or gibberish."""
    letters = "".join(ch for ch in text if ch.isalpha())
    return bool(letters) and cjk_ratio(letters) >= 0.5


def _question_kind(text: str, assessment: Dict[str, Any], intent: Optional[str], catalog: Catalog) -> Optional[str]:
    kind = (assessment.get("question") or {}).get("kind")
    if kind in ("open", "closed"):
        return kind
    if any(m in text for m in catalog.open_markers):
        return "open"
    if any(m in text for m in catalog.closed_markers) or text.endswith(("?", "？")):
        return "closed"
    if intent in ("ask_open", "ask_closed") and ("?" in text or "？" in text):
        return "open" if intent == "ask_open" else "closed"
    return None


def _question_part(text: str, catalog: Catalog) -> str:
    """The sentences that ask something (a greeting or a statement before the question names no topic)."""
    markers = catalog.open_markers + catalog.closed_markers + ["?", "？"]
    asking = [text[a:b] for a, b in sentences(text) if any(m in text[a:b] for m in markers)]
    return "。".join(asking) or text


def _topics(text: str, assessment: Dict[str, Any], catalog: Catalog) -> List[str]:
    """Topics named by keywords (longer keywords win where they overlap) plus the scorer's TMD."""
    # The scorer's TMD dimensions first: they are the most deliberate questions.
    found = [catalog.tmd_topics[d] for d in (assessment.get("question") or {}).get("tmd") or []
             if d in catalog.tmd_topics]
    hits = []
    for topic in catalog.topics.values():
        for word in topic.keywords:
            start = text.find(word)
            while start >= 0:
                hits.append((start, start + len(word), topic.id))
                start = text.find(word, start + 1)
    taken: List[tuple] = []
    for start, end, tid in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, tid))
    found += [tid for _, _, tid in sorted(taken)]
    return list(dict.fromkeys(found))


def _objection_steps(assessment: Dict[str, Any], reading: Reading, catalog: Catalog) -> Set[int]:
    steps = {s for s in (assessment.get("objection") or {}).get("steps") or [] if s in (1, 2, 3, 4)}
    if not steps:  # the scorer saw no step: fall back on the trainer's marker phrases
        markers = catalog.dynamics["objection_step_markers"]
        steps = {int(step) for step, words in markers.items() if any(w in reading.text for w in words)}
    # The course's own mapping, when the scorer's step detector is silent: 认同法 neutralises (1),
    # an open question pins the objection down (2), 承诺法/反问法 seek agreement (4).
    if "agree" in reading.techniques:
        steps.add(1)
    if reading.question == "open":
        steps.add(2)
    if "commit" in reading.techniques or "rhetorical" in reading.techniques:
        steps.add(4)
    return steps


def _signals(text: str, intent: Optional[str], assessment: Dict[str, Any], reading: Reading,
             catalog: Catalog) -> Set[str]:
    keywords = catalog.dynamics["signals"]
    signals = {name for name, words in keywords.items() if any(w in text for w in words)}
    if intent in _INTENT_SIGNALS:
        signals.add(_INTENT_SIGNALS[intent])
    # Overview is a structure (what happens next + the customer's consent), not a single keyword.
    if "overview" in signals and intent != "overview" and "commit" not in reading.techniques:
        signals.discard("overview")
    if "price" in signals and intent != "quote_price" and not _PRICE_FIGURE.search(text) \
            and "bare_price" not in reading.anti_patterns:
        signals.discard("price")
    if (assessment.get("closing") or {}).get("technique"):
        signals.add("close")
    if reading.question:
        signals.add("question")
    if reading.question == "open":
        signals.add("open_question")
    if reading.fbi_complete or ((assessment.get("fbi") or {}).get("feature") and (assessment.get("fbi") or {}).get("benefit")):
        signals.add("fbi")
    if (assessment.get("fbi") or {}).get("feature"):
        signals.add("product")
    if "referral" in reading.topics:
        signals.add("referral")
    if intent == "small_talk" and reading.question == "open" and reading.topics:
        signals.discard("small_talk")  # a needs question mis-labelled as small talk
    return signals
