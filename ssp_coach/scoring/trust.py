"""Does a reply break the customer's trust (any code of docs/annotation-guide.md §9)? The learned half.

The reading finds the trust breakers it can point at (the structures of content/phrases/skills.yml
`anti_patterns`, each with its span as evidence). Rude replies take many more shapes than any list of
structures: this model hears the tone. One logistic regression over the reply's character n-grams and two
features of the reading (a question asked, a very short reply), trained on the trust-breaker labels (`anti`) of
the corpus's training side, cached under models/ like the pattern classifier. `is_hostile`
(scoring/patterns/rules.py) is "a structure found, or this model sure". The model does not see whether a
structure was found: given that feature it leaned on it and heard little beyond the structures, which is
where it is needed (writers whose phrasing no structure knows).

Chosen by leave-one-writer-out on the 14 training writers (1440 labelled replies, 143 with a trust breaker,
44 of them missed by the structures; any code counts; the structures' own figures are optimistic, half of them
were chosen on these writers' errors): structures alone P 0.97 / R 0.69 / F1 0.81. Structures or this model,
C 10: threshold 0.6 P 0.91 / R 0.80 / F1 0.85 (15 of the 44 caught, 8 of 1297 clean replies flagged); 0.5:
0.89 / 0.83 / 0.86 (19, 11); 0.4: 0.85 / 0.86 / 0.86 (24, 18). With the structure as a feature, 0.4: 0.97 /
0.77 / 0.86 but only 11 of the 44. C 4 was alike; the customer's line as extra n-grams lower. Every detection
hides the reply's techniques (P5), so precision comes first: 0.6. Off-topic chat is then left out of what it
learns (codes.WORDED_TRUST_BREAKERS): 0.91 / 0.77 / 0.83, with off_topic left to the reading.

Re-chosen on 18 training writers (1840 replies, 215 with a trust breaker; the four new writers' rude lines
mostly avoid the known structures, which alone now reach P 0.97 / R 0.53): threshold 0.6 P 0.91 / R 0.67 /
F1 0.77; 0.5: 0.89 / 0.71 / 0.79; 0.45: 0.86 / 0.75 / 0.80; 0.4: 0.84 / 0.77 / 0.81. By leave-one-writer-out
of the whole scorer, 0.5 keeps the patterns as they were (micro F1 0.790) and lowers the negatives' false
techniques 0.088 -> 0.087; 0.5 is the lowest threshold that keeps precision near 0.9.

When only this model hears a trust breaker, `likely_kind` says which one it most likely is (one regression per
code over the same features, fitted on the replies that break trust), so the role-play customer reacts to a
pushed close as pressure and to a sneer as a put-down.
"""

import math
from contextvars import ContextVar
from functools import lru_cache
from typing import List, Optional

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from ..codes import WORDED_TRUST_BREAKERS
from ..learn.corpus import CorpusItem, training_items, training_sources
from ..learn.linear import fit_per_label, tfidf_rows
from ..learn.model_cache import cached_model, files_key
from ..paths import content_dir
from ..reading import TurnReading, read_turn
from ..reading.phrases import SKILLS_FILE
from ..text import NORMALISATION_KEY

FEATURE_VERSION = "5"
C = 10.0
THRESHOLD = 0.5
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
        return [float(bool(r.question.items)), float(len(r.text) < SHORT_CHARS)]

    def _matrix(self, readings: List[TurnReading]):
        extra = sparse.csr_matrix(np.array([self.reading_features(r) for r in readings]))
        return sparse.hstack([tfidf_rows(self.vectorizer, [r.text for r in readings]), extra]).tocsr()

    def probability(self, r: TurnReading) -> float:
        z = float((self._matrix([r]) @ self.weights)[0]) + self.bias
        return 1.0 / (1.0 + math.exp(-z))

    def likely_kind(self, r: TurnReading) -> str:
        """The trust breaker (guide §9 code) a hostile reply most likely is, for the customer's reaction when no
        structure of the reading named it."""
        z = np.asarray(self._matrix([r]) @ self.kind_weights).ravel() + self.kind_bias
        return WORDED_TRUST_BREAKERS[int(np.argmax(z))]


def train(items: Optional[List[CorpusItem]] = None) -> TrustModel:
    """Fit on the items labelled for trust breakers among `items` (default: the training side)."""
    labelled = [it for it in (training_items() if items is None else items) if it.anti is not None]
    if not labelled:
        raise RuntimeError("no items labelled for trust breakers (content/corpus/writers/, `anti`)")
    readings = [read_turn(it.reply, it.context, it.stage, it.customer_type) for it in labelled]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    vectorizer.fit([r.text for r in readings])
    model = TrustModel(vectorizer, np.zeros(0), 0.0)
    y = np.array([bool(set(it.anti or ()) & set(WORDED_TRUST_BREAKERS)) for it in labelled], dtype=int)
    x = model._matrix(readings)
    weights, bias = fit_per_label([(x, y)], C)
    model.weights, model.bias = weights[:, 0], float(bias[0])
    hostile = np.flatnonzero(y)
    kinds = [np.array([code in (labelled[i].anti or ()) for i in hostile], dtype=int) for code in WORDED_TRUST_BREAKERS]
    # a code every hostile reply has, or none has, needs no regression (a fold of cross-validation may lack one)
    fittable = [j for j, k in enumerate(kinds) if 0 < k.sum() < len(k)]
    model.kind_weights = np.zeros((x.shape[1], len(WORDED_TRUST_BREAKERS)))
    model.kind_bias = np.array([np.inf if len(k) and k.all() else -np.inf for k in kinds])
    if fittable:
        weights, bias = fit_per_label([(x[hostile], kinds[j]) for j in fittable], C)
        model.kind_weights[:, fittable], model.kind_bias[fittable] = weights, bias
    return model


def training_hash() -> str:
    # the skills file: how the reading finds a question; the normalisation: what text it learns from
    return files_key(f"{FEATURE_VERSION}/{NORMALISATION_KEY}", [*training_sources(), content_dir() / SKILLS_FILE])


# Cross-validation (evaluate/cv.py) uses a model fitted on its folds instead of the cached one.
OVERRIDE: ContextVar = ContextVar("trust_model_override", default=None)


def load_trust_model() -> TrustModel:
    return OVERRIDE.get() or _cached_model()


@lru_cache(maxsize=1)
def _cached_model() -> TrustModel:
    return cached_model("trust", training_hash(), train)


_last: tuple = (None, None, 0.0)  # (reading, model, probability): a turn asks about the same reading several times


def hostility(r: TurnReading) -> float:
    global _last
    model = load_trust_model()
    last = _last
    if last[0] is r and last[1] is model:
        return last[2]
    p = model.probability(r)
    _last = (r, model, p)
    return p


def sounds_hostile(r: TurnReading) -> bool:
    return hostility(r) >= THRESHOLD


def likely_kind(r: TurnReading) -> str:
    return load_trust_model().likely_kind(r)
