"""The score weights, penalties, messages and stage examples (content/scoring.yml), validated once."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List

from ..codes import CUSTOMER_TYPES, PATTERN_CODES, STAGES
from ..content import ContentError, load_yaml, require, require_choice

FILE = "scoring.yml"
MESSAGE_KEYS = ("empty", "not_chinese", "too_long", "hostile", "no_pattern", "good", "missing", "try", "anti")


@dataclass(frozen=True)
class ScoringConfig:
    raw: Dict[str, Any]
    stage_patterns: Dict[str, List[str]]
    examples: Dict[str, Dict[str, str]]  # stage (or "default") -> pattern -> example sentence
    messages: Dict[str, str]

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def threshold_key(self, code: str) -> float:
        """The classifier probability below which a rule's key move is vetoed, for one pattern."""
        return float(self.raw.get("threshold_key_by_pattern", {}).get(code, self.raw["threshold_key"]))


def _number(mapping: Dict[str, Any], key: str, where: str) -> float:
    value = require(mapping, key, object, where)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ContentError(f"{FILE}: {where}.{key}: expected a number, got {value!r}")
    return float(value)


@lru_cache(maxsize=1)
def load_scoring_config() -> ScoringConfig:
    data = load_yaml(FILE)
    w = FILE
    for key in (
        "base",
        "per_pattern",
        "patterns_cap",
        "stage_bonus",
        "threshold_key",
        "threshold_sure",
        "max_analysed_chars",
        "skills_cap",
    ):
        _number(data, key, w)
    by_pattern = data.get("threshold_key_by_pattern", {})
    if not isinstance(by_pattern, dict):
        raise ContentError(f"{w}: threshold_key_by_pattern: expected a mapping of pattern -> number")
    for code in by_pattern:
        require_choice(code, PATTERN_CODES, f"{w}: threshold_key_by_pattern")
        _number(by_pattern, code, "threshold_key_by_pattern")
    skills = require(data, "skills", dict, w)
    for group, keys in {
        "fbi": ("feature", "benefit", "impact", "order_ok"),
        "question": ("open", "probe", "tmd_each"),
        "objection": ("step_each", "technique"),
        "closing": ("technique",),
    }.items():
        block = require(skills, group, dict, f"{w}: skills")
        for k in keys:
            _number(block, k, f"{w}: skills.{group}")
    _number(skills, "feature_dump", f"{w}: skills")
    pen = require(data, "penalties", dict, w)
    for k in ("anti_pattern", "hostile"):
        _number(pen, k, f"{w}: penalties")
    for code in pen.get("anti_pattern_points") or {}:
        _number(pen["anti_pattern_points"], code, f"{w}: penalties.anti_pattern_points")
    long_reply = require(pen, "long_reply", dict, f"{w}: penalties")
    _number(long_reply, "chars", f"{w}: penalties.long_reply")
    _number(long_reply, "points", f"{w}: penalties.long_reply")
    for ctype, extra in require(pen, "by_customer_type", dict, f"{w}: penalties").items():
        require_choice(ctype, CUSTOMER_TYPES, f"{w}: penalties.by_customer_type")
        for k in extra:
            _number(extra, k, f"{w}: penalties.by_customer_type.{ctype}")

    stage_patterns = require(data, "stage_patterns", dict, w)
    for stage in stage_patterns:
        require_choice(stage, STAGES, f"{w}: stage_patterns")
        for c in require(stage_patterns, stage, list, f"{w}: stage_patterns"):
            require_choice(c, PATTERN_CODES, f"{w}: stage_patterns.{stage}")
    examples = require(data, "examples", dict, w)
    require(examples, "default", dict, f"{w}: examples")
    for stage, by_pattern in examples.items():
        if stage != "default":
            require_choice(stage, STAGES, f"{w}: examples")
        for code in require(examples, stage, dict, f"{w}: examples"):
            require_choice(code, PATTERN_CODES, f"{w}: examples.{stage}")
            require(by_pattern, code, str, f"{w}: examples.{stage}")
    messages = require(data, "messages", dict, w)
    for k in MESSAGE_KEYS:
        require(messages, k, str, f"{w}: messages")
    return ScoringConfig(
        raw=data,
        stage_patterns=stage_patterns,
        examples=examples,
        messages=messages,
    )
