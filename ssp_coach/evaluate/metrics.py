"""The one metrics helper: precision, recall, F1 with supports and 95% confidence intervals."""

import math
import random
from typing import Dict, Iterable, List, Sequence, Tuple

Pair = Tuple[bool, bool]  # (predicted, gold)


def prf(pairs: Iterable[Pair]) -> Dict[str, float]:
    tp = fp = fn = 0
    for pred, gold in pairs:
        tp += pred and gold
        fp += pred and not gold
        fn += gold and not pred
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "support": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def wilson(successes: int, n: int, z: float = 1.96) -> Tuple[float, float]:
    """95% Wilson interval of a proportion (used for rates such as the negatives' false-positive rate)."""
    if n == 0:
        return (0.0, 0.0)
    phat = successes / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def f1_interval(pairs: Sequence[Pair], rounds: int = 1000, seed: int = 7) -> Tuple[float, float]:
    """95% percentile-bootstrap interval of F1 over items."""
    pairs = list(pairs)
    if not pairs:
        return (0.0, 0.0)
    rng = random.Random(seed)  # noqa: S311 - seeded bootstrap resampling for reproducible intervals, not security
    values = sorted(prf(rng.choice(pairs) for _ in pairs)["f1"] for _ in range(rounds))
    return (values[int(0.025 * rounds)], values[int(0.975 * rounds) - 1])


def with_interval(pairs: Sequence[Pair]) -> Dict[str, float]:
    out = prf(pairs)
    out["f1_low"], out["f1_high"] = f1_interval(pairs)
    return out


def micro(per_label: Dict[str, List[Pair]]) -> Dict[str, float]:
    return with_interval([p for pairs in per_label.values() for p in pairs])


def kappa(a: Sequence[bool], b: Sequence[bool]) -> float:
    """Cohen's kappa of two annotators' yes/no decisions on the same items."""
    n = len(a)
    if n == 0:
        return 0.0
    agree = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if expected == 1 else (agree - expected) / (1 - expected)
