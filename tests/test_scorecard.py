"""The end-of-session scorecard: sections, overall score, improvements and the chat text."""
import json
import shutil

import pytest

from ssp_coach.content import ContentError
from ssp_coach.paths import content_dir
from ssp_coach.reports.checklist import load_checklists
from ssp_coach.reports.scorecard import build, load_config, render_text


def assessment(techniques=(), quality=1.0, score=70, fbi=None, question=None, anti=()):
    return {
        "techniques": list(techniques),
        "patterns": {t: {"parts_present": [], "parts_missing": [], "quality": quality} for t in techniques},
        "fbi": {"feature": False, "benefit": False, "impact": False, "order_ok": False, "feature_dump": False,
                **(fbi or {})},
        "question": {"kind": None, "probe": None, "tmd": [], **(question or {})},
        "objection": {"steps": [], "technique": None},
        "closing": {"technique": None},
        "anti_patterns": list(anti),
        "score": score,
    }


def turn(text, intent=None, **kwargs):
    return {"text": text, "intent": intent, "assessment": assessment(**kwargs)}


RECEPTION_SUMMARY = {
    "outcome": "prospect", "outcome_label": "意向客户", "p_level": "P2", "turns": 4,
    "stages_reached": [{"id": "greeting"}, {"id": "comfort"}, {"id": "first_needs"}],
    "facts_discovered": [{"id": "usage", "label": "用车用途"}, {"id": "current_car", "label": "现在开的车"}],
    "facts_missed": [{"id": "preferences", "label": "偏好"}],
    "objections_raised": [], "objections_handled": [],
}

GOOD_RECEPTION = [
    turn("您好，欢迎光临启航4S店！我是销售顾问小李，这是我的名片，请问您怎么称呼？", "greet",
         techniques=["guide"], score=80),
    turn("王先生，您真有眼光，这款车是我们店最受欢迎的。今天外面挺热的，您先请坐喝杯茶。", "small_talk",
         techniques=["praise"], score=78),
    turn("请您给我十分钟时间，先聊聊您对车的需求，然后我有针对性地给您介绍最合适的车，您看行吗？", "overview",
         techniques=["commit"], score=85),
    turn("您今天主要想了解哪款车？平时用车主要是做什么？", "ask_open",
         techniques=["guide"], score=80, question={"kind": "open"}),
]

POOR_RECEPTION = [
    turn("看车啊？", None, score=20),
    turn("这款二十万，要不要？今天不买就没了。", "quote_price", score=5, anti=["pressure", "bare_price"]),
]


def _done(card):
    return {i["id"] for i in card["checklist"] if i["done"]}


def test_good_reception_scores_high_and_ticks_the_reception_items():
    card = build(RECEPTION_SUMMARY, GOOD_RECEPTION, "reception", "social")
    assert {"greeting", "self_intro", "ask_name", "small_talk", "overview_next", "overview_benefit",
            "overview_time", "overview_consent", "first_needs"} <= _done(card)
    assert card["overall"] >= 75
    assert card["patterns"]["guide"] == {"label": "引导", "uses": 2, "share": 0.5, "quality": 1.0, "score": 100}
    assert card["patterns"]["narrate"]["score"] == 0
    assert card["outcome"] == "prospect" and card["p_level"] == "P2"
    json.dumps(card, ensure_ascii=False)  # JSON-serialisable for the summary slot


def test_poor_reception_scores_low_and_improvements_name_the_missed_items():
    summary = {k: v for k, v in RECEPTION_SUMMARY.items() if k != "outcome_label"}
    card = build(dict(summary, outcome="lost", p_level=None), POOR_RECEPTION, "reception", "dominant")
    assert not {"greeting", "self_intro", "overview_consent"} & _done(card)
    assert card["overall"] < 30
    assert len(card["improvements"]) == 3
    explanations = " ".join(i["explanation"] for i in card["improvements"])
    assert "施压逼单" in explanations  # the worst habit is named first
    assert card["improvements"][0]["kind"] == "strike"  # pressure costs a strike with the customer
    assert "热情问候" in explanations
    assert all(i["example"] for i in card["improvements"])
    assert card["anti_patterns"]["pressure"] == {"label": "施压逼单", "count": 1}
    assert card["outcome"] == "lost" and card["outcome_label"] == "客户流失"  # label from scorecard.yml


