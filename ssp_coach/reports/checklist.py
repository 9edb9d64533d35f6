"""The course's checklist per scenario (content/checklists.yml), evaluated over a session's turns.

An item is done when some trainee turn meets one of its `when` conditions, or — for `never` items —
when the session has turns and none of them meets a `never` condition. A condition is a mapping whose
checks must all hold on the same turn (assessment fields, NLU intent, keywords/regex on the normalised
text). `include: <scenario>.<item>` reuses another scenario's item (full_visit is built that way).

Optional keys: `credits` (a speech pattern a turn meeting the item shows, counted on the scorecard),
`stage` (the scenario stage the item belongs to; used by `reachable_items` to decide
whether the role-play may end) and `fact` (the hidden fact the item is about: the item is also credited
when the customer stated that fact, and the scorecard shows it once, in the information record).
"""

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional

from ..codes import FBI_PARTS, PATTERN_CODES
from ..content import ContentError, load_yaml, require, require_choice
from ..paths import content_dir
from ..reading.phrases import ACTS, ANTI_CODES, OBJECTION_TECHNIQUES, PROBES, TMD
from ..reading.phrases import CLOSING_TECHNIQUES as CLOSING_CODES
from ..text import normalise

FILE = "checklists.yml"

# Enumerations of Contract 1 (docs/design.md); `long_speech` is what the role-play also uses.
TECHNIQUES = PATTERN_CODES
QUESTION_KINDS = ("open", "closed")
CLOSING_TECHNIQUES = (*CLOSING_CODES, "any")
ANTI_PATTERNS = (*ANTI_CODES, "long_speech")


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    example: str
    when: tuple  # of compiled conditions (callables turn -> bool)
    never: tuple
    stage: Optional[str] = None  # the stage of `scenario` the item belongs to
    fact: Optional[str] = None  # hidden fact (question_topics id) the item asks about
    credits: Optional[str] = None  # a speech pattern a turn meeting the item shows (e.g. 开得真稳 → praise)
    scenario: str = ""  # the scenario that defines the item (includes keep their origin)


@dataclass(frozen=True)
class _Turn:
    text: str  # normalised trainee text
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
        parts = _choices(value, FBI_PARTS, where)
        return lambda t: all(_field(t, "fbi", part) for part in parts)
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
        return lambda t: (
            bool(_field(t, "closing", "technique")) and ("any" in wanted or _field(t, "closing", "technique") in wanted)
        )
    if key == "anti_pattern":
        wanted = set(_choices(value, ANTI_PATTERNS, where))
        return lambda t: bool(wanted & set(_field(t, "anti_patterns") or []))
    if key == "act":  # a dialogue act of the turn's one reading (content/phrases/acts.yml)
        wanted = set(_choices(value, ACTS, where))
        return lambda t: bool(wanted & set(_field(t, "reading", "acts") or []))
    if key == "intent":
        wanted = set(_texts(value, where))
        return lambda t: t.intent in wanted
    if key == "keywords":
        words = [normalise(w) for w in _texts(value, where)]
        return lambda t: any(w in t.text for w in words)
    if key == "regex":
        patterns = _regexes(value, where)
        return lambda t: any(p.search(t.text) for p in patterns)
    raise ContentError(
        f"{where}: unknown condition '{key}' (known: technique, question_kind, probe, tmd, fbi, "
        "fbi_complete, objection_step, objection_technique, closing, anti_pattern, act, intent, "
        "keywords, regex)"
    )


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
        raise ContentError(
            f"{where}: give exactly one of 'when' (done if a turn meets it) or 'never' (done if no turn meets it)"
        )
    stage, fact, credits = raw.get("stage"), raw.get("fact"), raw.get("credits")
    for key, value in (("stage", stage), ("fact", fact)):
        if value is not None and not (isinstance(value, str) and value.strip()):
            raise ContentError(f"{where}.{key}: expected a non-empty string")
    if credits is not None:
        require_choice(credits, TECHNIQUES, f"{where}.credits")
    return Item(
        item_id,
        require(raw, "label", str, where),
        require(raw, "example", str, where),
        when,
        never,
        stage,
        fact,
        credits,
    )


def _is_include(raw: Any) -> bool:
    return isinstance(raw, dict) and "include" in raw


