"""score_reply / score_turn: Contract 1 shape, explainable score, feedback, one shared reading, robustness."""
import json

import pytest

from ssp_coach.reading import read_turn
from ssp_coach.scoring import engine as scoring_engine
from ssp_coach.scoring import score_reply, score_turn
from ssp_coach.scoring.fbi.detector import FbiResult
from ssp_coach.reading.turn import Missing
from ssp_coach.scoring.weights import load_scoring_config

CONTRACT_KEYS = {"techniques", "patterns", "fbi", "question", "objection", "closing", "anti_patterns", "score",
                 "evidence", "missing", "feedback"}

GOOD = "您觉得贵，我理解，花钱谁都想花在刀刃上。其实这个价里含了三年免费保养和延保，平摊到每年反而更划算，您说是不是？"
PRICE_OBJECTION = "这车也太贵了吧。"
PLAIN = "这款车的价格是十五万九千八。"


def test_result_follows_contract_one_and_is_json_serialisable():
    r = score_reply(GOOD, PRICE_OBJECTION, "negotiation", "dominant")
    assert CONTRACT_KEYS <= set(r)
    assert set(r["fbi"]) >= {"feature", "benefit", "impact", "order_ok", "feature_dump"}
    assert set(r["question"]) == {"kind", "probe", "tmd"} and set(r["objection"]) == {"steps", "technique"}
    assert 0 <= r["score"] <= 100 and isinstance(r["score"], int)
    for e in r["evidence"]:
        assert set(e) == {"label", "part", "start", "end", "text"} and GOOD[e["start"]:e["end"]] == e["text"]
    for p in r["patterns"].values():
        assert {"parts_present", "parts_missing", "quality"} <= set(p)
    json.dumps(r, ensure_ascii=False)


def test_score_reply_is_score_turn_of_the_reading():
    reading = read_turn(GOOD, PRICE_OBJECTION, "negotiation", "social")
    assert score_turn(reading) == score_reply(GOOD, PRICE_OBJECTION, "negotiation", "social")


@pytest.mark.parametrize("reply, context, stage", [
    (GOOD, PRICE_OBJECTION, "negotiation"),
    ("您说得有道理，不过今天不定明天就没了，您自己看着办。", "我再考虑一下。", "negotiation"),
    ("您平时开车主要跑哪些路？预算大概是多少？", "我想换台车。", "needs"),
    ("昨晚的球赛您看了吗？", "太贵了，隔壁店同款便宜两万。", "negotiation"),
])
def test_one_reading_is_shared_by_the_assessment(reply, context, stage):
    reading = read_turn(reply, context, stage, "social")
    a = score_turn(reading)
    assert a["question"] == {"kind": reading.question.kind, "probe": reading.question.probe,
                             "tmd": reading.question.tmd}
    assert a["objection"] == {"steps": reading.objection.steps, "technique": reading.objection.technique}
    assert a["closing"] == {"technique": reading.closing}
    assert a["anti_patterns"] == reading.anti_patterns
    assert a["reading"] == reading.summary()


def test_breakdown_explains_the_score():
    r = score_reply(GOOD, PRICE_OBJECTION, "negotiation", "social")
    total = sum(b["points"] for b in r["breakdown"])
    assert r["score"] == round(max(0, min(100, total)))
    items = {b["item"] for b in r["breakdown"]}
    assert {"base", "pattern.agree", "pattern.rhetorical", "stage_fit"} <= items


def test_complete_structures_score_higher_than_partial_and_none():
    full = score_reply(GOOD, PRICE_OBJECTION, "negotiation")["score"]
    partial = score_reply("我理解，不过这个价格包含了五年保养。", PRICE_OBJECTION, "negotiation")["score"]
    none = score_reply(PLAIN, PRICE_OBJECTION, "negotiation")["score"]
    assert full > partial > none


def test_hostile_reply_scores_below_a_neutral_one():
    neutral = score_reply("好的，这款车有白色和深灰色两种颜色。", "我再考虑一下。")["score"]
    assert score_reply("你到底买不买？", "我再考虑一下。")["score"] < neutral


def test_feedback_is_chinese_and_gives_one_stage_example():
    cfg = load_scoring_config()
    r = score_reply("这款车有白色和深灰色两种颜色。", "有哪些颜色？", "needs", "social")
    examples = [t for t in cfg.examples["needs"].values()]
    shown = [t for t in examples if t in r["feedback"]]
    assert len(shown) == 1
    # the stage's first suggested pattern (guide) is what the reply lacked, so that example is shown
    assert shown[0] == cfg.examples["needs"][cfg.stage_patterns["needs"][0]]
    assert "还可以更好" in r["feedback"]


def test_feedback_names_what_worked():
    r = score_reply(GOOD, PRICE_OBJECTION, "negotiation")
    assert "认同法" in r["feedback"] and "反问法" in r["feedback"]
    assert r["feedback"].startswith(load_scoring_config().messages["good"])


@pytest.mark.parametrize("reply, context, code", [
    ("您说得有道理，不过今天不定明天就没了，您自己看着办。", "我再考虑一下。", "pressure"),
    ("这个价格已经是最低了，不能再便宜了，你爱买不买", "能不能再便宜点？", "pressure"),
    ("您都36了，买个车还要问爸妈啊？", "我回去问问我爸妈再说。", "belittle_customer"),
    ("您说的不对，这车一点都不费油，您觉得呢？", "听说这车费油。", "contradict"),
])
def test_feedback_never_praises_a_turn_with_a_strike_level_anti_pattern(reply, context, code):
    r = score_reply(reply, context, "negotiation", "social")
    assert code in r["anti_patterns"]
    assert load_scoring_config().messages["good"] not in r["feedback"]
    assert "做得好" not in r["feedback"]


