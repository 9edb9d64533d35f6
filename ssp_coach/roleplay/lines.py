"""Which customer line to say: the situation's pool for the scenario and the customer type
(content/customer_situations.yml, else the per-type variations of content/customer_lines.yml), never a line
already said in this role-play while another one is left."""

import random
from functools import lru_cache
from typing import Any, Dict, List, Optional

from ..content import ContentError, load_yaml, require
from .catalog import CUSTOMER_TYPES
from .responses import variations

FILE = "customer_situations.yml"
MEMORY_LINES = 40  # lines remembered per role-play (enough for a long visit, small enough for a slot)


@lru_cache(maxsize=1)
def load_lines() -> Dict[str, Any]:
    data = load_yaml(FILE)
    for scenario, by_response in require(data, "by_scenario", dict, FILE).items():
        for response, per_type in by_response.items():
            _per_type(per_type, f"{FILE}: by_scenario.{scenario}.{response}")
            variations(response, None)  # the generic response it replaces must exist
    for name, per_type in require(data, "situations", dict, FILE).items():
        _per_type(per_type, f"{FILE}: situations.{name}")
    return data


def _per_type(per_type: Any, where: str) -> None:
    for ctype in CUSTOMER_TYPES:
        lines = require(per_type, ctype, list, where)
        if not all(isinstance(x, str) and x.strip() for x in lines):
            raise ContentError(f"{where}.{ctype}: expected non-empty strings")


def pool(response: str, scenario: Optional[str], customer_type: Optional[str]) -> List[str]:
    """The lines for a Rasa response name, with the scenario's own lines taking its place where given."""
    own = (load_lines()["by_scenario"].get(scenario or "") or {}).get(response)
    if own and customer_type in own:
        return list(own[customer_type])
    return variations(response, customer_type)


def situation(name: str, customer_type: Optional[str]) -> List[str]:
    per_type = load_lines()["situations"][name]
    return list(per_type.get(customer_type) or per_type["social"])


def choose(candidates: List[str], said: List[str], rng: random.Random) -> str:
    """A line not said yet in this role-play; if all were said, the one said longest ago."""
    fresh = [c for c in candidates if c not in said]
    if fresh:
        return rng.choice(fresh)
    return min(candidates, key=lambda c: max(i for i, s in enumerate(said) if s == c))


def remember(said: List[str], line: str) -> List[str]:
    return (said + [line])[-MEMORY_LINES:]
