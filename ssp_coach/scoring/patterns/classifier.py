"""Statistical layer: one logistic regression per pattern over char n-grams plus the rule features.

Trained on the TRAIN split only, at first use, and cached under models/ keyed by a hash of the training
files, the phrase lists and this module's feature version, so editing the corpus retrains automatically.
Prediction is a single sparse product, well under a millisecond per reply.
"""

from contextvars import ContextVar
from functools import lru_cache
from typing import Dict, List

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from ...learn.corpus import training_items, training_sources
from ...learn.linear import fit_per_label, tfidf_rows
from ...learn.model_cache import cached_model, files_key
from ...paths import content_dir
from ...reading import TurnReading, read_turn
from ...reading.phrases import ACTS_FILE, SKILLS_FILE, TOPICS_FILE
from ...text import NORMALISATION_KEY
from .. import trust
from .phrases import FILE as PHRASES_FILE
from .phrases import PATTERN_CODES
from .rules import find_parts, rule_features

FEATURE_VERSION = "14"  # bump when features change so cached models are not reused
# The rule features enter unscaled and the regularisation is light (C): with rule features weighted 2 and
# C = 10, leave-one-writer-out micro F1 was 0.805 and grouped-CV macro 0.880; with 1 and 30, 0.808 and 0.882
# (rhetorical by-writer 0.80 -> 0.83), negatives' false techniques unchanged (0.047 CV, 0.063 by-writer).
RULE_WEIGHT = 1.0
C = 30.0


class PatternClassifier:
    def __init__(self, vectorizer: TfidfVectorizer, rule_names: List[str], weights: np.ndarray, bias: np.ndarray):
        self.vectorizer = vectorizer
        self.rule_names = rule_names
        self.weights = weights  # (n_features, n_patterns)
        self.bias = bias

    def _matrix(self, texts: List[str], feats: List[Dict[str, float]]):
        rules = np.array([[f[n] for n in self.rule_names] for f in feats]) * RULE_WEIGHT
        return sparse.hstack([tfidf_rows(self.vectorizer, texts), sparse.csr_matrix(rules)]).tocsr()

    def probabilities(self, a: TurnReading, feats: Dict[str, float]) -> Dict[str, float]:
        z = self._matrix([a.text], [feats]) @ self.weights + self.bias
        p = 1.0 / (1.0 + np.exp(-np.asarray(z).ravel()))
        return dict(zip(PATTERN_CODES, p.tolist()))


def _examples(items=None):
    items = [it for it in (training_items() if items is None else items) if it.labels is not None]
    analyses = [read_turn(it.reply, it.context, it.stage, it.customer_type) for it in items]
    feats = [rule_features(a, find_parts(a)) for a in analyses]
    return items, analyses, feats


# Patterns that are told apart from each other by their rule features: the three question-shaped ones
# (an open question, a reaction check, a consent request) and the two relationship ones.
RELATED = {
    "guide": {"rhetorical", "commit"},
    "rhetorical": {"guide", "commit"},
    "commit": {"guide", "rhetorical"},
    "agree": {"praise"},
    "praise": {"agree"},
    "narrate": set(),
}


def _relevant(feature: str, code: str) -> bool:
    owner = feature.split(".")[0]
    return owner == code or owner in RELATED[code] or owner not in PATTERN_CODES


def train(items=None, c: float = C) -> PatternClassifier:
    """Fit on `items` (default: the training side of the corpus, see learn/corpus.py)."""
    items, analyses, feats = _examples(items)
    if not items:
        raise RuntimeError("no labelled training items (content/corpus/train/, content/corpus/writers/)")
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
    vec.fit([a.text for a in analyses])
    rule_names = sorted(feats[0])
    clf = PatternClassifier(vec, rule_names, np.zeros(0), np.zeros(0))
    x = clf._matrix([a.text for a in analyses], feats)
    n_text = len(vec.vocabulary_)

    def problem(code: str):
        # Each pattern sees only its own rule features (plus the shared ones): otherwise it learns corpus
        # accidents such as "a narration is present, so this is not agreement".
        keep = np.array([1.0] * n_text + [float(_relevant(name, code)) for name in rule_names])
        return x @ sparse.diags(keep), np.array([code in it.labels for it in items], dtype=int)

    clf.weights, clf.bias = fit_per_label((problem(code) for code in PATTERN_CODES), c)
    return clf


def training_hash() -> str:
    phrases = [content_dir() / rel for rel in (PHRASES_FILE, SKILLS_FILE, ACTS_FILE, TOPICS_FILE)]
    # the hostile feature comes from the tone model: a new tone model or threshold retrains this one too
    version = f"{FEATURE_VERSION}/{NORMALISATION_KEY}/{trust.training_hash()}/{trust.THRESHOLD}"
    return files_key(version, [*training_sources(), *phrases])


# Cross-validation (evaluate/cv.py) scores with models fitted on its folds instead of the cached one.
OVERRIDE: ContextVar = ContextVar("pattern_classifier_override", default=None)


def load_classifier() -> PatternClassifier:
    return OVERRIDE.get() or _cached_classifier()


@lru_cache(maxsize=1)
def _cached_classifier() -> PatternClassifier:
    return cached_model("patterns", training_hash(), train)
