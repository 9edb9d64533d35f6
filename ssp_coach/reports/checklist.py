"""The course's checklist per scenario (content/checklists.yml), evaluated over a session's turns.

An item is done when some trainee turn meets one of its `when` conditions, or — for `never` items —
when the session has turns and none of them meets a `never` condition. A condition is a mapping whose
checks must all hold on the same turn (assessment fields, NLU intent, keywords/regex on the normalised
text). `include: <scenario>.<item>` reuses another scenario's item (full_visit is built that way).
"""
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from ..content import ContentError, load_yaml, require, require_choice
from ..paths import content_dir
from ..text import normalise

FILE = "checklists.yml"

# Enumerations of Contract 1 (docs/design.md); `long_speech` is what the role-play also uses.
TECHNIQUES = ("agree", "praise", "guide", "narrate", "rhetorical", "commit")
QUESTION_KINDS = ("open", "closed")
PROBES = ("expand", "clarify", "repeat", "summarise")
TMD = ("time", "money", "decision")
FBI_PARTS = ("feature", "benefit", "impact")
OBJECTION_TECHNIQUES = ("transfer", "prevention", "ignore", "comparison", "defer", "deny")
CLOSING_TECHNIQUES = ("assumptive", "alternative", "ask_wait", "if_then", "future_event", "step_by_step", "any")
ANTI_PATTERNS = ("contradict", "blame", "belittle_competitor", "pressure", "dismissive", "noisy_engine",
                 "bare_price", "lecture", "vague_claim", "long_speech")


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    example: str
    when: tuple      # of compiled conditions (callables turn -> bool)
    never: tuple


@dataclass(frozen=True)
class _Turn:
    text: str          # normalised trainee text
    intent: Optional[str]
    assessment: Dict[str, Any]


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _choices(value: Any, allowed, where: str) -> List[str]:
    values = _as_list(value)
    if not values:
        raise ContentError(f"{where}: must not be empty")
    return [require_choice(v, allowed, where) for v in values]


def _texts(value: Any, where: str) -> List[str]:
    values = _as_list(value)
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise ContentError(f"{where}: expected a non-empty string or list of non-empty strings")
    return values


def _regexes(value: Any, where: str) -> List["re.Pattern"]:
    out = []
    for pattern in _texts(value, where):
        try:
            out.append(re.compile(normalise(pattern)))
        except re.error as e:
            raise ContentError(f"{where}: invalid regular expression {pattern!r}: {e}") from e
    return out


def _field(turn: _Turn, *keys: str) -> Any:
    value: Any = turn.assessment
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _check(key: str, value: Any, where: str) -> Callable[[_Turn], bool]:
    """One compiled check of a condition; unknown keys and bad values raise ContentError."""
    if key == "technique":
        wanted = set(_choices(value, TECHNIQUES, where))
        return lambda t: bool(wanted & set(_field(t, "techniques") or []))
    if key == "question_kind":
        wanted = set(_choices(value, QUESTION_KINDS, where))
        return lambda t: _field(t, "question", "kind") in wanted
    if key == "probe":
        wanted = set(_choices(value, PROBES, where))
        return lambda t: _field(t, "question", "probe") in wanted
    if key == "tmd":
        wanted = set(_choices(value, TMD, where))
        return lambda t: bool(wanted & set(_field(t, "question", "tmd") or []))
    if key == "fbi":
        wanted = _choices(value, FBI_PARTS, where)
        return lambda t: all(_field(t, "fbi", part) for part in wanted)
    if key == "fbi_complete":
        if not isinstance(value, bool):
            raise ContentError(f"{where}: expected true or false")
        return lambda t: all(_field(t, "fbi", p) for p in FBI_PARTS) == value
    if key == "objection_step":
        steps = _as_list(value)
        if not steps or not all(s in (1, 2, 3, 4) for s in steps):
            raise ContentError(f"{where}: expected objection step(s) among 1, 2, 3, 4")
        return lambda t: bool(set(steps) & set(_field(t, "objection", "steps") or []))
    if key == "objection_technique":
        wanted = set(_choices(value, OBJECTION_TECHNIQUES, where))
        return lambda t: _field(t, "objection", "technique") in wanted
    if key == "closing":
        wanted = set(_choices(value, CLOSING_TECHNIQUES, where))
        return lambda t: bool(_field(t, "closing", "technique")) and (
            "any" in wanted or _field(t, "closing", "technique") in wanted)
    if key == "anti_pattern":
        wanted = set(_choices(value, ANTI_PATTERNS, where))
        return lambda t: bool(wanted & set(_field(t, "anti_patterns") or []))
    if key == "intent":
        wanted = set(_texts(value, where))
        return lambda t: t.intent in wanted
    if key == "keywords":
        words = [normalise(w) for w in _texts(value, where)]
        return lambda t: any(w in t.text for w in words)
    if key == "regex":
        patterns = _regexes(value, where)
        return lambda t: any(p.search(t.text) for p in patterns)
    raise ContentError(f"{where}: unknown condition '{key}' (known: technique, question_kind, probe, tmd, fbi, "
                       "fbi_complete, objection_step, objection_technique, closing, anti_pattern, intent, "
                       "keywords, regex)")


