"""The labelled corpus, validated on load, and which of it the scorer may learn from.

- content/corpus/train/*.yml — the self-written training split.
- content/corpus/test/*.yml — the self-written test split: FROZEN, never used to choose anything.
- content/corpus/writers/*.yml — items by independent writers, one file per writer; the writers named in
  content/corpus/writers/split.yml `held_out` form the FROZEN out-of-writer test set, the others train.
- trainers' corrections from the review page (learn/corrections.py), folded in by `make train`.
Grouped cross-validation (evaluate/cv.py) groups items by `group` (the writer, or "self").
"""

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

from ..codes import CUSTOMER_TYPES, FBI_PARTS, PATTERN_CODES, STAGES, TRUST_BREAKERS
from ..content import ContentError, load_yaml, require, require_choice
from ..paths import content_dir

SPLITS = ("train", "test")
FROZEN = ("test", "out_of_writer")
WRITERS_DIR = "corpus/writers"


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
    group: str = "self"  # the writer (for grouped cross-validation)
    anti: Optional[Tuple[str, ...]] = None  # trust breakers (guide §9); None: not labelled for them


def corpus_files(split: str) -> List[str]:
    require_choice(split, SPLITS, "corpus split")
    folder = content_dir() / "corpus" / split
    return sorted(f"corpus/{split}/{p.name}" for p in folder.glob("*.yml")) if folder.exists() else []


def item_from(raw, where: str, group: str = "self") -> CorpusItem:
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
        group=group,
        anti=codes("anti", TRUST_BREAKERS),
    )


def _load_file(rel: str, group: str = "self") -> List[CorpusItem]:
    data = load_yaml(rel) or []
    if not isinstance(data, list):
        raise ContentError(f"{rel}: expected a list of items")
    return [item_from(raw, f"{rel}: item {i + 1}", group) for i, raw in enumerate(data)]


def load_corpus(split: str) -> List[CorpusItem]:
    items: List[CorpusItem] = []
    for rel in corpus_files(split):
        items.extend(_load_file(rel))
    return items


def _writer_files() -> List[Path]:
    folder = content_dir() / WRITERS_DIR
    return sorted(p for p in folder.glob("*.yml") if p.name != "split.yml") if folder.exists() else []


def held_out_writers() -> Tuple[str, ...]:
    path = content_dir() / WRITERS_DIR / "split.yml"
    if not path.exists():
        return ()
    return tuple(require(load_yaml(f"{WRITERS_DIR}/split.yml"), "held_out", list, f"{WRITERS_DIR}/split.yml"))


def load_writers(held_out: bool) -> List[CorpusItem]:
    frozen = set(held_out_writers())
    items: List[CorpusItem] = []
    for path in _writer_files():
        if (path.stem in frozen) == held_out:
            items.extend(_load_file(f"{WRITERS_DIR}/{path.name}", group=path.stem))
    return items


def load_frozen(name: str) -> List[CorpusItem]:
    """A frozen test set: "test" (self-written) or "out_of_writer". Only evaluation reads these."""
    require_choice(name, FROZEN, "frozen set")
    return load_corpus("test") if name == "test" else load_writers(held_out=True)


def training_items(include_corrections: bool = True) -> List[CorpusItem]:
    """Everything the scorer may learn from and be tuned on (never a frozen set)."""
    from .corrections import correction_items

    items = load_corpus("train") + load_writers(held_out=False)
    return items + (correction_items() if include_corrections else [])


def training_sources() -> List[Path]:
    """The files behind training_items(), for the model cache key."""
    from .corrections import corrections_file

    files = [content_dir() / rel for rel in corpus_files("train")]
    frozen = set(held_out_writers())
    files += [p for p in _writer_files() if p.stem not in frozen]
    extra = corrections_file()
    return files + ([extra] if extra.exists() else [])
