"""The labelled corpus (content/corpus/{train,test}/*.yml), validated on load."""
from dataclasses import dataclass
from typing import List, Optional, Tuple

from ..content import ContentError, load_yaml, require, require_choice
from ..paths import content_dir
from .phrases import PATTERN_CODES

SPLITS = ("train", "test")
STAGES = ("reception", "phone", "needs", "presentation", "test_drive", "negotiation", "closing", "delivery",
          "follow_up")
CUSTOMER_TYPES = ("analytical", "dominant", "social")
FBI_PARTS = ("feature", "benefit", "impact")


@dataclass(frozen=True)
class CorpusItem:
    id: str
    reply: str
    context: str
    stage: str
    customer_type: str
    labels: Optional[Tuple[str, ...]]  # None: not labelled for patterns
    fbi: Optional[Tuple[str, ...]]  # None: not labelled for FBI
    hard_negative: bool
    source: str  # file it came from


def corpus_files(split: str) -> List[str]:
    require_choice(split, SPLITS, "corpus split")
    folder = content_dir() / "corpus" / split
    return sorted(f"corpus/{split}/{p.name}" for p in folder.glob("*.yml")) if folder.exists() else []


def _item(raw, where: str) -> CorpusItem:
    def codes(key, allowed):
        if key not in raw:
            return None
        value = raw[key]
        if not isinstance(value, list):
            raise ContentError(f"{where}.{key}: expected a list, got {type(value).__name__}")
        for v in value:
            require_choice(v, allowed, f"{where}.{key}")
        return tuple(value)

    return CorpusItem(
        id=str(require(raw, "id", str, where)),
        reply=require(raw, "reply", str, where),
        context=raw.get("context") or "",
        stage=require_choice(raw.get("stage"), STAGES, f"{where}.stage"),
        customer_type=require_choice(raw.get("customer_type"), CUSTOMER_TYPES, f"{where}.customer_type"),
        labels=codes("labels", PATTERN_CODES),
        fbi=codes("fbi", FBI_PARTS),
        hard_negative=bool(raw.get("hard_negative", False)),
        source=where.split(":")[0],
    )


def load_corpus(split: str) -> List[CorpusItem]:
    items = []
    for rel in corpus_files(split):
        data = load_yaml(rel) or []
        if not isinstance(data, list):
            raise ContentError(f"{rel}: expected a list of items")
        items.extend(_item(raw, f"{rel}: item {i + 1}") for i, raw in enumerate(data))
    return items
