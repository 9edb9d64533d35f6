"""A卡: reading typed answers (dates, levels, phones, corrections, abandoning) and grading a card
against what the persona revealed."""
import datetime as dt

import pytest

from ssp_coach.prospect_card.answers import correction_target, is_abandon, read_answer
from ssp_coach.prospect_card.dates import IMPOSSIBLE, PAST, read_date
from ssp_coach.prospect_card.grading import grade_card, said_in_roleplay, topic_status
from ssp_coach.prospect_card.spec import load_spec
from ssp_coach.roleplay.catalog import load_catalog

MONDAY = dt.date(2026, 11, 30)  # a Monday


@pytest.mark.parametrize("text,expected", [
    ("明天", dt.date(2026, 12, 1)),
    ("后天", dt.date(2026, 12, 2)),
    ("下周三", dt.date(2026, 12, 9)),
    ("周三", dt.date(2026, 12, 2)),
    ("12月5日", dt.date(2026, 12, 5)),
    ("2026-12-05", dt.date(2026, 12, 5)),
    ("2027年1月3号", dt.date(2027, 1, 3)),
    ("3天后", dt.date(2026, 12, 3)),
    ("两周后", dt.date(2026, 12, 14)),
    ("11月2日", dt.date(2027, 11, 2)),  # already past this year: next year's
])
def test_dates_read_relative_to_today(text, expected):
    assert read_date(text, MONDAY) == (expected, None)


@pytest.mark.parametrize("text", ["2月30日", "2026-13-01", "2026-11-31"])
def test_impossible_dates_are_refused_in_chinese(text):
    date, error = read_date(text, MONDAY)
    assert date is None and error and error.startswith(IMPOSSIBLE.split("（")[0])


def test_past_dates_are_refused():
    assert read_date("2026-11-29", MONDAY) == (None, PAST)
    assert read_date("2025-12-05", MONDAY) == (None, PAST)


def test_unreadable_date_explains_the_forms():
    date, error = read_date("等我通知", MONDAY)
    assert date is None and "明天" in error


@pytest.mark.parametrize("text", ["P5 很想买", "P9", "高", "p-1 不买"])
def test_level_outside_p0_p4_is_refused(text):
    reading = read_answer("card_level", text, None, MONDAY)
    assert reading.values == {} and "P0" in reading.error and "P4" in reading.error


def test_level_with_reason_fills_both_fields_and_needs_a_reason():
    assert read_answer("card_level", "p2 需求清楚，一个月内", None, MONDAY).values == {
        "card_level": "P2", "card_level_reason": "需求清楚，一个月内"}
    assert "理由" in read_answer("card_level", "P2", None, MONDAY).error


def test_contact_phone_is_checked():
    assert read_answer("card_contact", "赵工 13800138000", None, MONDAY).values == {"card_contact": "赵工 13800138000"}
    assert "11 位" in read_answer("card_contact", "赵工 138001", None, MONDAY).error
    assert read_answer("card_contact", "赵工，电话未了解", None, MONDAY).error is None


@pytest.mark.parametrize("text,field", [("改一下预算", "card_tmd"), ("改 TMD", "card_tmd"),
                                        ("修改意向等级", "card_level"), ("改一下现有车辆", "card_current_car")])
def test_corrections_name_the_field(text, field):
    assert correction_target(text) == field
    assert read_answer("card_next_date", text, None, MONDAY).correct == field


def test_an_answer_that_only_contains_gai_is_not_a_correction():
    assert correction_target("客户预算大约16万，改天再谈装饰") is None


def test_abandon_words_and_end():
    assert is_abandon("不填了", None) and is_abandon("/end", "end") and not is_abandon("落地16万", None)
    assert read_answer("card_usage", "不填了", None, MONDAY).abandon


def _zhao_said(*topics):
    persona = load_catalog().personas["zhao_engineer"]
    return persona, said_in_roleplay(persona.facts, [{"id": t, "status": "revealed"} for t in topics], [])


def test_topic_status_four_ways():
    spec = load_spec()
    said = "落地控制在16万以内，我做过一张对比表"
    assert topic_status("落地16万以内", "budget", said, spec) == "correct"
    assert topic_status("预算25万", "budget", None, spec) == "invented"
    assert topic_status("未了解", "budget", None, spec) == "open"
    assert topic_status("未了解", "budget", said, spec) == "missed"
    assert topic_status("预算25万", "budget", said, spec) == "wrong"
    # taken from another answer of the customer's (the usage answer named the family): not an invention
    heard = "平时就是医院和家之间，单程二十公里。每个月带父母和孩子回一趟乡下。"
    assert topic_status("带父母和孩子回乡下", "family", None, spec, heard) == "open"
    assert topic_status("带父母和孩子回乡下", "family", None, spec) == "invented"