def parse_checklists(data: Any, source: str = FILE) -> Dict[str, List[Item]]:
    """Validated checklists per scenario id; errors name the file and the field."""
    scenarios = require(data, "scenarios", dict, source)
    raw_items: Dict[str, list] = {}
    for scenario in scenarios:
        raw_items[scenario] = require(scenarios, scenario, list, f"{source}: scenarios")
    parsed: Dict[str, List[Item]] = {}
    for scenario, items in raw_items.items():  # own items first, so includes can point anywhere
        where = f"{source}: scenarios.{scenario}"
        parsed[scenario] = [
            replace(_item(r, f"{where}[{i}]"), scenario=scenario) for i, r in enumerate(items) if not _is_include(r)
        ]
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
                raise ContentError(
                    f"{source}: scenarios.{scenario}[{i}].include: '{ref}' is not an item "
                    "of another scenario (write <scenario>.<item id>)"
                )
            override = raw.get("stage")
            if override is not None and not (isinstance(override, str) and override.strip()):
                raise ContentError(f"{source}: scenarios.{scenario}[{i}].stage: expected a non-empty string")
            result.append(replace(found[0], stage=override, scenario=scenario) if override else found[0])
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


def _dict_or_empty(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _seen(turns: List[Dict[str, Any]]) -> List[_Turn]:
    return [
        _Turn(
            normalise(t.get("text") or "") if isinstance(t.get("text"), str) else "",
            t.get("intent"),
            _dict_or_empty(t.get("assessment")),
        )
        for t in turns or []
        if isinstance(t, dict)
    ]


def _done(item: Item, seen: List[_Turn], facts_known) -> bool:
    if item.when:
        return any(cond(t) for t in seen for cond in item.when) or bool(item.fact and item.fact in facts_known)
    return bool(seen) and not any(cond(t) for t in seen for cond in item.never)


def evaluate(
    scenario: str, turns: List[Dict[str, Any]], base: Optional[Path] = None, facts_known: Iterable[Optional[str]] = ()
) -> List[Dict[str, Any]]:
    """[{id, label, done, example, fact, stage}] for the scenario's checklist (empty for an unknown scenario).

    `facts_known`: hidden facts the customer stated; an item about such a fact is credited (the trainee
    has the information, whichever words drew it out)."""
    items = load_checklists(base).get(scenario, [])
    seen, known = _seen(turns), set(facts_known or ())
    out = []
    for item in items:
        row = {
            "id": item.id,
            "label": item.label,
            "done": _done(item, seen, known),
            "example": item.example,
            "fact": item.fact,
            "stage": item_stage(scenario, item),
        }
        if item.credits:
            row["credits"] = item.credits
            row["turns"] = [i for i, t in enumerate(seen) if any(cond(t) for cond in item.when)]
        out.append(row)
    return out


def item_stage(scenario: str, item: Item) -> Optional[str]:
    """The stage of `scenario` an item belongs to. An included item keeps its own stage when the scenario
    has it; otherwise it belongs to the stage that practises the item's scenario (full_visit's `process`)."""
    if item.scenario in ("", scenario):
        return item.stage
    from ..roleplay.catalog import load_catalog  # the role-play content; reports read it, never write it

    chosen = load_catalog().scenarios.get(scenario)
    if chosen is None:
        return item.stage
    ids = [s.id for s in chosen.stages]
    if item.stage in ids:
        return item.stage
    return next((s.id for s in chosen.stages if (s.process or scenario) == item.scenario), None)


def reachable_items(progress: Any, turns: List[Dict[str, Any]], base: Optional[Path] = None) -> List[Dict[str, Any]]:
    """Checklist items the trainee can still do in this role-play: the auto-end rule.

    `progress` is the role-play's SessionState (or its slot dict) or the finished summary. The role-play
    may end by itself (the last stage's goal reached) only when this list is empty:
      - nothing is reachable once the customer has left (walk-out, lost) or the role-play has a deal;
      - otherwise an item is reachable when it is not done yet, is a `when` item (a `never` item is
        already done or already broken) and belongs to the current stage or a later one (items of stages
        already passed are the past: they show as missed on the scorecard, they do not hold the customer).
    Items without a stage count as belonging to every stage.
    """
    get = (lambda k: progress.get(k)) if isinstance(progress, dict) else (lambda k: getattr(progress, k, None))
    scenario = get("scenario") or ""
    if get("outcome") in ("lost", "deal") or get("reason") == "walk_away":
        return []
    from ..roleplay.catalog import load_catalog

    chosen = load_catalog().scenarios.get(scenario)
    order = [s.id for s in chosen.stages] if chosen else []
    reached = [s.get("id") if isinstance(s, dict) else s for s in (get("stages_reached") or [])]
    current = get("stage") if isinstance(get("stage"), str) else (reached[-1] if reached else None)
    position = order.index(current) if current in order else 0
    facts = [
        f.get("id") if isinstance(f, dict) else f for f in (get("facts_revealed") or get("facts_discovered") or [])
    ]
    items = load_checklists(base).get(scenario, [])
    out = []
    for item, row in zip(items, evaluate(scenario, turns, base, facts)):
        if row["done"] or not item.when:
            continue
        stage = row["stage"]
        if stage is None or stage not in order or order.index(stage) >= position:
            out.append(row)
    return out
