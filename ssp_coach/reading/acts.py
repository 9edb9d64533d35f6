"""What the turn does as a move in the conversation (dialogue acts): greeting, overview, price talk,
product talk, invitation to a test drive, closing, appointment, referral request, small talk, goodbye.

Acts come from the cue lists in content/phrases/acts.yml; the NLU intent is a second opinion that can add
an act (it never removes one). Questions, objection steps and closing are read by their own modules."""

import re
from typing import Optional, Set

from .cues import find, find_all
from .phrases import ReadingCues
from .units import Span, cjk_count

_TAG = re.compile(r"<[^>]{0,200}>")
_PRICE_FIGURE = re.compile(r"\d+(\.\d+)?\s*万")
INTENT_ACTS = {
    "greet": "greet",
    "overview": "overview",
    "explain_process": "process",
    "present_product": "product",
    "quote_price": "price",
    "invite_test_drive": "test_drive",
    "attempt_close": "close",
    "small_talk": "small_talk",
    "arrange_appointment": "appointment",
    "ask_referral": "referral",
    "goodbye": "goodbye",
}


def strip_markup(text: str) -> str:
    """Markup is blanked with spaces of the same length, so offsets still point into the original."""
    return _TAG.sub(lambda m: " " * len(m.group()), text)


def readable(text: str) -> bool:
    """Chinese words make up most of the letters (digits and punctuation aside): not empty, emoji,
    English or gibberish."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and cjk_count("".join(letters)) / len(letters) >= 0.5


def read_acts(text: str, intent: Optional[str], cues: ReadingCues) -> Set[str]:
    acts = {name for name, pattern in cues.acts.items() if find(pattern, text)}
    if intent in INTENT_ACTS:
        acts.add(INTENT_ACTS[intent])
    # A price act needs a figure or an explicit price word beyond 万 (a bare 万 is not a quote).
    if "price" in acts and intent != "quote_price" and not _PRICE_FIGURE.search(text) and not find(cues.price, text):
        acts.discard("price")
    return acts


def product_talk(text: str, questions: list, cues: ReadingCues) -> bool:
    """The consultant tells the customer something about the car or the service, or pictures the customer's
    life with it (not only asks): the condition for judging FBI."""
    asked = [q.span for q in questions]

    def told(span: Span) -> bool:
        return not any(s <= span[0] < e for s, e in asked)

    return (
        any(told(s) for s in find_all(cues.fbi["feature"], text))
        or any(told(s) for s in find_all(cues.acts["product"], text))
        or any(told(s) for s in find_all(cues.fbi["scene"], text))
        or any(told(s) for s in find_all(cues.fbi["benefit"], text))
    )  # what the car does for the customer


def address_spans(text: str, cues: ReadingCues):
    """Forms of address (何阿姨, 王总, 李先生): never evidence of a technique."""
    return find_all(cues.address, text)
