"""Does a reply break the customer's trust (any code of docs/annotation-guide.md §9)? The learned half.

The reading finds the trust breakers it can point at (the structures of content/phrases/skills.yml
`anti_patterns`, each with its span as evidence). Rude replies take many more shapes than any list of
structures: this model hears the tone. One logistic regression over the reply's character n-grams and
three features of the reading (a trust-breaking structure found, a question asked, a very short reply),
trained on the trust-breaker labels (`anti`) of the corpus's training side, cached under models/ like the
pattern classifier. `is_hostile` (scoring/patterns/rules.py) is "a structure found, or this model sure".

Chosen by leave-one-writer-out on the 14 training writers (1440 labelled replies, 143 with a trust breaker;
any code counts): the structures alone P 0.94 / R 0.43 / F1 0.59 (with the old hostile word list, 0.90 /
0.44 / 0.59); this model at C 10, threshold 0.4: P 0.88 / R 0.58 / F1 0.70 (C 1 or 4 and the customer's line as
extra n-grams were lower; threshold 0.3: F1 0.71 at precision 0.85, 0.2: F1 0.74 at precision 0.81). Every
detection hides the reply's techniques (P5), so precision comes first: at 0.3 a praise in slang (门儿清) was
heard as hostile. The six patterns by the same leave-one-writer-out, with the word list → with this model at 0.4:
micro F1 0.781 → 0.785, macro 0.767 → 0.770, negatives with a false technique 0.101 → 0.091.

When only this model hears a trust breaker, `likely_kind` says which one it most likely is (one regression per
code over the same features, fitted on the replies that break trust), so the role-play customer reacts to a
pushed close as pressure and to a sneer as a put-down.
"""

import hashlib
import math
from contextvars import ContextVar
from functools import lru_cache
from typing import List, Optional

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from ..codes import TRUST_BREAKERS
from ..learn.corpus import CorpusItem, training_items, training_sources
from ..learn.linear import fit_per_label
from ..learn.model_cache import cached_model
from ..paths import content_dir
from ..reading import TurnReading, read_turn
from ..reading.phrases import SKILLS_FILE, load_cues

FEATURE_VERSION = "2"
C = 10.0
THRESHOLD = 0.4
SHORT_CHARS = 15


class TrustModel:
    def __init__(self, vectorizer: TfidfVectorizer, weights: np.ndarray, bias: float):
        self.vectorizer = vectorizer
        self.weights = weights
        self.bias = bias
        # which trust breaker it most likely is: one regression per code over the same features
        self.kind_weights = np.zeros((0, 0))
        self.kind_bias = np.zeros(0)

    @staticmethod
    def reading_features(r: TurnReading) -> List[float]:
        structure = bool(load_cues().strike & set(r.anti))
        return [float(structure), float(bool(r.question.items)), float(len(r.text) < SHORT_CHARS)]

    def _matrix(self, readings: List[TurnReading]):
        extra = sparse.csr_matrix(np.array([self.reading_features(r) for r in readings]))
        return sparse.hstack([self.vectorizer.transform([r.text for r in readings]), extra]).tocsr()

    def probability(self, r: TurnReading) -> float:
        z = float((self._matrix([r]) @ self.weights)[0]) + self.bias
        return 1.0 / (1.0 + math.exp(-z))

    def likely_kind(self, r: TurnReading) -> str:
        """The trust breaker (guide §9 code) a hostile reply most likely is, for the customer's reaction when no
        structure of the reading named it."""
        z = np.asarray(self._matrix([r]) @ self.kind_weights).ravel() + self.kind_bias
        return TRUST_BREAKERS[int(np.argmax(z))]


def train(items: Optional[List[CorpusItem]] = None) -> TrustModel:
    """Fit on the items labelled for trust breakers among `items` (default: the training side)."""
    labelled = [it for it in (training_items() if items is None else items) if it.anti is not None]
    if not labelled:
        raise RuntimeError("no items labelled for trust breakers (content/corpus/writers/, `anti`)")
    readings = [read_turn(it.reply, it.context, it.stage, it.customer_type) for it in labelled]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    vectorizer.fit([r.text for r in readings])
    model = TrustModel(vectorizer, np.zeros(0), 0.0)
    y = np.array([bool(it.anti) for it in labelled], dtype=int)
    x = model._matrix(readings)
    weights, bias = fit_per_label([(x, y)], C)
    model.weights, model.bias = weights[:, 0], float(bias[0])
    hostile = np.flatnonzero(y)
    kinds = [(x[hostile], np.array([code in labelled[i].anti for i in hostile], dtype=int)) for code in TRUST_BREAKERS]
    if all(0 < k.sum() < len(k) for _, k in kinds):
        model.kind_weights, model.kind_bias = fit_per_label(kinds, C)
    else:  # too few labels to tell the kinds apart: the customer answers the tone as a brush-off
        model.kind_weights = np.zeros((x.shape[1], len(TRUST_BREAKERS)))
        model.kind_bias = np.array([float(code == "dismissive") for code in TRUST_BREAKERS])
    return model


def training_hash() -> str:
    h = hashlib.sha256(FEATURE_VERSION.encode())
    for path in training_sources():
        h.update(path.name.encode())
        h.update(path.read_bytes())
    for rel in (SKILLS_FILE, "roleplay.yml"):  # the structures and which of them break trust
        h.update((content_dir() / rel).read_bytes())
    return h.hexdigest()[:16]


# Cross-validation (evaluate/cv.py) uses a model fitted on its folds instead of the cached one.
OVERRIDE: ContextVar = ContextVar("trust_model_override", default=None)


def load_trust_model() -> TrustModel:
    return OVERRIDE.get() or _cached_model()


@lru_cache(maxsize=1)
def _cached_model() -> TrustModel:
    return cached_model("trust", training_hash(), train)


def sounds_hostile(r: TurnReading) -> bool:
    return load_trust_model().probability(r) >= THRESHOLD


def likely_kind(r: TurnReading) -> str:
    return load_trust_model().likely_kind(r)
