"""score_reply: Contract 1 shape, explainable score, feedback, robustness on odd input."""
import json

import pytest

from ssp_coach.scoring import score_reply
from ssp_coach.scoring import skills_adapter
from ssp_coach.scoring.analysis import Evidence
from ssp_coach.scoring.weights import load_scoring_config

CONTRACT_KEYS = {"techniques", "patterns", "fbi", "question", "objection", "closing", "anti_patterns", "score",
                 "evidence", "missing", "feedback"}

GOOD = "您觉得价格贵，我理解，买车谁都希望花得值。不过这个价格里包含了五年免费保养，算下来每年反而更省，您说是不是？"
PLAIN = "这款车的价格是十五万九千八。"


def test_result_follows_contract_one_and_is_json_serialisable():
    r = score_reply(GOOD, "你们的价格太贵了。", "negotiation", "dominant")
    assert CONTRACT_KEYS <= set(r)
    assert set(r["fbi"]) >= {"feature", "benefit", "impact", "order_ok", "feature_dump"}
    assert set(r["question"]) == {"kind", "probe", "tmd"} and set(r["objection"]) == {"steps", "technique"}
    assert 0 <= r["score"] <= 100 and isinstance(r["score"], int)
    for e in r["evidence"]:
        assert set(e) == {"label", "part", "start", "end", "text"} and GOOD[e["start"]:e["end"]] == e["text"]
    for p in r["patterns"].values():
        assert {"parts_present", "parts_missing", "quality"} <= set(p)
    json.dumps(r, ensure_ascii=False)


def test_breakdown_explains_the_score():
    r = score_reply(GOOD, "你们的价格太贵了。", "negotiation", "social")
    total = sum(b["points"] for b in r["breakdown"])
    assert r["score"] == round(max(0, min(100, total)))
    items = {b["item"] for b in r["breakdown"]}
    assert {"base", "pattern.agree", "pattern.rhetorical", "stage_fit"} <= items


def test_complete_structures_score_higher_than_partial_and_none():
    context = "你们的价格太贵了。"
    full = score_reply(GOOD, context, "negotiation")["score"]
    partial = score_reply("我理解，不过这个价格包含了五年保养。", context, "negotiation")["score"]
    none = score_reply(PLAIN, context, "negotiation")["score"]
    assert full > partial > none


def test_hostile_reply_scores_below_a_neutral_one():
    neutral = score_reply("好的，这款车有白色和深灰色两种颜色。", "我再考虑一下。")["score"]
    assert score_reply("你到底买不买？", "我再考虑一下。")["score"] < neutral


def test_feedback_is_chinese_and_gives_one_stage_example():
    cfg = load_scoring_config()
    r = score_reply(PLAIN, "多少钱？", "needs", "social")
    examples = [t for t in cfg.examples["needs"].values()]
    shown = [t for t in examples if t in r["feedback"]]
    assert len(shown) == 1
    # the stage's first suggested pattern (guide) is what the reply lacked, so that example is shown
    assert shown[0] == cfg.examples["needs"][cfg.stage_patterns["needs"][0]]
    assert "还可以更好" in r["feedback"]


def test_feedback_names_what_worked():
    r = score_reply(GOOD, "你们的价格太贵了。", "negotiation")
    assert "认同法" in r["feedback"] and "反问法" in r["feedback"]


@pytest.mark.parametrize("reply", ["", "   \n\t", "😀😀👍", "Sorry, we have no discount today.", None])
def test_unusable_input_returns_a_valid_low_result(reply):
    r = score_reply(reply)
    assert CONTRACT_KEYS <= set(r) and r["score"] == 0 and r["techniques"] == []
    assert r["feedback"] and any("\u4e00" <= ch <= "\u9fff" for ch in r["feedback"])


