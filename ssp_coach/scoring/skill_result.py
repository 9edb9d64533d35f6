"""What each SSP-skills detector (FBI, questions, objections, closing, anti-patterns) returns."""
from dataclasses import dataclass, field
from typing import Any, Dict, List

from .analysis import Evidence, Missing


@dataclass
class SkillResult:
    data: Dict[str, Any]  # the Contract-1 fragment, e.g. {"feature": True, ...} or {"anti_patterns": [...]}
    evidence: List[Evidence] = field(default_factory=list)
    missing: List[Missing] = field(default_factory=list)
