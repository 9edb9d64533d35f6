"""Fitting the per-label logistic regressions that the scorer's models use, as plain weight arrays, and the
tf-idf rows they are fitted on."""

from typing import Iterable, Sequence, Tuple

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize


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


def tfidf_rows(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> sparse.csr_matrix:
    """`vectorizer.transform(texts)` of a fitted vectorizer, without its fitted-check: scikit-learn 1.1 rebuilds
    the whole idf vector from its diagonal matrix on every call to check it (0.8 ms of a 4 ms reply, for the
    pattern classifier and again for the tone model; the FBI model scores through its own per-clause path,
    FbiModel._ngram_row). Same steps: counts, sublinear tf, idf, norm (tests/test_patterns.py compares them)."""
    rows = CountVectorizer.transform(vectorizer, texts).astype(np.float64)
    weights = vectorizer._tfidf
    if weights.sublinear_tf:
        np.log(rows.data, rows.data)
        rows.data += 1
    if weights.use_idf:
        rows = rows * weights._idf_diag
    if weights.norm:
        rows = normalize(rows, norm=weights.norm, copy=False)
    return rows.tocsr()
