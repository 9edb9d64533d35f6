"""Reading one typed answer of the card form: the value for the field asked, a correction
("改一下预算" -> the TMD field is asked again), or abandoning ("不填了"). Bad input gets a Chinese message."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Dict, Optional

from ..text import to_simplified
from .dates import read_date
from .spec import CardSpec, load_spec

LEVEL = re.compile(r"^\s*[Pp]\s*(\d+)\s*[级：:，,。\s]*(.*)$", re.S)
PHONE_DIGITS = re.compile(r"\d[\d\s-]{3,}\d")
LEVEL_RANGE = (
    "意向等级只能是 P0、P1、P2、P3 或 P4（P0 已订车，P4 意向最低），请重新填写，例如：P2 需求清楚，一个月内可能成交。"
)
LEVEL_REASON = "请在等级后面写一句理由，例如：P3 还在和别的品牌比较，需要持续跟进。"
PHONE_BAD = "电话号码看起来不对（手机号是 11 位数字，以 1 开头；座机请带区号）。没问到可以写“未了解”。"
EMPTY = "这一项还没有填，请写下内容；没了解到可以写“未了解”。"


@dataclass
class Reading:
    """What one message means for the card form."""

    values: Dict[str, str]  # fields filled by the message
    error: Optional[str] = None  # why nothing was filled (to show, then ask again)
    correct: Optional[str] = None  # the field the trainee wants to fill again
    abandon: bool = False
    command: bool = False  # a slash command other than /end: not an answer (the rules and the guard answer it)


def is_unknown(value: Optional[str], spec: Optional[CardSpec] = None) -> bool:
    """An honest "not learned" entry (or nothing at all)."""
    spec = spec or load_spec()
    text = to_simplified(value or "").strip(" 。.，,")
    return not text or any(text == w or text.startswith(w) for w in spec.unknown_words)


def correction_target(text: str, spec: Optional[CardSpec] = None) -> Optional[str]:
    """The field a message asks to correct ("改一下预算", "改 TMD", "修改意向等级"), else None."""
    spec = spec or load_spec()
    t = to_simplified(text or "").strip()
    if len(t) > 20 or not any(t.startswith(w) for w in spec.correct_words):
        return None
    lowered = t.lower()
    best = None
    for f in spec.fields:
        for alias in f.aliases:
            if alias.lower() in lowered and (best is None or len(alias) > best[1]):
                best = (f.id, len(alias))
    return best[0] if best else None


def is_abandon(text: str, intent: Optional[str], spec: Optional[CardSpec] = None) -> bool:
    spec = spec or load_spec()
    t = to_simplified(text or "").strip(" 。.!！")
    return intent == "end" or t.startswith("/end") or any(t == w or t.startswith(w) for w in spec.abandon_words)


def read_level(text: str) -> Reading:
    found = LEVEL.match(to_simplified(text or ""))
    if not found:
        return Reading({}, LEVEL_RANGE)
    number, reason = int(found.group(1)), found.group(2).strip()
    if number > 4:
        return Reading({}, LEVEL_RANGE)
    if not reason:
        return Reading({}, LEVEL_REASON)
    return Reading({"card_level": f"P{number}", "card_level_reason": reason})


def read_contact(text: str) -> Reading:
    t = to_simplified(text or "").strip()
    for digits in PHONE_DIGITS.findall(t):
        plain = re.sub(r"\D", "", digits)
        mobile = len(plain) == 11 and plain.startswith("1")
        landline = plain.startswith("0") and 10 <= len(plain) <= 12
        if not (mobile or landline):
            return Reading({}, PHONE_BAD)
    return Reading({"card_contact": t})


def read_answer(
    field_id: str, text: str, intent: Optional[str], today: dt.date, spec: Optional[CardSpec] = None
) -> Reading:
    """Read a message typed while `field_id` is asked."""
    spec = spec or load_spec()
    if is_abandon(text, intent, spec):
        return Reading({}, abandon=True)
    target = correction_target(text, spec)
    if target:
        return Reading({}, correct=target)
    t = to_simplified(text or "").strip()
    if t.startswith("/"):
        return Reading({}, command=True)
    if not t:
        return Reading({}, EMPTY)
    if field_id == "card_level":
        return read_level(t)
    if field_id == "card_contact":
        return read_contact(t)
    if field_id == "card_next_date":
        date, error = read_date(t, today)
        return Reading({"card_next_date": date.isoformat()}, None) if date else Reading({}, error)
    return Reading({field_id: t})
