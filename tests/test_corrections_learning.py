"""Learning from the trainers (issue 7 part 6): a phrasing the scorer misses, corrected on the review page
(the reply and a few paraphrases, as a trainer would label them), is detected after retraining; without
the corrections it is not. Models and the corrections file live in temporary directories."""
import pytest

from ssp_coach.learn.corpus import training_items, training_sources
from ssp_coach.learn.corrections import corrections_file, write_corrections
from ssp_coach.scoring import score_reply, trust
from ssp_coach.scoring.fbi import model as fbi_model
from ssp_coach.scoring.patterns import classifier

CONTEXT = "这车的扭矩是多少？"
REPLY = "您对参数门儿清啊，比我们销售还熟"  # praise of the customer's knowledge, in words the rules do not know
PARAPHRASES = [
    "您对配置门儿清，比我们店里的老销售还熟",
    "哥您对这车门儿清啊，参数比我记得还熟",
    "您这功课做得门儿清，比我们内训讲得还细",
    "您对行情门儿清，比我们销售还懂",
]


def _clear():
    trust._cached_model.cache_clear()
    classifier._cached_classifier.cache_clear()
    fbi_model._cached_fbi_model.cache_clear()


@pytest.fixture
def private_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("SSP_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("SSP_MODELS_DIR", str(tmp_path / "models"))
    _clear()
    yield tmp_path
    _clear()  # later tests load the models of the real directories again


def _techniques(reply: str):
    return score_reply(reply, CONTEXT, "presentation", "analytical")["techniques"]


def test_a_corrected_phrasing_flips_after_retraining(private_dirs):
    assert not corrections_file().exists()
    before = classifier.training_hash()
    assert "praise" not in _techniques(REPLY), "the scorer must miss this phrasing before any correction"

    rows = [{"reply": r, "context": CONTEXT, "stage": "presentation", "customer_type": "analytical",
             "labels": ["praise"], "fbi": []} for r in [REPLY] + PARAPHRASES]
    path = write_corrections(rows)
    assert path == corrections_file() and path.parent == private_dirs / "var"
    assert path in training_sources() and classifier.training_hash() != before, "the file is in the cache key"
    assert sum(1 for it in training_items() if it.group == "corrections") == len(rows)
    assert sum(1 for it in training_items(include_corrections=False) if it.group == "corrections") == 0
    # credited with a technique, so by the guide's P5 no trust breaker: the tone model learns that too
    assert all(it.anti == () for it in training_items() if it.group == "corrections")

    _clear()  # what `make train` does: the next use retrains on the new key
    assert "praise" in _techniques(REPLY)
    assert list((private_dirs / "models").glob(f"patterns-{classifier.training_hash()}.pkl"))

    # and explicitly: the model trained without the corrections still misses it
    token = classifier.OVERRIDE.set(classifier.train(training_items(include_corrections=False)))
    try:
        assert "praise" not in _techniques(REPLY)
    finally:
        classifier.OVERRIDE.reset(token)
    assert "praise" in _techniques(REPLY)
