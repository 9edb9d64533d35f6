"""Loading trainer-editable YAML content with clear, located validation errors."""
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from .paths import content_dir


class ContentError(ValueError):
    """Raised when a content file is missing or malformed; the message names file and field."""


def load_yaml(relative_path: str, base: Optional[Path] = None) -> Any:
    path = (base or content_dir()) / relative_path
    if not path.exists():
        raise ContentError(f"{path}: file not found")
    try:
        with path.open(encoding="utf-8") as f:
            return yaml.safe_load(f)
    except yaml.YAMLError as e:
        raise ContentError(f"{path}: invalid YAML: {e}") from e


def require(mapping: Any, key: str, kind: type, where: str) -> Any:
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


def require_choice(value: Any, allowed: Iterable[str], where: str) -> str:
    allowed = list(allowed)
    if value not in allowed:
        raise ContentError(f"{where}: '{value}' is not one of {allowed}")
    return value
