"""Grouped k-fold cross-validation on the training side: the models are refitted on k-1 folds and the
held-out fold is scored with them. Items of one writer never straddle folds (the self-written split is
grouped by a hash of the item id), so a fold tests phrasing its models have not seen from that writer."""

import hashlib
from contextlib import contextmanager
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from ..learn.corpus import CorpusItem, training_items
from ..scoring import trust
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
    saved = classifier.OVERRIDE.get(), fbi_model.OVERRIDE.get(), trust.OVERRIDE.get()
    try:
        trust.OVERRIDE.set(trust.train(items))  # first: the pattern classifier's features ask it
        classifier.OVERRIDE.set(classifier.train(items))
        fbi_model.OVERRIDE.set(fbi_model.train(items))
        yield
    finally:
        classifier.OVERRIDE.set(saved[0])
        fbi_model.OVERRIDE.set(saved[1])
        trust.OVERRIDE.set(saved[2])


def cross_validate(items: Optional[List[CorpusItem]] = None, k: int = FOLDS) -> Tuple[List[CorpusItem], List[dict]]:
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


def leave_one_writer_out(items: Optional[List[CorpusItem]] = None) -> Tuple[List[CorpusItem], List[dict]]:
    """(items, assessments) for every independent writer's item, each scored by models fitted on everything
    except that writer's items: the training-side analogue of the frozen out-of-writer set (the
    self-written items are always learnt from and never scored here)."""
    items = training_items() if items is None else items
    writers = sorted({it.group for it in items if it.group != "self"})
    out_items, results = [], []
    for writer in writers:
        held = [it for it in items if it.group == writer]
        with fitted_on([it for it in items if it.group != writer]):
            for it in held:
                out_items.append(it)
                results.append(score_reply(it.reply, it.context, it.stage, it.customer_type))
    return out_items, results


def tune_thresholds(
    items: Optional[List[CorpusItem]] = None, k: int = FOLDS
) -> List[Tuple[float, float, float, float]]:
    """(threshold_key, threshold_sure, macro-F1, negatives' false-positive rate) over a grid, from out-of-fold
    classifier probabilities: how content/scoring.yml's thresholds are chosen (never on a frozen set)."""
    from ..codes import PATTERN_CODES
    from ..reading import read_turn
    from ..scoring.patterns.rules import KEY_PARTS, find_parts, rule_features
    from .metrics import prf

    items = training_items() if items is None else items
    writers = sorted({it.group for it in items if it.group != "self"})
    folds: Dict[int, List[CorpusItem]] = {}
    for it in items:
        folds.setdefault(fold_of(it, writers, k), []).append(it)
    votes = []  # (item, {code: (key, negative, probability)})
    for f, held in sorted(folds.items()):
        train = [it for g, group in folds.items() if g != f for it in group]
        with fitted_on(train):
            model = classifier.load_classifier()
            for it in (h for h in held if h.labels is not None):
                r = read_turn(it.reply, it.context, it.stage, it.customer_type)
                rules = find_parts(r)
                probs = model.probabilities(r, rule_features(r, rules))
                votes.append(
                    (
                        it,
                        {
                            c: (any(p in rules[c].parts for p in KEY_PARTS[c]), rules[c].negative, probs[c])
                            for c in PATTERN_CODES
                        },
                    )
                )
    from ..scoring.weights import load_scoring_config

    fixed = load_scoring_config().raw.get("threshold_key_by_pattern", {})  # per-pattern keys stay as set
    grid = []
    for t_key in (0.1, 0.2, 0.3, 0.4, 0.5):
        for t_sure in (0.6, 0.7, 0.8, 0.9, 1.01):

            def hit(v, code, t_key=t_key, t_sure=t_sure):
                key, negative, p = v
                return not negative and ((key and p >= fixed.get(code, t_key)) or p >= t_sure)

            f1s = [prf((hit(v[c], c), c in (it.labels or ())) for it, v in votes)["f1"] for c in PATTERN_CODES]
            negs = [any(hit(v[c], c) for c in PATTERN_CODES) for it, v in votes if not it.labels]
            grid.append((t_key, t_sure, sum(f1s) / len(f1s), sum(negs) / len(negs) if negs else 0.0))
    return grid
