"""Cue lists for the SSP-skills detectors (content/phrases/skills.yml), validated and compiled once.

Entries are regular expressions over the normalised (Simplified) reply: Chinese cues such as 是…还是 or
今天不…就没了 span jieba token boundaries unpredictably, so character-level patterns are more robust here.
"""
from functools import lru_cache
import re
from typing import Any, Dict, List, Pattern

from ..content import ContentError, load_yaml, require

FILE = "phrases/skills.yml"
FBI_PARTS = ("feature", "benefit", "impact")
PROBES = ("summarise", "clarify", "repeat", "expand")  # checked in this order
TMD = ("time", "money", "decision")
STEPS = (1, 2, 3, 4)
OBJECTION_TECHNIQUES = ("ignore", "deny", "defer", "transfer", "prevention", "comparison")
CLOSING_TECHNIQUES = ("if_then", "step_by_step", "alternative", "assumptive", "future_event", "ask_wait")
ANTI_LIST_CODES = ("contradict", "blame", "belittle_competitor", "pressure", "dismissive", "noisy_engine",
                   "vague_claim")
ANTI_CODES = ANTI_LIST_CODES + ("bare_price", "lecture")


def regex(value: Any, where: str) -> Pattern:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{FILE}: {where}: expected a non-empty regular expression string")
    try:
        return re.compile(value)
    except re.error as e:
        raise ContentError(f"{FILE}: {where}: invalid regular expression {value!r}: {e}") from e


def regex_list(mapping: Dict, key: Any, where: str) -> List[Pattern]:
    values = require(mapping, key, list, f"{FILE}: {where}")
    return [regex(v, f"{where}.{key}[{i}]") for i, v in enumerate(values)]


def messages(mapping: Dict, keys, where: str) -> Dict[Any, str]:
    found = require(mapping, "missing" if "messages" not in mapping else "messages", dict, f"{FILE}: {where}")
    return {k: require(found, k, str, f"{FILE}: {where}.messages") for k in keys}


@lru_cache(maxsize=1)
def load_skill_phrases() -> Dict[str, Any]:
    """The whole file as compiled patterns; raises ContentError naming file and field on any problem."""
    data = load_yaml(FILE)
    fbi = require(data, "fbi", dict, FILE)
    q = require(data, "questions", dict, FILE)
    obj = require(data, "objections", dict, FILE)
    close = require(data, "closing", dict, FILE)
    anti = require(data, "anti_patterns", dict, FILE)
    steps = require(obj, "steps", dict, f"{FILE}: objections")
    return {
        "fbi": {p: regex_list(fbi, p, "fbi") for p in FBI_PARTS},
        "fbi_missing": messages(fbi, FBI_PARTS + ("order", "feature_dump"), "fbi"),
        "question_end": regex(require(q, "question_end", str, f"{FILE}: questions"), "questions.question_end"),
        "closed": regex_list(q, "closed", "questions"),
        "open": regex_list(q, "open", "questions"),
        "probes": {p: regex_list(require(q, "probes", dict, f"{FILE}: questions"), p, "questions.probes")
                   for p in PROBES},
        "tmd": {t: regex_list(require(q, "tmd", dict, f"{FILE}: questions"), t, "questions.tmd") for t in TMD},
        "objection_cues": regex_list(obj, "customer_cues", "objections"),
        "steps": {s: regex_list(steps, s, "objections.steps") for s in STEPS},
        "objection_techniques": {t: regex_list(require(obj, "techniques", dict, f"{FILE}: objections"), t,
                                               "objections.techniques") for t in OBJECTION_TECHNIQUES},
        "step_missing": messages(obj, STEPS, "objections"),
        "closing": {t: regex_list(require(close, "techniques", dict, f"{FILE}: closing"), t, "closing.techniques")
                    for t in CLOSING_TECHNIQUES},
        "late_stages": frozenset(require(close, "late_stages", list, f"{FILE}: closing")),
        "anti": {c: regex_list(anti, c, "anti_patterns") for c in ANTI_LIST_CODES},
        "price": regex(require(anti, "price", str, f"{FILE}: anti_patterns"), "anti_patterns.price"),
        "price_value_words": regex(require(anti, "price_value_words", str, f"{FILE}: anti_patterns"),
                                   "anti_patterns.price_value_words"),
        "curt_chars": frozenset(require(anti, "curt_chars", str, f"{FILE}: anti_patterns")),
        "data_words": regex(require(anti, "data_words", str, f"{FILE}: anti_patterns"), "anti_patterns.data_words"),
        "lecture_chars": require(anti, "lecture_chars", int, f"{FILE}: anti_patterns"),
        "lecture_sentences": require(anti, "lecture_sentences", int, f"{FILE}: anti_patterns"),
        "anti_messages": messages(anti, ANTI_CODES, "anti_patterns"),
    }


def first_match(patterns: List[Pattern], text: str, start: int = 0, end: int = None):
    """The earliest match of any pattern in text[start:end] (absolute offsets), or None."""
    best = None
    for p in patterns:
        m = p.search(text, start, len(text) if end is None else end)
        if m and m.end() > m.start() and (best is None or m.start() < best.start()):
            best = m
    return best


def all_matches(patterns: List[Pattern], text: str) -> List[tuple]:
    """Non-empty (start, end) spans of every pattern in text, sorted."""
    return sorted({(m.start(), m.end()) for p in patterns for m in p.finditer(text) if m.end() > m.start()})
