"""Trainers' corrections of the scorer (made on the review page, stored in the review database) as training
items. `make train` exports them to corrections_file(); the scorer's models fold that file into their
training data, and its content is part of their cache key, so a new correction retrains them."""

from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import yaml

from ..paths import data_dir
from .corpus import STAGES, CorpusItem, item_from

FILE_NAME = "scorer_corrections.yml"


def corrections_file() -> Path:
    return data_dir() / FILE_NAME


def write_corrections(rows: Iterable[Dict[str, Any]], path: Optional[Path] = None) -> Path:
    """Write corrections (dicts with reply, context, stage, customer_type, labels, fbi) as a corpus file."""
    path = path or corrections_file()
    items = []
    for i, row in enumerate(rows):
        items.append(
            {
                "id": f"corr-{i + 1:05d}",
                "reply": row["reply"],
                "context": row.get("context") or "",
                "stage": row.get("stage") if row.get("stage") in STAGES else "presentation",
                "customer_type": row.get("customer_type") or "social",
                "labels": list(row.get("labels") or []),
                "fbi": list(row.get("fbi") or []),
            }
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")
    tmp.replace(path)
    return path


def correction_items() -> List[CorpusItem]:
    path = corrections_file()
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    items = [item_from(raw, f"{path.name}: item {i + 1}", group="corrections") for i, raw in enumerate(data)]
    # A trainer who credits a reply with a technique says it breaks no trust (guide P5): the tone model learns
    # that too, so slang praise it heard as rude (门儿清) is not hidden again after `make train`.
    return [replace(it, anti=()) if it.anti is None and it.labels else it for it in items]
