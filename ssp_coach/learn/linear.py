"""Fitting the per-label logistic regressions that both scorer models use, as plain weight arrays."""

from typing import Iterable, Tuple

import numpy as np
from sklearn.linear_model import LogisticRegression


def fit_per_label(problems: Iterable[Tuple[object, np.ndarray]], c: float) -> Tuple[np.ndarray, np.ndarray]:
    """One balanced logistic regression per (features, 0/1 labels) problem; returns (weights, bias) with
    one weight column and one bias per label, so scoring is a single sparse matrix product."""
    weights, bias = [], []
    for x, y in problems:
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, solver="liblinear")
        model.fit(x, y)
        weights.append(model.coef_.ravel())
        bias.append(model.intercept_[0])
    return np.vstack(weights).T, np.array(bias)
