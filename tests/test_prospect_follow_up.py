"""A卡 record and the A卡跟踪 call it schedules: promises found, memory in the opening, the trainee's use
of it checked, a broken promise lowers trust; due / overdue / locked."""
import datetime as dt

from ssp_coach.prospect_card import follow_up, record
from ssp_coach.prospect_card.spec import load_spec
from ssp_coach.roleplay.catalog import load_catalog

TODAY = dt.date(2026, 11, 30)


def _card(next_date="2026-12-01", promises=("我明天把S5的报价发给您。",)):
    persona = load_catalog().personas["zhao_engineer"]
    summary = {"persona_id": persona.id, "persona_name": persona.name, "customer_type": "analytical",
               "scenario": "needs", "outcome": "prospect", "p_level": "P3", "trust": 45.0,
               "facts_discovered": [{"id": "budget", "label": "预算"}],
               "facts_record": [{"id": "budget", "status": "revealed"}],
               "objections_raised": [{"id": "too_expensive", "label": "价格太贵"}], "objections_handled": []}
    values = {"card_contact": "赵工", "card_tmd": "落地16万以内", "card_level": "P3",
              "card_level_reason": "还在比较", "card_next_date": next_date, "card_next_purpose": "发报价"}
    lines = ["您好，请问怎么称呼？", *promises, "您平时开车多吗"]
    return record.build(values, summary, "rp1", lines, TODAY, True, trainee="学员甲")


def test_promises_are_found_in_the_trainee_lines():
    found = record.promises(["好的。我明天把报价发给您，您看行吗？", "这款车油耗很低。"])
    assert found == ["我明天把报价发给您，您看行吗？"]
    assert record.promises(["这款车油耗很低。"]) == []


def test_card_keeps_memory_and_grade():
    card = _card()
    assert card["trainee"] == "学员甲" and card["memory"]["said"]["budget"].startswith("落地控制在16万")
    assert card["memory"]["promises"] and "报价" in card["memory"]["promises"][0]
    assert "A卡（购车意向记录表）" in record.render_text(card) and "zhao_engineer" not in record.render_text(card)
    assert record.can_offer({"scenario": "needs", "outcome": "prospect"})
    assert not record.can_offer({"scenario": "needs", "outcome": "lost"})
    assert not record.can_offer({"scenario": "negotiation", "outcome": "prospect"})


def test_follow_up_opens_with_last_times_facts_objection_and_promise():
    result = follow_up.start(_card(), "practice", "学员甲", TODAY)
    opening = [m.text for m in result.messages if m.role == "customer"][0]
    assert "16万" in opening and "价格太贵" in opening and "报价" in opening
    state = result.state
    assert state.persona_id == "zhao_engineer" and state.scenario == load_spec().follow_up["scenario"]
    assert "budget" in state.facts_revealed and state.memory["follow_up"]["of"] == "rp1"


def test_using_memory_and_keeping_the_promise_raise_trust():
    state = follow_up.start(_card(), "practice", "学员甲", TODAY).state
    before = state.trust
    state.turns = 1
    after, notes = follow_up.check_turn(state, "赵工您好，上次您说落地16万以内，S5的报价我已经发到您微信了。")
    assert after.trust > before
    assert after.memory["follow_up"]["promise_kept"] is True and "budget" in after.memory["follow_up"]["used"]
    assert any("承诺" in (m.text or "") for m in notes if m.role == "coach")


def test_a_promise_not_kept_lowers_trust_and_the_customer_says_so():
    spec = load_spec()
    state = follow_up.start(_card(), "exam", "学员甲", TODAY).state
    before = state.trust
    state.turns = spec.follow_up["check_turns"]
    after, notes = follow_up.check_turn(state, "您好，最近怎么样？")
    assert after.trust == before + spec.follow_up["trust"]["promise_broken"]
    assert after.memory["follow_up"]["promise_kept"] is False
    assert [m.role for m in notes] == ["customer"]      # exam mode: no coach notes
    assert "失望" in notes[0].text


def test_overdue_follow_up_costs_trust_and_is_said():
    on_time = follow_up.start(_card("2026-11-30"), "practice", None, TODAY).state.trust
    late = follow_up.start(_card("2026-11-27"), "practice", None, TODAY)
    assert late.state.trust < on_time
    assert "3天" in [m.text for m in late.messages if m.role == "customer"][0]


def test_due_status_follows_the_lock_rule():
    spec = load_spec()
    card = {"next_date": "2026-11-20"}
    assert follow_up.due_status(card, dt.date(2026, 11, 19))["status"] == "scheduled"
    assert follow_up.due_status(card, dt.date(2026, 11, 20))["status"] == "due"
    assert follow_up.due_status(card, dt.date(2026, 11, 22))["status"] == "overdue"
    locked = follow_up.due_status(card, dt.date(2026, 11, 20) + dt.timedelta(days=spec.lock_after_days + 1))
    assert locked["status"] == "locked" and "锁定" in locked["label"]
    assert follow_up.due_status(card, dt.date(2026, 12, 30), followed_up=True)["status"] == "done"
