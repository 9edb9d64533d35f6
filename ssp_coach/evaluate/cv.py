"""Grouped k-fold cross-validation on the training side: the models are refitted on k-1 folds and the
held-out fold is scored with them. Items of one writer never straddle folds (the self-written split is
grouped by a hash of the item id), so a fold tests phrasing its models have not seen from that writer."""
import hashlib
from contextlib import contextmanager
from typing import Dict, Iterator, List, Sequence, Tuple

from ..learn.corpus import CorpusItem, training_items
from ..scoring.engine import score_reply
from ..scoring.fbi import model as fbi_model
from ..scoring.patterns import classifier

FOLDS = 5


def fold_of(item: CorpusItem, writers: Sequence[str], k: int = FOLDS) -> int:
    if item.group != "self" and item.group in writers:
        return writers.index(item.group) % k
    return int(hashlib.sha256(item.id.encode()).hexdigest(), 16) % k


@contextmanager
def fitted_on(items: List[CorpusItem]) -> Iterator[None]:
    """Score with models fitted on `items` only, inside the block."""
    saved = classifier.OVERRIDE.get(), fbi_model.OVERRIDE.get()
    classifier.OVERRIDE.set(classifier.train(items))
    fbi_model.OVERRIDE.set(fbi_model.train(items))
    try:
        yield
    finally:
        classifier.OVERRIDE.set(saved[0])
        fbi_model.OVERRIDE.set(saved[1])


def cross_validate(items: List[CorpusItem] = None, k: int = FOLDS) -> Tuple[List[CorpusItem], List[dict]]:
    """(items, out-of-fold assessments) for every training item."""
    items = training_items() if items is None else items
    writers = sorted({it.group for it in items if it.group != "self"})
    folds: Dict[int, List[CorpusItem]] = {}
    for it in items:
        folds.setdefault(fold_of(it, writers, k), []).append(it)
    out_items, results = [], []
    for f, held in sorted(folds.items()):
        train = [it for g, group in folds.items() if g != f for it in group]
        with fitted_on(train):
            for it in held:
                out_items.append(it)
                results.append(score_reply(it.reply, it.context, it.stage, it.customer_type))
    return out_items, results
