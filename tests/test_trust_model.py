"""ssp_coach.scoring.trust: the learned half of "does this reply break the customer's trust" (guide §9)."""
import shutil

import pytest

from ssp_coach.codes import WORDED_TRUST_BREAKERS
from ssp_coach.learn.corpus import training_items
from ssp_coach.reading import read_turn
from ssp_coach.scoring import trust
from ssp_coach.scoring.patterns.rules import is_hostile


def reading(reply, context="", stage="negotiation", customer_type="social"):
    return read_turn(reply, context, stage, customer_type)


def test_it_learns_the_trust_breaker_labels_of_the_training_side():
    labelled = [it for it in training_items(include_corrections=False) if it.anti is not None]
    model = trust.train(labelled)
    flagged = [model.probability(reading(it.reply, it.context, it.stage, it.customer_type)) >= trust.THRESHOLD
               for it in labelled]
    rude = [f for f, it in zip(flagged, labelled) if it.anti]
    clean = [f for f, it in zip(flagged, labelled) if not it.anti]
    assert len(rude) >= 100 and sum(rude) / len(rude) >= 0.8  # fitted, so well above the unseen-writer recall
    assert sum(clean) / len(clean) <= 0.03


@pytest.mark.parametrize("reply, context", [
    ("哎呀您这人怎么这么磨叽。", "我再想想。"),
    ("现在谁还买那个牌子啊，老土。", "我还看了另外一个牌子。"),
])
def test_a_rude_tone_no_structure_names_is_hostile(reply, context):
    r = reading(reply, context)
    assert not r.anti_patterns  # the reading names nothing ...
    assert trust.sounds_hostile(r) and is_hostile(r)  # ... the tone model hears it


@pytest.mark.parametrize("reply, context", [
    ("您慢慢考虑，有什么拿不准的随时问我，我把配置单发您微信上。", "我再想想。"),
    ("那个牌子的车也不错，您主要看重它哪一点？咱们可以对比着看看。", "我还看了另外一个牌子。"),
    ("说实话，我自己是做不了主的，得去跟经理申请，您稍等我一下好吗？", "再便宜五千我就定。"),
])
def test_a_polite_reply_on_the_same_subject_is_not(reply, context):
    assert not is_hostile(reading(reply, context))


def test_cross_validation_can_put_its_own_model_in_place(monkeypatch):
    class Always:
        def probability(self, r):
            return 1.0

    token = trust.OVERRIDE.set(Always())
    try:
        assert trust.sounds_hostile(reading("您好，欢迎光临。"))
    finally:
        trust.OVERRIDE.reset(token)
    assert not trust.sounds_hostile(reading("您好，欢迎光临。"))


def test_the_cached_model_is_keyed_by_the_training_data_and_the_reading_cues(tmp_path, monkeypatch):
    from ssp_coach.paths import content_dir

    shutil.copytree(content_dir(), tmp_path / "content")
    monkeypatch.setenv("SSP_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("SSP_MODELS_DIR", str(tmp_path / "models"))
    trust._cached_model.cache_clear()
    try:
        first = trust.training_hash()
        trust.load_trust_model()
        assert (tmp_path / "models" / f"trust-{first}.pkl").exists()
        writer = next((tmp_path / "content" / "corpus" / "writers").glob("c*.yml"))
        writer.write_text(writer.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        second = trust.training_hash()
        assert second != first
        skills = tmp_path / "content" / "phrases" / "skills.yml"
        skills.write_text(skills.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        assert trust.training_hash() != second
    finally:
        monkeypatch.undo()
        trust._cached_model.cache_clear()


@pytest.mark.parametrize("reply, context, kinds", [
    ("今天就定下来吧，我给您最低价，错过就没了！", "我就先了解一下。", ("pressure",)),
    ("就您那点预算，还是看看二手的吧。", "我预算十万左右。", ("belittle_customer",)),
])
def test_the_kind_it_hears_is_the_likely_trust_breaker(reply, context, kinds):
    assert trust.likely_kind(reading(reply, context)) in kinds


def test_the_assessment_names_the_kind_only_when_no_structure_did():
    from ssp_coach.scoring import score_turn

    heard = score_turn(reading("哎呀您这人怎么这么磨叽。", "我再想想。"))
    assert heard["hostile"] and heard["tone_breaker"] in ("dismissive", "belittle_customer")
    named = score_turn(reading("您到底买不买？", "我再想想。"))
    assert named["hostile"] and named["anti_patterns"] and named["tone_breaker"] is None
    polite = score_turn(reading("您慢慢考虑，有问题随时找我。", "我再想想。"))
    assert not polite["hostile"] and polite["tone_breaker"] is None


def test_leave_one_writer_out_floor_of_any_trust_breaker():
    """CI gate on held-out figures: each training writer's replies judged by a model fitted without that writer.
    Measured when chosen on 18 writers: P 0.89 / R 0.71 / F1 0.79 (the reading's structures alone: P 0.97 / R 0.53);
    on 22 writers (`ssp-coach evaluate --by-writer`, anti.any): P 0.89 / R 0.76 / F1 0.82."""
    from ssp_coach.evaluate.metrics import prf
    from ssp_coach.reading.phrases import load_cues

    items = [it for it in training_items(include_corrections=False) if it.anti is not None]
    strike = load_cues().strike
    pairs = []
    for writer in sorted({it.group for it in items}):
        model = trust.train([it for it in items if it.group != writer])
        for it in (it for it in items if it.group == writer):
            r = reading(it.reply, it.context, it.stage, it.customer_type)
            found = bool(strike & set(r.anti)) or model.probability(r) >= trust.THRESHOLD
            pairs.append((found, bool(it.anti)))
    m = prf(pairs)
    assert m["support"] >= 140 and m["precision"] >= 0.85 and m["f1"] >= 0.78, m


def test_the_kind_model_copes_with_a_code_no_training_reply_has():
    labelled = [it for it in training_items(include_corrections=False) if it.anti is not None]
    without = [it for it in labelled if "belittle_competitor" not in it.anti]
    model = trust.train(without)
    assert model.kind_bias[list(WORDED_TRUST_BREAKERS).index("belittle_competitor")] == float("-inf")
    assert model.likely_kind(reading("今天就定下来吧，我给您最低价，错过就没了！", "我就先了解一下。")) == "pressure"
