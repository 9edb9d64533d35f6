"""nlu_components.intent_classifier: the feature row is the one Rasa's LogisticRegressionClassifier builds, on
synthetic features of every kind and on the trained model's own features of real messages."""
import asyncio
import os
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from nlu_components.intent_classifier import LeanLogisticRegressionClassifier

ROOT = Path(__file__).resolve().parent.parent


def rasas_rows(messages):
    return scipy.sparse.csr_matrix(LogisticRegressionClassifier._create_X(None, messages))


def ours(messages):
    return LeanLogisticRegressionClassifier._create_X(None, messages)


def same(a, b):
    return a.shape == b.shape and (scipy.sparse.csr_matrix(a) != scipy.sparse.csr_matrix(b)).nnz == 0


def message(seed, dense=False):
    rng = np.random.default_rng(seed)
    m = Message(data={TEXT: "您好"})
    for origin, width in (("regex", 3), ("words", 5), ("chars", 4)):
        m.add_features(Features(scipy.sparse.random(2, width, density=0.5, random_state=seed, format="coo"),
                                FEATURE_TYPE_SEQUENCE, TEXT, origin))
        m.add_features(Features(scipy.sparse.random(1, width, density=0.6, random_state=seed + 1, format="coo"),
                                FEATURE_TYPE_SENTENCE, TEXT, origin))
    m.add_features(Features(scipy.sparse.random(1, 2, density=1.0, random_state=seed, format="coo"),
                            FEATURE_TYPE_SENTENCE, "intent", "other attribute"))
    if dense:
        m.add_features(Features(rng.random((1, 3)), FEATURE_TYPE_SENTENCE, TEXT, "dense a"))
        m.add_features(Features(rng.random((1, 2)), FEATURE_TYPE_SENTENCE, TEXT, "dense b"))
    return m


@pytest.mark.parametrize("dense", [False, True])
def test_rows_equal_rasas_on_synthetic_features(dense):
    messages = [message(seed, dense) for seed in range(5)]
    assert same(ours(messages), rasas_rows(messages))
    assert same(ours(messages[:1]), rasas_rows(messages[:1]))


def model_path():
    if os.environ.get("SSP_RASA_MODEL"):
        return Path(os.environ["SSP_RASA_MODEL"])
    models = sorted((ROOT / "models").glob("ssp-coach-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def test_rows_equal_rasas_on_the_trained_models_features(monkeypatch):
    path = model_path()
    if path is None or not path.exists():
        pytest.skip("no trained Rasa model: set SSP_RASA_MODEL or train one into models/")
    from rasa.core.agent import Agent

    monkeypatch.chdir(ROOT)
    agent = Agent.load(str(path))
    compared = []
    lean = LeanLogisticRegressionClassifier._create_X

    def checked(self, messages):
        rows = lean(self, messages)
        assert same(rows, rasas_rows(messages))
        compared.append(len(messages))
        return rows

    monkeypatch.setattr(LeanLogisticRegressionClassifier, "_create_X", checked)
    for text in ("您好，我是顾问小周", "您平时主要谁开车？", "選 議價 練習模式", "这车油耗怎么样", "。"):
        parsed = asyncio.run(agent.parse_message(text))
        assert parsed["intent"]["name"]
    assert len(compared) == 5  # the shipped config uses this classifier
