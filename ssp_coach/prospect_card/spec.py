"""The card's fields and word lists, from content/prospect_card.yml (validated on load)."""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from ..content import ContentError, load_yaml, require

WHERE = "prospect_card.yml"
LEVELS_WHERE = "prospect_levels.yml"


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    prompt: str
    aliases: Tuple[str, ...]
    topics: Tuple[str, ...] = ()


@dataclass(frozen=True)
class CardSpec:
    fields: Tuple[Field, ...]
    offered_after: Tuple[str, ...]
    unknown_words: Tuple[str, ...]
    abandon_words: Tuple[str, ...]
    correct_words: Tuple[str, ...]
    topic_cues: Dict[str, List["re.Pattern[str]"]]
    promise_cues: List["re.Pattern[str]"]
    levels: List[Dict[str, object]] = field(default_factory=list)
    lock_after_days: int = 7
    follow_up: Dict[str, Any] = field(default_factory=dict)

    @property
    def field_ids(self) -> List[str]:
        return [f.id for f in self.fields]

    def field(self, field_id: str) -> Field:
        return next(f for f in self.fields if f.id == field_id)

    def level(self, level_id: Optional[str]) -> Optional[Dict[str, object]]:
        return next((lv for lv in self.levels if lv.get("id") == level_id), None)


def _strings(raw: object, key: str, where: str) -> Tuple[str, ...]:
    values = require(raw, key, list, where)
    for i, v in enumerate(values):
        if not isinstance(v, str) or not v:
            raise ContentError(f"{where}.{key}[{i}]: expected a non-empty string")
    return tuple(values)


def _patterns(values: Tuple[str, ...], where: str) -> List["re.Pattern[str]"]:
    out = []
    for i, v in enumerate(values):
        try:
            out.append(re.compile(v))
        except re.error as error:
            raise ContentError(f"{where}[{i}]: not a regular expression ({error})") from None
    return out


def build_spec(base: Optional[Path] = None) -> CardSpec:
    raw = load_yaml(WHERE, base)
    fields = []
    for i, f in enumerate(require(raw, "fields", list, WHERE)):
        w = f"{WHERE}: fields[{i}]"
        fields.append(
            Field(
                require(f, "id", str, w),
                require(f, "label", str, w),
                require(f, "prompt", str, w),
                _strings(f, "aliases", w),
                tuple(f.get("topics") or ()),
            )
        )
    cues = require(raw, "topic_cues", dict, WHERE)
    topic_cues = {t: _patterns(tuple(v), f"{WHERE}: topic_cues.{t}") for t, v in cues.items()}
    for f in fields:
        for t in f.topics:
            if t not in topic_cues:
                raise ContentError(f"{WHERE}: fields.{f.id}.topics: '{t}' has no topic_cues entry")
    levels_raw = load_yaml(LEVELS_WHERE, base)
    levels = require(levels_raw, "levels", list, LEVELS_WHERE)
    for i, lv in enumerate(levels):
        days = require(lv, "follow_up_days", int, f"{LEVELS_WHERE}: levels[{i}]")
        if days < 1:
            raise ContentError(f"{LEVELS_WHERE}: levels[{i}].follow_up_days: must be at least 1")
    return CardSpec(
        fields=tuple(fields),
        offered_after=_strings(raw, "offered_after", WHERE),
        unknown_words=_strings(raw, "unknown_words", WHERE),
        abandon_words=_strings(raw, "abandon_words", WHERE),
        correct_words=_strings(raw, "correct_words", WHERE),
        topic_cues=topic_cues,
        promise_cues=_patterns(_strings(raw, "promise_cues", WHERE), f"{WHERE}: promise_cues"),
        levels=levels,
        lock_after_days=int(require(levels_raw, "lock_after_days", int, LEVELS_WHERE)),
        follow_up=_follow_up(require(raw, "follow_up", dict, WHERE)),
    )


FOLLOW_UP_TEXTS = {
    "lines": ("opening", "opening_objection", "opening_promise", "overdue", "promise_broken"),
    "coach": ("promise_kept", "promise_broken", "memory_used", "memory_unused"),
}
FOLLOW_UP_TRUST = ("promise_kept", "promise_broken", "memory_used", "overdue")


def _follow_up(raw: Dict[str, Any]) -> Dict[str, Any]:
    w = f"{WHERE}: follow_up"
    require(raw, "scenario", str, w)
    if require(raw, "check_turns", int, w) < 1:
        raise ContentError(f"{w}.check_turns: must be at least 1")
    for section, keys in FOLLOW_UP_TEXTS.items():
        texts = require(raw, section, dict, w)
        for key in keys:
            require(texts, key, str, f"{w}.{section}")
    trust = require(raw, "trust", dict, w)
    for key in FOLLOW_UP_TRUST:
        value = require(trust, key, float, f"{w}.trust")
        if not -50 <= value <= 50:
            raise ContentError(f"{w}.trust.{key}: must be between -50 and 50")
    return raw


@lru_cache(maxsize=1)
def load_spec() -> CardSpec:
    return build_spec()