def test_overall_is_explained_by_weighted_components():
    card = build(RECEPTION_SUMMARY, GOOD_RECEPTION, "reception", "social")
    parts = card["overall_breakdown"]
    ids = {c["id"] for c in parts["components"]}
    assert {"reply_quality", "patterns", "checklist", "needs"} <= ids
    assert "objections" not in ids and "fbi" not in ids  # nothing to measure in this reception
    assert abs(sum(c["weight"] for c in parts["components"]) - 1) < 0.02
    # overall = conduct + craft: craft is the share of 100 − conduct_points the weighted components earn
    mean = sum(c["weight"] * c["score"] for c in parts["components"])
    assert abs(parts["craft"] - (100 - 30) * mean / 100) <= 2
    assert parts["conduct"] == 30 - parts["penalty"]
    assert abs(parts["conduct"] + parts["craft"] - card["overall"]) <= 1


def test_anti_patterns_lower_the_overall():
    clean = build(RECEPTION_SUMMARY, GOOD_RECEPTION, "reception", "social")
    spoiled_turns = GOOD_RECEPTION[:-1] + [turn(GOOD_RECEPTION[-1]["text"], "ask_open", techniques=["guide"],
                                                score=80, question={"kind": "open"}, anti=["lecture"])]
    spoiled = build(RECEPTION_SUMMARY, spoiled_turns, "reception", "social")
    assert spoiled["overall_breakdown"]["penalty"] > 0
    assert spoiled["overall"] < clean["overall"]


def test_fbi_needs_and_objections_sections():
    summary = {
        "outcome": "deal", "p_level": "P0",
        "facts_discovered": ["budget"],
        "facts_missed": [{"id": "timeframe", "label": "购车时间"}, {"id": "decision_maker", "label": "决策人"}],
        "objections_raised": [{"id": "too_expensive", "label": "太贵了"}, {"id": "bargain", "label": "想讨价还价"}],
        "objections_handled": [{"id": "too_expensive", "label": "太贵了"}],
    }
    turns = [
        turn("轴距2710毫米，后排很宽敞，全家出游都舒服。", "present_product",
             fbi={"feature": True, "benefit": True, "impact": True}),
        turn("这台车有全景天窗。", "present_product", fbi={"feature": True}),
        turn("您预算大概多少？", "ask_open", question={"kind": "open", "tmd": ["money"]}),
    ]
    card = build(summary, turns, "full_visit", "analytical")
    assert card["fbi"] == {"attempted": 2, "complete": 1, "completeness": 50, "feature_dumps": 0}
    assert [f["id"] for f in card["needs"]["discovered"]] == ["budget"]
    assert card["needs"]["tmd"]["money"] == {"label": "预算", "asked": True, "discovered": True, "relevant": True}
    assert card["needs"]["tmd"]["time"]["discovered"] is False
    assert card["objections"]["rate"] == 50
    assert [o["id"] for o in card["objections"]["unhandled"]] == ["bargain"]
    kinds = [i["kind"] for i in card["improvements"]]
    assert "objection" in kinds
    text = render_text(card)
    assert "FBI：介绍 2 次，完整 1 次（50%）" in text
    assert "异议：处理 1/2" in text
    # one record per fact: the budget was asked and told, the time never asked; no separate TMD line
    assert "客户信息：budget✔；购车时间✘ 遗漏；决策人✘ 遗漏" in text
    assert not any(line.startswith("TMD：") for line in text.splitlines())


def test_zero_turns_and_missing_summary_keys():
    card = build({}, [], "reception", "social")
    assert card["overall"] == 0 and card["turns"] == 0
    assert not _done(card)
    assert all(p["score"] == 0 and p["share"] == 0 for p in card["patterns"].values())
    assert len(card["improvements"]) == 3
    text = render_text(card)
    assert text.startswith("总分 0/100")
    json.dumps(card)


def test_turns_without_assessment_fields_are_tolerated():
    card = build({"outcome": "prospect"}, [{"text": "您好，欢迎光临", "intent": "greet", "assessment": {}},
                                           {"text": "嗯", "intent": None, "assessment": None}],
                 "unknown_scenario", "social")
    assert card["checklist"] == [] and card["turns"] == 2
    assert 0 <= card["overall"] <= 100


