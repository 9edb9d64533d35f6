"""Loading trainer-editable YAML content with clear, located validation errors.

Strict by design, because a trainer edits these files by hand: every error names the file; a file
that is not UTF-8, a mapping with the same key twice, or a number outside its range (RANGES below)
is rejected instead of silently loaded.
"""

import fnmatch
import math
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, Optional, Tuple, TypeVar, Union

import yaml

from .paths import content_dir


class ContentError(ValueError):
    """Raised when a content file is missing or malformed; the message names file and field."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """yaml.SafeLoader that refuses a mapping with the same key twice (PyYAML keeps the last one)."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: Dict[Any, yaml.Node] = {}  # explicit keys only: one may override a key merged in with `<<`
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError:  # unhashable key: construct_mapping reports it
            break
        if first is not None:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r} (first defined at line {first.start_mark.line + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node
    loader.flatten_mapping(node)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


# Numeric ranges checked whenever a file is loaded: {file: {dotted path pattern: (min, max)}}.
# `*` matches one key (or any list index); a matching value must be a number within [min, max].
# Trust runs 0-100 (content/roleplay.yml); trust deltas and steps can be negative.
RANGES: Dict[str, Dict[str, Tuple[float, float]]] = {
    "roleplay.yml": {
        "start_trust.*": (0, 100),
        "thresholds.walk_away": (0, 100),
        "thresholds.deal": (0, 100),
        "thresholds.test_drive": (0, 100),
        "thresholds.emotional_reveal": (0, 100),
        "thresholds.warm_step": (0, 100),
        "thresholds.cool_step": (-100, 0),
        "thresholds.max_turn_change": (0, 100),
        "long_speech_chars.*": (1, 100_000),
        "deltas.*.*.*": (-100, 100),
    },
    "personas.yml": {
        "personas.*.age": (16, 100),
        "personas.*.tolerance": (1, 20),
    },
    "products.yml": {
        "products.*.price.*": (0, 10_000),
        "products.*.competitor.price": (0, 10_000),
    },
    "scenarios.yml": {
        "scenarios.*.objection_count": (0, 20),
        "scenarios.*.stages.*.exit.facts": (0, 20),
    },
}


def require_range(value: Any, low: float, high: float, where: str) -> float:
    """`value` as a number within [low, high] (bools, NaN and infinities are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ContentError(f"{where}: expected a number between {low:g} and {high:g}, got {type(value).__name__}")
    if not math.isfinite(value) or not low <= value <= high:
        raise ContentError(f"{where}: {value} is out of range (allowed {low:g} to {high:g})")
    return value


def _walk(data: Any, prefix: str = "") -> Iterator[Tuple[str, Any]]:
    if isinstance(data, dict):
        items: Iterable[Tuple[Any, Any]] = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return
    for key, value in items:
        path = f"{prefix}.{key}" if prefix else str(key)
        yield path, value
        yield from _walk(value, path)


def check_ranges(data: Any, rules: Dict[str, Tuple[float, float]], where: str) -> None:
    """Every scalar whose dotted path matches a rule's pattern must be a number within its range
    (mappings and lists are left to the loaders' type checks)."""
    for path, value in _walk(data):
        if isinstance(value, (dict, list)):
            continue
        for pattern, (low, high) in rules.items():
            if path.count(".") == pattern.count(".") and fnmatch.fnmatchcase(path, pattern):
                require_range(value, low, high, f"{where}: {path}")


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise ContentError(f"{path}: not valid UTF-8 text (byte {e.start}); save the file as UTF-8") from e
    except OSError as e:
        raise ContentError(f"{path}: cannot be read: {e.strerror or e}") from e


def load_yaml(relative_path: str, base: Optional[Path] = None) -> Any:
    path = (base or content_dir()) / relative_path
    if not path.exists():
        raise ContentError(f"{path}: file not found")
    text = _read_text(path)
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        raise ContentError(f"{path}: invalid YAML: {e}") from e
    rules = RANGES.get(Path(relative_path).as_posix())
    if rules:
        check_ranges(data, rules, str(path))
    return data


def require(mapping: Any, key: Union[str, int], kind: type, where: str) -> Any:
    """mapping[key], checked to exist and to be of `kind`; otherwise a ContentError naming `where`."""
    if not isinstance(mapping, dict):
        raise ContentError(f"{where}: expected a mapping, got {type(mapping).__name__}")
    if key not in mapping:
        raise ContentError(f"{where}: missing required field '{key}'")
    value = mapping[key]
    if kind is float and isinstance(value, int):
        value = float(value)
    if not isinstance(value, kind):
        raise ContentError(f"{where}.{key}: expected {kind.__name__}, got {type(value).__name__}")
    if isinstance(value, (str, list, dict)) and not value:
        raise ContentError(f"{where}.{key}: must not be empty")
    return value


_Choice = TypeVar("_Choice")


def require_choice(value: Any, allowed: Iterable[_Choice], where: str) -> _Choice:
    allowed = list(allowed)
    if value not in allowed:
        raise ContentError(f"{where}: '{value}' is not one of {allowed}")
    return value