def test_very_long_input_is_scored_and_penalised():
    long_reply = (GOOD + "这款车的发动机、变速箱、底盘、安全配置都非常出色。") * 40
    assert len(long_reply) > 2000
    r = score_reply(long_reply, "你们的价格太贵了。", "negotiation", "dominant")
    assert 0 <= r["score"] <= 100
    assert any(b["item"] == "long_reply" for b in r["breakdown"])
    for e in r["evidence"]:
        assert long_reply[e["start"]:e["end"]] == e["text"]


class FakeResult:
    def __init__(self, data, evidence=(), missing=()):
        self.data, self.evidence, self.missing = data, list(evidence), list(missing)


def test_skill_results_are_merged_and_anti_patterns_weigh_more_for_the_matching_customer_type(monkeypatch):
    def fake_fbi(a):
        return FakeResult({"fbi": {"feature": True, "benefit": True, "impact": False, "order_ok": True}},
                          [Evidence("fbi.feature", "feature", 0, 2, a.original[0:2])])

    def fake_anti(a):
        return FakeResult({"anti_patterns": ["lecture"]})

    monkeypatch.setattr(skills_adapter, "_load_detectors", lambda: {"fbi": fake_fbi, "anti_patterns": fake_anti})
    dominant = score_reply(GOOD, "你们的价格太贵了。", "negotiation", "dominant")
    social = score_reply(GOOD, "你们的价格太贵了。", "negotiation", "social")
    assert dominant["fbi"]["feature"] and dominant["fbi"]["benefit"] and not dominant["fbi"]["impact"]
    assert dominant["fbi"]["feature_dump"] is False  # defaults fill fields a detector leaves out
    assert dominant["anti_patterns"] == ["lecture"]
    assert any(e["label"] == "fbi.feature" for e in dominant["evidence"])
    assert dominant["score"] < social["score"]
    assert "讲得太多" in dominant["feedback"]
    assert "FBI（配备+利益）" in dominant["feedback"]


def test_a_failing_skill_detector_does_not_break_the_assessment(monkeypatch):
    def broken(a):
        raise RuntimeError("boom")

    monkeypatch.setattr(skills_adapter, "_load_detectors", lambda: {"closing": broken})
    r = score_reply(GOOD, "你们的价格太贵了。")
    assert r["closing"] == {"technique": None} and "agree" in r["techniques"]


def test_bare_praise_is_not_counted_but_the_feedback_asks_for_a_factual_point():
    r = score_reply("您真有眼光", "我喜欢这个红色。", "presentation", "social")
    assert "praise" not in r["techniques"]
    hint = next(m for m in r["missing"] if m["label"] == "praise")
    assert hint["part"] == "praise_point" and hint["message"] in r["feedback"]


def test_the_real_skill_detectors_are_wired_in_when_present():
    assert skills_adapter._load_detectors(), "all five skill detectors must be importable"
    reply = ("这台SUV的后备箱有560升，后排放倒能到1500升，装东西特别宽裕。周末您带孩子去露营，帐篷、烧烤架、自行车"
             "一股脑都能塞进去，不用再为了少带哪样发愁。")
    r = score_reply(reply, "我们家周末喜欢出去玩。", "presentation", "social")
    assert r["fbi"]["feature"] and r["fbi"]["benefit"] and r["fbi"]["impact"]
    assert any(b["item"].startswith("fbi.") for b in r["breakdown"])
    assert any(e["label"].startswith("fbi") for e in r["evidence"])


def test_feedback_mentions_a_pattern_gap_before_an_fbi_gap_outside_the_presentation(monkeypatch):
    def fake_fbi(a):
        from ssp_coach.scoring.analysis import Missing
        return FakeResult({"feature": False}, missing=[Missing("fbi", "feature", "缺少配备(F)")])

    monkeypatch.setattr(skills_adapter, "_load_detectors", lambda: {"fbi": fake_fbi})
    r = score_reply("那没关系，我理解，其实很多客户一开始也这样想，我们可以慢慢比较。", "", "negotiation")
    assert "复述" in r["feedback"].split("\n")[1] and "缺少配备" not in r["feedback"]