def test_grade_card_against_revealed_facts():
    persona, said = _zhao_said("usage", "current_car", "budget", "family")
    card = {
        "card_contact": "赵工 13800138000",
        "card_current_car": "2013年朗逸，开了十年，变速箱顿挫",
        "card_usage": "上下班单程35公里",            # usage correct, family (told) missed
        "card_rational_needs": "油耗低",             # priorities never told: invented
        "card_emotional_needs": "未了解",
        "card_tmd": "落地16万以内，时间未了解",       # budget correct; timeframe/decision open
        "card_model": "未了解",
        "card_level": "P3", "card_level_reason": "还在比较",
        "card_next_date": "2026-12-03", "card_next_purpose": "发S5配置对比表",
    }
    graded = grade_card(card, said, persona.name, "P3", 45.0, MONDAY)
    status = {(r["field"], r["topic"]): r["status"] for r in graded["fields"]}
    assert status[("card_current_car", "current_car")] == "correct"
    assert status[("card_usage", "usage")] == "correct"
    assert status[("card_usage", "family")] == "missed"
    assert status[("card_rational_needs", "priorities")] == "invented"
    assert status[("card_emotional_needs", "feelings")] == "open"
    assert status[("card_tmd", "budget")] == "correct"
    assert graded["level"]["status"] == "correct" and graded["next_contact"]["status"] == "ok"
    assert graded["contact_ok"]
    text = "".join(graded["feedback"])
    assert "理性需求" in text and "没有说过" in text and "用车情况" in text
    assert 0 < graded["score"] < 100


def test_level_against_course_rules_and_interval():
    persona, said = _zhao_said("usage")
    base = {"card_contact": "赵工", "card_next_purpose": "邀请试驾"}
    high = grade_card(dict(base, card_level="P1", card_next_date="2026-12-01"), said, persona.name, "P4", 30.0, MONDAY)
    assert high["level"]["status"] == "wrong" and "偏高" in high["level"]["feedback"]
    assert "P4" in high["level"]["feedback"] and "信任度 30" in high["level"]["feedback"]
    booked = grade_card(dict(base, card_level="P0", card_next_date="2026-12-01"), said, persona.name, "P2", 60.0, MONDAY)
    assert "不能记为 P0" in booked["level"]["feedback"]
    late = grade_card(dict(base, card_level="P2", card_next_date="2026-12-20"), said, persona.name, "P2", 60.0, MONDAY)
    assert late["next_contact"]["status"] == "late" and "7 天" in late["next_contact"]["feedback"]


def test_a_perfect_card_scores_more_than_an_invented_one():
    persona, said = _zhao_said("budget", "timeframe", "decision_maker")
    honest = {"card_contact": "赵工", "card_tmd": "两个月内年终奖到账；落地16万以内；太太一票否决",
              "card_level": "P3", "card_next_date": "2026-12-02", "card_next_purpose": "发报价"}
    invented = dict(honest, card_current_car="宝马3系", card_rational_needs="要大空间", card_emotional_needs="怕被骗")
    good = grade_card(honest, said, persona.name, "P3", 45.0, MONDAY)
    bad = grade_card(invented, said, persona.name, "P3", 45.0, MONDAY)
    assert good["score"] > bad["score"]


def test_digits_inside_years_do_not_make_a_match_and_unknown_clauses_claim_nothing():
    spec = load_spec()
    said = "2017年的轩逸，坐五个人都挤，全家出门只能开两台车。"
    assert topic_status("2013年朗逸，开了十年，变速箱顿挫", "current_car", said, spec) == "wrong"
    assert topic_status("2017年轩逸", "current_car", said, spec) == "correct"
    assert topic_status("落地16万以内，时间和决策人未了解", "timeframe", None, spec) == "open"
    assert topic_status("落地16万以内，时间和决策人未了解", "budget", None, spec) == "invented"


def test_slash_commands_are_not_answers():
    assert read_answer("card_usage", "/hint", "hint", MONDAY).command
    assert read_answer("card_usage", "/help", "help", MONDAY).values == {}
    assert read_answer("card_usage", "/end", "end", MONDAY).abandon