@pytest.mark.parametrize("reply", ["", "   \n\t", "😀😀👍", "Sorry, we have no discount today.", None])
def test_unusable_input_returns_a_valid_low_result(reply):
    r = score_reply(reply)
    assert CONTRACT_KEYS <= set(r) and r["score"] == 0 and r["techniques"] == []
    assert r["feedback"] and any("\u4e00" <= ch <= "\u9fff" for ch in r["feedback"])


def test_very_long_input_is_scored_and_penalised():
    long_reply = (GOOD + "这款车的发动机、变速箱、底盘、安全配置都非常出色。") * 40
    assert len(long_reply) > 2000
    r = score_reply(long_reply, PRICE_OBJECTION, "negotiation", "dominant")
    assert 0 <= r["score"] <= 100
    assert any(b["item"] == "long_reply" for b in r["breakdown"])
    for e in r["evidence"]:
        assert long_reply[e["start"]:e["end"]] == e["text"]


LECTURE = ("我给您完整介绍一下这台车。外观是家族式设计，前脸很大气。侧面腰线流畅，轮毂是18寸的。内饰用了很多软性材料，"
           "中控是12.3寸大屏。动力是1.5T加7速双离合，百公里加速9秒。安全配置有6个气囊和主动刹车。保值率在同级里也很高。")


def test_anti_patterns_weigh_more_for_the_matching_customer_type():
    dominant = score_reply(LECTURE, "介绍一下这车。", "presentation", "dominant")
    social = score_reply(LECTURE, "介绍一下这车。", "presentation", "social")
    assert "lecture" in dominant["anti_patterns"] and "lecture" not in social["anti_patterns"]
    lecture = next(b for b in dominant["breakdown"] if b["item"] == "anti.lecture")
    cfg = load_scoring_config()
    pen = cfg["penalties"]
    expected = pen.get("anti_pattern_points", {}).get("lecture", pen["anti_pattern"]) + \
        pen["by_customer_type"]["dominant"].get("lecture", 0)
    assert lecture["points"] == -expected
    assert dominant["score"] < social["score"]
    assert "简短直接" in dominant["feedback"]


def test_the_fbi_detector_is_wired_in():
    reply = ("这台SUV的后备箱有560升，后排放倒能到1500升，装东西特别宽裕。周末您带孩子去露营，帐篷、烧烤架、自行车"
             "一股脑都能塞进去，不用再为了少带哪样发愁。")
    r = score_reply(reply, "我们家周末喜欢出去玩。", "presentation", "social")
    assert r["fbi"]["feature"] and r["fbi"]["benefit"] and r["fbi"]["impact"]
    assert any(b["item"].startswith("fbi.") for b in r["breakdown"])
    assert any(e["label"].startswith("fbi") for e in r["evidence"])
    assert "FBI（配备+利益+冲击）" in r["feedback"]


def test_a_bare_price_is_flagged_not_praised():
    r = score_reply(PLAIN, "多少钱？", "needs", "social")
    assert r["anti_patterns"] == ["bare_price"] and r["techniques"] == []
    assert "做得好" not in r["feedback"]


def test_bare_praise_counts_with_low_quality_and_the_feedback_asks_for_a_factual_point():
    r = score_reply("您真专业", "我查过，这款用的是八速变速箱。", "presentation", "social")
    assert "praise" in r["techniques"] and r["patterns"]["praise"]["quality"] < 1.0
    hint = next(m for m in r["missing"] if m["label"] == "praise")
    assert hint["part"] == "praise_point" and hint["message"] in r["feedback"]


def test_feedback_mentions_a_pattern_gap_before_an_fbi_gap_outside_the_presentation(monkeypatch):
    def fake_fbi(reading):
        return FbiResult({"feature": False}, missing=[Missing("fbi", "feature", "缺少配备(F)")])

    monkeypatch.setattr(scoring_engine, "detect_fbi", fake_fbi)
    r = score_reply("那没关系，我理解，其实很多客户一开始也这样想，我们可以慢慢比较。", "", "negotiation")
    assert r["fbi"]["feature_dump"] is False  # defaults fill fields a detector leaves out
    assert "复述" in r["feedback"].split("\n")[1] and "缺少配备" not in r["feedback"]


@pytest.mark.parametrize("value, message", [
    ("{praise: high}", r"threshold_key_by_pattern\.praise.*expected a number"),
    ("{flattery: 0.1}", r"threshold_key_by_pattern"),
])
def test_a_bad_per_pattern_threshold_is_a_located_content_error(tmp_path, monkeypatch, value, message):
    import shutil

    from ssp_coach.content import ContentError
    from ssp_coach.paths import content_dir
    from ssp_coach.scoring import weights

    shutil.copytree(content_dir(), tmp_path / "content")
    path = tmp_path / "content" / "scoring.yml"
    text = path.read_text(encoding="utf-8").replace("threshold_key_by_pattern: {praise: 0.0}",
                                                    f"threshold_key_by_pattern: {value}", 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SSP_CONTENT_DIR", str(tmp_path / "content"))
    weights.load_scoring_config.cache_clear()
    try:
        with pytest.raises(ContentError, match=message):
            weights.load_scoring_config()
    finally:
        monkeypatch.undo()
        weights.load_scoring_config.cache_clear()


def test_per_pattern_threshold_overrides_the_default_only_for_its_pattern():
    from ssp_coach.scoring.weights import load_scoring_config

    cfg = load_scoring_config()
    assert cfg.threshold_key("praise") == 0.0
    assert cfg.threshold_key("guide") == cfg["threshold_key"]
