"""The chat header (issue 8 part 8) from the conversation's slots: Chinese titles only, the next course
step and the trust meter in practice mode only. Over the real servers: tests/test_e2e_header.py."""
import json
import re

from ssp_coach.roleplay.catalog import load_catalog
from web.chat import MENU_ANSWER_CHARS, _menu_answer, roleplay_header

ROLEPLAY = {
    "phase": "roleplay", "mode": "practice", "customer_type": "social", "scenario": "needs",
    "persona_id": "zhou_teacher", "stage": "expectation", "trust": 57.6, "turns": 4,
    "facts_revealed": ["usage", "family", "current_car"], "roleplay_id": "9f1c2d3e", "p_level": None,
}


def internal_codes():
    catalog = load_catalog()
    codes = set(catalog.personas) | set(catalog.scenarios) | set(catalog.objections) | set(catalog.topics)
    codes |= {st.id for sc in catalog.scenarios.values() for st in sc.stages}
    return codes | {"analytical", "dominant", "social", "practice", "exam", "deal", "prospect", "lost"}


def shown_text(header: dict) -> str:
    """Every value the page may display (keys and the phase switch are not shown)."""
    return json.dumps([v for k, v in header.items() if k != "phase"], ensure_ascii=False)


def assert_no_internal_ids(header: dict) -> None:
    text = shown_text(header)
    words = set(re.findall(r"[a-z_]+", text.replace("true", "").replace("false", "")))
    assert not words & internal_codes(), (words & internal_codes(), text)
    assert "9f1c2d3e" not in text


def test_practice_header_names_customer_stage_next_step_turns_and_trust():
    h = roleplay_header(ROLEPLAY)
    assert (h["customer"], h["customer_type"], h["scenario"]) == ("周老师", "社交型", "需求分析")
    assert (h["stage"], h["stage_no"], h["stages"]) == ("难点与期望问题", 2, 3)
    assert h["turns"] == 4 and h["trust"] == 58 and h["practice"] is True and h["mode"] == "练习"
    stage = load_catalog().scenarios["needs"].stage("expectation")
    assert h["steps"] == stage.steps and h["next"]
    assert_no_internal_ids(h)


def test_next_step_follows_an_open_objection_and_missing_facts():
    h = roleplay_header(dict(ROLEPLAY, scenario="negotiation", stage="objection", pending_objection="too_expensive",
                             objection_steps=[1]))
    assert h["next"].startswith("处理异议「") and "第2步" in h["next"], h["next"]
    h = roleplay_header(dict(ROLEPLAY, stage="background", facts_revealed=[]))
    assert h["next"].startswith("用开放式问题了解客户的"), h["next"]
    assert_no_internal_ids(h)


def test_exam_mode_hides_trust_and_the_next_step():
    h = roleplay_header(dict(ROLEPLAY, mode="exam"))
    assert "trust" not in h and "next" not in h and "steps" not in h
    assert h["practice"] is False and h["mode"] == "考核" and h["stage"] == "难点与期望问题"
    ended = roleplay_header(dict(ROLEPLAY, mode="exam", phase="ended", outcome="prospect"))
    assert "trust" not in ended and ended["outcome"] == "有望客户"


def test_ended_and_setup_phases():
    ended = roleplay_header(dict(ROLEPLAY, phase="ended", outcome="deal"))
    assert ended["phase"] == "ended" and ended["outcome"] == "成交" and "next" not in ended
    assert_no_internal_ids(ended)
    assert roleplay_header({"phase": "setup", "persona_id": "zhou_teacher"}) == {"phase": "setup"}
    assert roleplay_header({}) == {"phase": "setup"}


def test_unknown_or_broken_slots_never_show_codes():
    h = roleplay_header({"phase": "roleplay", "mode": "practice", "persona_id": "nobody", "scenario": "nowhere",
                         "customer_type": "martian", "stage": "x", "trust": "high", "turns": "many"})
    assert h["customer"] == "客户" and h["customer_type"] == "" and h["scenario"] == ""
    assert h["turns"] == 0 and h["trust"] is None and "stage" not in h
    assert "nobody" not in shown_text(h) and "martian" not in shown_text(h)
    assert roleplay_header(dict(ROLEPLAY, trust=140))["trust"] == 100


def test_only_a_short_menu_choice_is_passed_on_after_the_end():
    assert _menu_answer("社交型") and _menu_answer("议价")
    assert not _menu_answer("您好，欢迎光临！")
    assert len("我给您介绍一下这款车的配置吧") > MENU_ANSWER_CHARS