def _condition(raw: Any, where: str) -> Callable[[_Turn], bool]:
    if not isinstance(raw, dict) or not raw:
        raise ContentError(f"{where}: expected a non-empty mapping of checks, e.g. {{technique: commit}}")
    checks = [_check(k, v, f"{where}.{k}") for k, v in raw.items()]
    return lambda turn: all(c(turn) for c in checks)


def _conditions(raw: Dict[str, Any], key: str, where: str) -> tuple:
    if key not in raw:
        return ()
    items = require(raw, key, list, where)
    return tuple(_condition(c, f"{where}.{key}[{i}]") for i, c in enumerate(items))


def _item(raw: Any, where: str) -> Item:
    item_id = require(raw, "id", str, where)
    where = f"{where}({item_id})"
    when, never = _conditions(raw, "when", where), _conditions(raw, "never", where)
    if bool(when) == bool(never):
        raise ContentError(f"{where}: give exactly one of 'when' (done if a turn meets it) or 'never' "
                           "(done if no turn meets it)")
    return Item(item_id, require(raw, "label", str, where), require(raw, "example", str, where), when, never)


def _is_include(raw: Any) -> bool:
    return isinstance(raw, dict) and "include" in raw


def parse_checklists(data: Any, source: str = FILE) -> Dict[str, List[Item]]:
    """Validated checklists per scenario id; errors name the file and the field."""
    scenarios = require(data, "scenarios", dict, source)
    raw_items: Dict[str, list] = {}
    for scenario, items in scenarios.items():
        raw_items[scenario] = require(scenarios, scenario, list, f"{source}: scenarios")
    parsed: Dict[str, List[Item]] = {}
    for scenario, items in raw_items.items():  # own items first, so includes can point anywhere
        where = f"{source}: scenarios.{scenario}"
        parsed[scenario] = [_item(r, f"{where}[{i}]") for i, r in enumerate(items) if not _is_include(r)]
    for scenario, items in raw_items.items():
        result, own = [], iter(parsed[scenario])
        for i, raw in enumerate(items):
            if not _is_include(raw):
                result.append(next(own))
                continue
            ref = require(raw, "include", str, f"{source}: scenarios.{scenario}[{i}]")
            other, _, item_id = ref.partition(".")
            found = [it for it in parsed.get(other, []) if it.id == item_id]
            if not found:
                raise ContentError(f"{source}: scenarios.{scenario}[{i}].include: '{ref}' is not an item "
                                   "of another scenario (write <scenario>.<item id>)")
            result.append(found[0])
        ids = [it.id for it in result]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ContentError(f"{source}: scenarios.{scenario}: duplicate item id(s) {duplicates}")
        parsed[scenario] = result
    return parsed


@lru_cache(maxsize=4)
def _load_cached(base: str) -> Dict[str, List[Item]]:
    return parse_checklists(load_yaml(FILE, Path(base)), str(Path(base) / FILE))


def load_checklists(base: Optional[Path] = None) -> Dict[str, List[Item]]:
    """Checklists from `base` (default: the content directory), parsed once per directory."""
    return _load_cached(str(base or content_dir()))


def evaluate(scenario: str, turns: List[Dict[str, Any]], base: Optional[Path] = None) -> List[Dict[str, Any]]:
    """[{id, label, done, example}] for the scenario's checklist (empty for an unknown scenario)."""
    items = load_checklists(base).get(scenario, [])
    seen = [_Turn(normalise(t.get("text") or "") if isinstance(t.get("text"), str) else "",
                  t.get("intent"), t.get("assessment") if isinstance(t.get("assessment"), dict) else {})
            for t in turns or [] if isinstance(t, dict)]
    out = []
    for item in items:
        if item.when:
            done = any(cond(t) for t in seen for cond in item.when)
        else:
            done = bool(seen) and not any(cond(t) for t in seen for cond in item.never)
        out.append({"id": item.id, "label": item.label, "done": done, "example": item.example})
    return out
