"""Anti-patterns that cost the customer's trust: contradicting, blaming, belittling the competitor or the
customer (age, money, family, knowledge), pressure and ultimatums, dismissive or curt replies, calling the
engine noisy, a bare price, off-topic chatter during price talks, and two that depend on the customer:
a lecture to a dominant customer and a data-free claim to an analytical one."""

from typing import Dict, List, Optional

from .cues import find, find_all
from .phrases import ANTI_LIST_CODES, ReadingCues
from .units import Span


def _curt(text: str, curt_chars) -> bool:
    content = [c for c in text if c.isalnum()]
    return 0 < len(content) <= 4 and all(c in curt_chars for c in content)


def read_anti_patterns(
    text: str,
    n_sentences: int,
    stage: Optional[str],
    customer_type: Optional[str],
    small_talk: bool,
    product_or_price_talk: bool,
    customer_objects: bool,
    customer_asks: bool,
    cues: ReadingCues,
) -> Dict[str, Span]:
    found: Dict[str, Span] = {}
    for code in ANTI_LIST_CODES:
        if code == "vague_claim":
            continue
        span = find(cues.anti[code], text)
        if span:
            found[code] = span
    if "dismissive" not in found and _curt(text, cues.curt_chars):
        found["dismissive"] = (0, len(text))
    if "dismissive" not in found and customer_asks and "belittle_customer" in found:
        found["dismissive"] = found["belittle_customer"]  # a sneer in answer to a question brushes it off
    price = find(cues.price, text)
    if price and len(text.strip()) <= 30 and not find(cues.price_value_words, text):
        found["bare_price"] = price
    if customer_type == "dominant" and (len(text) > cues.lecture_chars or n_sentences > cues.lecture_sentences):
        found["lecture"] = (0, len(text))
    if customer_type == "analytical" and not find(cues.data_words, text):
        span = find(cues.anti["vague_claim"], text)
        if span:
            found["vague_claim"] = span
    chat = _chat(text, cues) if small_talk and not product_or_price_talk else None
    if chat and _dodges(stage, customer_objects or customer_asks, cues):
        found["off_topic"] = chat
    return found


def _chat(text: str, cues: ReadingCues) -> Optional[Span]:
    """The small talk of a reply, leaving out hospitality (倒杯水, 喝点什么): serving is not chatting."""
    served = text
    for s, e in find_all(cues.hospitality, text):
        served = served[:s] + " " * (e - s) + served[e:]
    return find(cues.acts["small_talk"], served)


def _dodges(stage: Optional[str], customer_waits: bool, cues: ReadingCues) -> bool:
    """Small talk dodges the customer in price talks, or while the customer's objection or question waits
    for an answer outside the stages where chat is welcome (reception, waiting at delivery: guide §9, G3)."""
    if stage in cues.price_talk_stages:
        return True
    return customer_waits and stage not in cues.chat_welcome_stages


def ordered(found: Dict[str, Span], cues: ReadingCues) -> List[str]:
    return [c for c in cues.anti_messages if c in found]  # stable order, as in skills.yml
