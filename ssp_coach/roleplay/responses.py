"""Render customer Messages the way a Rasa response would: content/customer_lines.yml's conditional
variations on the customer_type slot, with {placeholders} filled from the message's variables. The action
server renders them (they are content, not part of the Rasa domain)."""

import random
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from ..paths import REPO_ROOT

CUSTOMER_LINES = REPO_ROOT / "content" / "customer_lines.yml"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=2)
def load_responses(path: Path = CUSTOMER_LINES) -> Dict[str, List[Dict[str, Any]]]:
    with Path(path).open(encoding="utf-8") as f:
        return (yaml.safe_load(f) or {}).get("responses") or {}


def variations(response: str, customer_type: Optional[str]) -> List[str]:
    """Texts Rasa may choose for this customer type: matching conditional variations, else the defaults."""
    items = load_responses().get(response)
    if not items:
        raise KeyError(f"response '{response}' is not defined in {CUSTOMER_LINES}")
    matching = [v["text"] for v in items if _matches(v.get("condition"), customer_type)]
    return matching or [v["text"] for v in items if not v.get("condition")]


def _matches(condition: Any, customer_type: Optional[str]) -> bool:
    if not condition:
        return False
    return all(c.get("name") == "customer_type" and c.get("value") == customer_type for c in condition)


def fill(template: str, values: Dict[str, Any]) -> str:
    """Replace {name} with values[name]; unknown placeholders are left as they are."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


def render(message: Any, customer_type: Optional[str], seed: Optional[int] = None) -> str:
    """The text the trainee would see for a roleplay Message."""
    if message.text is not None:
        return message.text
    return fill(random.Random(seed).choice(variations(message.response, customer_type)), message.variables or {})