def test_render_text_is_short_chinese_lines():
    card = build(dict(RECEPTION_SUMMARY), POOR_RECEPTION, "reception", "dominant")
    lines = render_text(card).splitlines()
    assert lines[0].startswith("总分 ")
    assert lines[1] == "话术：认同0 · 赞美0 · 引导0 · 叙述0 · 反问0 · 承诺0"
    n = len(load_checklists()["reception"])  # the course's reception items (content/checklists.yml)
    assert any(line.startswith(f"检查项 0/{n}，未做到：热情问候") and f"等{n}项" in line for line in lines)
    assert "改进建议：" in lines
    assert all(len(line) <= 120 for line in lines)


def test_broken_scorecard_yaml_is_named(tmp_path):
    shutil.copy(content_dir() / "checklists.yml", tmp_path / "checklists.yml")
    text = (content_dir() / "scorecard.yml").read_text(encoding="utf-8")
    (tmp_path / "scorecard.yml").write_text(text.replace("  patterns: 25 ", "  patterns: lots "), encoding="utf-8")
    with pytest.raises(ContentError, match=r"scorecard.yml: weights.patterns: expected float, got str"):
        build({}, [], "reception", "social", base=tmp_path)


def test_focus_patterns_must_be_known_codes(tmp_path):
    text = (content_dir() / "scorecard.yml").read_text(encoding="utf-8")
    (tmp_path / "scorecard.yml").write_text(text.replace("reception: [praise, guide, commit]",
                                                         "reception: [praise, shout]"), encoding="utf-8")
    with pytest.raises(ContentError, match="focus_patterns.reception"):
        load_config(tmp_path)


def test_scorecard_from_real_scored_replies_of_a_scripted_reception():
    from ssp_coach.scoring import score_reply

    script = [
        ("您好，欢迎光临启航4S店！我是销售顾问小李，这是我的名片，请问您怎么称呼？", "greet", "greeting"),
        ("王先生，您真有眼光，这款车是我们店卖得最好的。今天外面挺热的，您先请坐喝杯茶。", "small_talk", "comfort"),
        ("王先生，请您给我十分钟时间，先聊聊您对车的需求，然后我再有针对性地给您介绍，您看行吗？", "overview", "comfort"),
        ("您今天主要想了解哪款车？平时用车主要是做什么？", "ask_open", "first_needs"),
    ]
    good = [{"text": t, "intent": i, "assessment": score_reply(t, stage=s, customer_type="social")}
            for t, i, s in script]
    poor = [{"text": t, "intent": None, "assessment": score_reply(t, customer_type="social")}
            for t in ("看车啊？", "这车二十万，要就赶紧定，不买拉倒。")]
    good_card = build(RECEPTION_SUMMARY, good, "reception", "social")
    poor_card = build(RECEPTION_SUMMARY, poor, "reception", "social")
    assert {"greeting", "self_intro", "ask_name", "overview_consent"} <= _done(good_card)
    assert good_card["patterns"]["commit"]["uses"] >= 1
    assert good_card["overall"] > poor_card["overall"] + 25
    assert "热情问候" in " ".join(i["explanation"] for i in poor_card["improvements"])
    assert "question" not in [i["kind"] for i in good_card["improvements"]]  # open questions were asked
    json.dumps(good_card, ensure_ascii=False)


def test_session_end_gets_card_text_and_radar_from_this_api():
    from ssp_coach.reports.session_end import complete_summary

    full, text, uri = complete_summary(RECEPTION_SUMMARY, GOOD_RECEPTION, "reception", "social")
    assert full["scorecard"]["overall"] == build(RECEPTION_SUMMARY, GOOD_RECEPTION, "reception", "social")["overall"]
    assert "赞美 100" in full["radar_svg"] and text.startswith("总分 ")
    assert uri.startswith("data:image/svg+xml;base64,")


def test_pattern_score_combines_quality_and_uses():
    turns = [turn("您说的有道理", techniques=["agree"], quality=0.5),
             turn("您看行吗", techniques=["guide"], quality=1.0)]
    patterns = build({}, turns, "reception", "social")["patterns"]
    assert patterns["agree"]["score"] == 50 and patterns["agree"]["quality"] == 0.5
    assert patterns["guide"]["score"] == 50  # guide needs two full uses for 100 (scorecard.yml)
    assert patterns["guide"]["share"] == 0.5
