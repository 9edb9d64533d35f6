"""End-to-end over the real Rasa server and action server (REST): the prospecting referral call, the cold
call, and the after-sales cadence, whose calls share one persona and its memory in the tracker store."""
import uuid

import pytest

from ssp_coach.roleplay.catalog import load_catalog

pytestmark = pytest.mark.e2e

COACH = "【教练】"


def new_sender(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}"


def texts(messages):
    return [m.get("text") or "" for m in messages]


def customer_lines(messages):
    return [t for t in texts(messages) if t and not t.startswith(COACH)]


def coach_lines(messages):
    return [t for t in texts(messages) if t.startswith(COACH)]


def start(stack, sender, customer_type, scenario, mode="practice"):
    payload = f'/start_roleplay{{"customer_type":"{customer_type}","scenario":"{scenario}","mode":"{mode}"}}'
    return stack.say(sender, payload, metadata={"trainee": "测试学员"})


def slots(stack, sender):
    return stack.tracker(sender)["slots"]


def test_referral_call_over_the_servers(stack):
    sender = new_sender("referral")
    opening = start(stack, sender, "analytical", "prospect_referral")
    assert any("潜在客户开发：转介绍电话" in t and "推荐人：林女士" in t for t in coach_lines(opening)), opening
    state = slots(stack, sender)
    assert (state["scenario"], state["persona_id"], state["stage"]) == ("prospect_referral", "zheng_quality", "opening")
    reply = stack.say(sender, "郑女士您好，我是启航4S店的销售顾问小李，是您的朋友林女士介绍我联系您的，"
                              "今天打电话是想简单了解一下您的想法，现在方便吗？")
    assert any("林女士" in t for t in customer_lines(reply)), reply  # the customer answers the line
    assert slots(stack, sender)["stage"] == "topic"
    reply = stack.say(sender, "您现在开的是什么车？开了多久了？")
    assert any("福克斯" in t for t in customer_lines(reply)), reply
    assert "current_car" in slots(stack, sender)["facts_revealed"]
    end = stack.say(sender, "/end")
    assert any(t.startswith(COACH + "成绩单") for t in coach_lines(end)), end
    checklist = slots(stack, sender)["summary"]["scorecard"]["checklist"]
    ticked = {row["id"] for row in checklist if row["done"]}
    assert {"mention_referrer", "call_purpose", "open_question"} <= ticked
    assert "appointment" not in ticked


def test_cold_call_over_the_servers(stack):
    sender = new_sender("cold")
    opening = start(stack, sender, "dominant", "prospect_cold", "exam")
    assert any("线索来源" in t for t in coach_lines(opening)), opening
    stack.say(sender, "冯总您好，我是启航4S店的小李，上周商场展示会上您留了名片，今天打电话是想约您来试试新到的车，"
                      "现在方便吗？")
    assert slots(stack, sender)["stage"] == "topic"
    reply = stack.say(sender, "您平时用车主要是做什么？")
    assert any("工地" in t for t in customer_lines(reply)), reply
    assert not coach_lines(reply)  # exam mode: no notes during the call


def test_the_after_sales_cadence_remembers_across_calls(stack):
    sender = new_sender("cadence")
    start(stack, sender, "analytical", "follow_up")
    persona = slots(stack, sender)["persona_id"]
    concern = load_catalog().concerns[persona]
    stack.say(sender, "您好，我是启航4S店的小李，您提车三天了，想占用您两分钟了解一下用车情况，现在方便吗？")
    stack.say(sender, "这几天开下来，整体感觉怎么样？")
    assert "satisfaction" in slots(stack, sender)["facts_revealed"]
    hang_up = stack.say(sender, "好的，那不打扰您了，再见！")
    jump = [t for t in coach_lines(hang_up) if t.startswith(COACH + "七天后")]
    assert jump, hang_up
    assert any(concern in t for t in customer_lines(hang_up)), (concern, hang_up)  # call 1 is remembered
    state = slots(stack, sender)
    assert state["phase"] == "roleplay" and state["stage"] == "referral" and state["persona_id"] == persona
    assert state["stages_reached"] == ["greeting", "experience", "referral"]


def test_the_menu_offers_prospecting_and_takes_its_typed_name(stack):
    sender = new_sender("menu")
    stack.say(sender, '/start{"trainee":"工号2001"}')
    scenario_menu = stack.say(sender, "社交型")
    titles = [b["title"] for m in scenario_menu for b in m.get("buttons", [])]
    assert "潜在客户开发：陌生电话" in titles and "潜在客户开发：转介绍电话" in titles, titles
    assert not any("prospect" in t for t in texts(scenario_menu) + titles)  # no internal ids shown
    stack.say(sender, "潜在客户开发")
    opening = stack.say(sender, "练习")
    assert customer_lines(opening), opening
    state = slots(stack, sender)
    assert (state["scenario"], state["persona_id"], state["phase"]) == ("prospect_cold", "han_teacher", "roleplay")
