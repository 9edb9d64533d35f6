"""The course's written group exercises (content/exercises.yml), validated on load with file+field errors.

A requirement names something the reading or the scorer already judges (a speech pattern, FBI parts, the
question kind); only list answers (`concepts`) bring cues of their own, in the one cue syntax.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional, Pattern, Tuple

from ..codes import FBI_PARTS, PATTERN_CODES, STAGES
from ..content import ContentError, load_yaml, require, require_choice, require_range
from ..paths import content_dir
from ..reading.cues import compile_cues

FILE = "exercises.yml"
MESSAGE_KEYS = (
    "technique_absent",
    "wrong_technique",
    "question_open",
    "question_closed",
    "concepts_short",
    "concepts_more",
    "concepts_found",
    "fbi_found",
    "strike",
)
QUESTION_KINDS = ("open", "closed")
REQUIREMENT_KINDS = ("technique", "fbi", "question_kind", "concepts")


@dataclass(frozen=True)
class Concept:
    label: str
    cues: Pattern


@dataclass(frozen=True)
class Requirement:
    kind: str  # one of REQUIREMENT_KINDS
    technique: Optional[str] = None
    min_quality: float = 0.0
    fbi_parts: Tuple[str, ...] = ()
    question_kind: Optional[str] = None
    label: str = ""  # concepts: what the items are (真实一刻)
    min_count: int = 0
    concepts: Tuple[Concept, ...] = ()


@dataclass(frozen=True)
class Prompt:
    customer: Optional[str]  # the customer's line the answer replies to (the reading's context)
    situation: Optional[str]


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    instructions: str
    stage: Optional[str]
    prompts: Tuple[Prompt, ...]
    requires: Tuple[Requirement, ...]
    min_score: float

    @property
    def is_list(self) -> bool:
        """A written list (every requirement is `concepts`) rather than a line said to a customer."""
        return all(r.kind == "concepts" for r in self.requires)


@dataclass(frozen=True)
class ExerciseBook:
    exercises: Dict[str, Exercise]
    messages: Dict[str, str]


def _optional_text(raw: Dict[str, Any], key: str, where: str) -> Optional[str]:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}.{key}: expected a non-empty string")
    return value.strip()


def _prompt(raw: Any, where: str) -> Prompt:
    if not isinstance(raw, dict):
        raise ContentError(f"{where}: expected a mapping with 'customer' and/or 'situation'")
    unknown = sorted(set(raw) - {"customer", "situation"})
    if unknown:
        raise ContentError(f"{where}: unknown field(s) {unknown} (known: customer, situation)")
    prompt = Prompt(_optional_text(raw, "customer", where), _optional_text(raw, "situation", where))
    if not (prompt.customer or prompt.situation):
        raise ContentError(f"{where}: give 'customer' (the customer's line) or 'situation' (the context)")
    return prompt


def _concepts(raw: Any, where: str) -> Requirement:
    label = require(raw, "label", str, where)
    items = require(raw, "items", list, where)
    concepts = []
    for i, item in enumerate(items):
        w = f"{where}.items[{i}]"
        concepts.append(
            Concept(require(item, "label", str, w), compile_cues(require(item, "cues", list, w), f"{w}.cues"))
        )
    min_count = require_range(require(raw, "min", int, where), 1, len(concepts), f"{where}.min")
    return Requirement("concepts", label=label, min_count=int(min_count), concepts=tuple(concepts))


def _requirement(raw: Any, where: str) -> Requirement:
    if not isinstance(raw, dict) or not raw:
        raise ContentError(f"{where}: expected a mapping such as {{technique: agree}}")
    kinds = [k for k in raw if k in REQUIREMENT_KINDS]
    if len(kinds) != 1:
        raise ContentError(f"{where}: give exactly one of {list(REQUIREMENT_KINDS)}")
    kind = kinds[0]
    allowed = {"technique": {"technique", "min_quality"}}.get(kind, {kind})
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ContentError(f"{where}: unknown field(s) {unknown} for a '{kind}' requirement")
    if kind == "technique":
        code = require_choice(raw["technique"], PATTERN_CODES, f"{where}.technique")
        quality = require_range(raw.get("min_quality", 0.0), 0, 1, f"{where}.min_quality")
        return Requirement("technique", technique=code, min_quality=float(quality))
    if kind == "fbi":
        parts = raw["fbi"]
        if not isinstance(parts, list) or not parts:
            raise ContentError(f"{where}.fbi: expected a non-empty list of {list(FBI_PARTS)}")
        return Requirement("fbi", fbi_parts=tuple(require_choice(p, FBI_PARTS, f"{where}.fbi") for p in parts))
    if kind == "question_kind":
        return Requirement("question_kind", question_kind=require_choice(raw[kind], QUESTION_KINDS, f"{where}.{kind}"))
    return _concepts(raw["concepts"], f"{where}.concepts")


def parse_exercise(raw: Any, where: str) -> Exercise:
    """One exercise mapping (an entry of content/exercises.yml, or a file of its own for `ssp-coach grade`)."""
    exercise_id = require(raw, "id", str, where)
    where = f"{where}({exercise_id})"
    title = require(raw, "title", str, where)
    instructions = require(raw, "instructions", str, where)
    stage = _optional_text(raw, "stage", where)
    if stage is not None:
        require_choice(stage, STAGES, f"{where}.stage")
    prompts = require(raw, "prompts", list, where)
    requires = require(raw, "requires", list, where)
    passing = require(raw, "passing", dict, where)
    min_score = require_range(
        require(passing, "min_score", object, f"{where}.passing"), 0, 100, f"{where}.passing.min_score"
    )
    return Exercise(
        id=exercise_id,
        title=title,
        instructions=instructions,
        stage=stage,
        prompts=tuple(_prompt(p, f"{where}.prompts[{i}]") for i, p in enumerate(prompts)),
        requires=tuple(_requirement(r, f"{where}.requires[{i}]") for i, r in enumerate(requires)),
        min_score=float(min_score),
    )


def parse_messages(data: Any, source: str) -> Dict[str, str]:
    messages = require(data, "messages", dict, source)
    return {key: require(messages, key, str, f"{source}: messages") for key in MESSAGE_KEYS}


def parse_exercises(data: Any, source: str = FILE) -> ExerciseBook:
    items = require(data, "exercises", list, source)
    exercises: Dict[str, Exercise] = {}
    for i, raw in enumerate(items):
        exercise = parse_exercise(raw, f"{source}: exercises[{i}]")
        if exercise.id in exercises:
            raise ContentError(f"{source}: exercises[{i}].id: duplicate exercise id '{exercise.id}'")
        exercises[exercise.id] = exercise
    return ExerciseBook(exercises, parse_messages(data, source))


@lru_cache(maxsize=4)
def _load_cached(base: str) -> ExerciseBook:
    return parse_exercises(load_yaml(FILE, Path(base)), str(Path(base) / FILE))


def load_exercises(base: Optional[Path] = None) -> ExerciseBook:
    """The exercises of `base` (default: the content directory), parsed once per directory."""
    return _load_cached(str(base or content_dir()))


def load_exercise_file(path: Path) -> Exercise:
    """A YAML file holding one exercise (same fields as an entry of content/exercises.yml)."""
    return parse_exercise(load_yaml(path.name, path.parent), str(path))


def prompt_text(prompt: Prompt) -> str:
    """The prompt as shown to a trainee: the situation, then the customer's line in quotes."""
    parts = [prompt.situation or "", f"客户：“{prompt.customer}”" if prompt.customer else ""]
    return " ".join(p for p in parts if p)
