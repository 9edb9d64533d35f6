"""Runs the skill detectors (FBI, questions, objections, closing, anti-patterns) behind one call.

Those detectors live in sibling modules owned by the skills work (fbi.py, questions.py, ...). A module
that is not there yet is skipped and its Contract-1 fragment keeps its empty default, so the engine works
with or without them; a detector that fails at run time is logged and skipped, never raised to the trainee.
"""
import copy
import importlib
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Dict, List, Tuple

from .analysis import Analysis, Evidence, Missing

log = logging.getLogger(__name__)

# Contract-1 fragment key -> (module, function, empty default)
DETECTORS: Dict[str, Tuple[str, str, Any]] = {
    "fbi": ("fbi", "detect_fbi",
            {"feature": False, "benefit": False, "impact": False, "order_ok": False, "feature_dump": False}),
    "question": ("questions", "detect_question", {"kind": None, "probe": None, "tmd": []}),
    "objection": ("objections", "detect_objection_handling", {"steps": [], "technique": None}),
    "closing": ("closing", "detect_closing", {"technique": None}),
    "anti_patterns": ("anti_patterns", "detect_anti_patterns", []),
}


@dataclass
class SkillsOutput:
    fragments: Dict[str, Any]
    evidence: List[Evidence] = field(default_factory=list)
    missing: List[Missing] = field(default_factory=list)
    available: List[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _load_detectors() -> Dict[str, Callable]:
    found = {}
    for key, (module, func, _) in DETECTORS.items():
        try:
            mod = importlib.import_module(f"{__package__}.{module}")
        except ModuleNotFoundError as e:
            if e.name != f"{__package__}.{module}":
                raise  # the module exists but one of its own imports is broken: surface that
            continue
        if hasattr(mod, func):
            found[key] = getattr(mod, func)
    return found


def _fragment(key: str, data: Any, default: Any) -> Any:
    """Accept either {"fbi": {...}} or the bare fragment {...} from a SkillResult's .data."""
    if isinstance(data, dict) and key in data:
        data = data[key]
    if isinstance(default, dict) and isinstance(data, dict):
        return {**default, **data}
    if isinstance(default, list) and isinstance(data, (list, tuple)):
        return list(data)
    return copy.deepcopy(default)


def run_skills(a: Analysis) -> SkillsOutput:
    out = SkillsOutput({k: copy.deepcopy(d) for k, (_, _, d) in DETECTORS.items()})
    for key, detect in _load_detectors().items():
        try:
            result = detect(a)
        except Exception:  # one broken detector must not take the whole assessment down
            log.exception("skill detector %s failed", key)
            continue
        out.fragments[key] = _fragment(key, getattr(result, "data", {}), DETECTORS[key][2])
        out.evidence.extend(getattr(result, "evidence", []) or [])
        out.missing.extend(getattr(result, "missing", []) or [])
        out.available.append(key)
    return out
