"""The course checklist: content loads and covers every scenario, items are detected, bad YAML is named."""
import pytest

from ssp_coach.content import ContentError, load_yaml
from ssp_coach.reports.checklist import evaluate, load_checklists


def turn(text, intent=None, **assessment):
    return {"text": text, "intent": intent, "assessment": assessment}


def done(items):
    return {i["id"] for i in items if i["done"]}


def test_every_scenario_has_a_checklist():
    scenarios = {s["id"] for s in load_yaml("scenarios.yml")["scenarios"]}
    checklists = load_checklists()
    assert scenarios <= set(checklists)
    for scenario in scenarios:
        assert len(checklists[scenario]) >= 5, scenario
        assert all(item.example for item in checklists[scenario])


def test_reception_items_by_keyword_regex_and_technique():
    items = evaluate("reception", [
        turn("您好，欢迎光临！我是销售顾问小李，请问您怎么称呼？"),
        turn("王先生，请您给我十分钟时间，先聊聊您的需求，然后我有针对性地给您介绍。", techniques=["commit"]),
    ])
    assert {"greeting", "self_intro", "ask_name", "overview_next", "overview_benefit", "overview_time",
            "overview_consent"} <= done(items)
    assert "small_talk" not in done(items)
    missed = next(i for i in items if i["id"] == "small_talk")
    assert missed["example"] and missed["label"]


def test_traditional_text_is_matched():
    items = evaluate("reception", [turn("您好，歡迎光臨！我是銷售顧問小李，請問您怎麼稱呼？")])
    assert {"greeting", "self_intro", "ask_name"} <= done(items)


def test_assessment_conditions_and_intents():
    items = evaluate("needs", [
        turn("那您平时怎么用车呢", intent="ask_question", question={"kind": "open", "probe": None, "tmd": []}),
        turn("嗯", question={"kind": "closed", "probe": "summarise", "tmd": ["money", "decision"]}),
    ])
    assert {"open_question", "closed_confirm", "summarise", "tmd_money", "tmd_decision"} <= done(items)
    assert "tmd_time" not in done(items)


def test_an_open_question_is_what_the_reading_says_not_the_nlu_intent():
    assert "open_question" not in done(evaluate("needs", [turn("那您看呢", intent="ask_open")]))


def test_reception_items_from_a_real_assessment():
    from ssp_coach.scoring import score_reply

    text = "您好，欢迎光临！我是销售顾问小李，请问您怎么称呼？您今天主要想看哪款车？"
    items = evaluate("reception", [turn(text, "greet", **score_reply(text, stage="reception"))])
    assert {"greeting", "self_intro", "ask_name"} <= done(items)


def test_fbi_complete_needs_all_three_parts():
    half = evaluate("presentation", [turn("这台车轴距很长", fbi={"feature": True, "benefit": True, "impact": False})])
    full = evaluate("presentation", [turn("……", fbi={"feature": True, "benefit": True, "impact": True})])
    assert "fbi_complete" not in done(half)
    assert "fbi_complete" in done(full)


def test_never_items_fail_on_anti_pattern_or_forbidden_words():
    clean = evaluate("test_drive", [turn("您开得真稳！这段加速是不是挺轻快的？")])
    flagged = evaluate("test_drive", [turn("这车不错", anti_patterns=["noisy_engine"])])
    worded = evaluate("test_drive", [turn("发动机有点吵，正常的")])
    assert "no_noisy_engine" in done(clean)
    assert "no_noisy_engine" not in done(flagged)
    assert "no_noisy_engine" not in done(worded)
    assert "no_noisy_engine" not in done(evaluate("test_drive", []))  # nothing said: nothing earned


def test_full_visit_includes_items_of_the_stages():
    ids = [i.id for i in load_checklists()["full_visit"]]
    assert {"greeting", "tmd_money", "fbi_complete", "close_technique"} <= set(ids)


def test_unknown_scenario_and_odd_turns_are_tolerated():
    assert evaluate("no_such_scenario", [turn("您好")]) == []
    items = evaluate("reception", [{"text": None, "intent": None, "assessment": None}, "junk"])
    assert not done(items)


def _write(tmp_path, text):
    (tmp_path / "checklists.yml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("body, expected", [
    ("scenarios:\n  reception:\n    - id: greeting\n      label: 问候\n      when: [{keywords: [您好]}]\n",
     "scenarios.reception[0](greeting): missing required field 'example'"),
    ("scenarios:\n  reception:\n    - id: greeting\n      label: 问候\n      example: 您好\n"
     "      when: [{technique: flatter}]\n",
     "scenarios.reception[0](greeting).when[0].technique: 'flatter' is not one of"),
    ("scenarios:\n  reception:\n    - id: greeting\n      label: 问候\n      example: 您好\n"
     "      when: [{colour: red}]\n",
     "when[0].colour: unknown condition 'colour'"),
    ("scenarios:\n  reception:\n    - id: greeting\n      label: 问候\n      example: 您好\n"
     "      when: [{regex: ['(unclosed']}]\n",
     "when[0].regex: invalid regular expression"),
    ("scenarios:\n  reception:\n    - id: greeting\n      label: 问候\n      example: 您好\n",
     "give exactly one of 'when'"),
    ("scenarios:\n  full_visit:\n    - include: reception.greeting\n",
     "scenarios.full_visit[0].include: 'reception.greeting' is not an item"),
    ("scenarios:\n  reception: [\n", "invalid YAML"),
])
def test_broken_checklist_yaml_gives_clear_errors(tmp_path, body, expected):
    base = _write(tmp_path, body)
    with pytest.raises(ContentError) as error:
        evaluate("reception", [], base=base)
    assert "checklists.yml" in str(error.value)
    assert expected in str(error.value)
