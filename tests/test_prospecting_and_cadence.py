"""The prospecting calls (潜在客户开发: cold call, referral call) and the after-sales cadence (3-day, 7-day,
manager satisfaction and 3-month calls with one persona and one memory), played through the real engine:
the one reading of each turn, the scorer, the customer, the checklist."""
import pytest

from ssp_coach import coach_menu
from ssp_coach.reading import read_turn
from ssp_coach.reports.checklist import evaluate
from ssp_coach.roleplay import engine
from ssp_coach.roleplay.catalog import load_catalog, parse_choice


def begin(ctype, scenario, persona, mode="practice", seed=1):
    result = engine.start(ctype, scenario, mode, seed=seed)
    result.state.persona_id = persona
    return result


def walk(state, replies):
    """Play the replies; return the final state, each turn's result and the checklist's turn records."""
    results, records = [], []
    for text in replies:
        result = engine.play(state, text)
        records.append({"text": text, "intent": None, "assessment": result.assessment})
        results.append(result)
        state = result.state
        if result.ended:
            break
    return state, results, records


def customer(result):
    return [m for m in result.messages if m.role == "customer"]


def coach(result):
    return [m.text or "" for m in result.messages if m.role == "coach"]


def done(scenario, records, state):
    return {row["id"] for row in evaluate(scenario, records, facts_known=state.facts_revealed) if row["done"]}


# ---------------------------------------------------------------- the reading: acts of the new steps

@pytest.mark.parametrize("text, act", [
    ("今天给您打电话，主要是想把车展上的资料发给您。", "call_purpose"),
    ("冒昧打扰您两分钟。", "call_purpose"),
    ("这次联系您是想问问您对新车的感受。", "call_purpose"),
    ("是您的同事赵工介绍我联系您的。", "referrer"),
    ("刘总跟我提到过您，说您最近在看车。", "referrer"),
    ("经周老师介绍，我给您打个电话。", "referrer"),
    ("感谢您选择我们店购车。", "thank"),
    ("谢谢您上次的推荐！", "thank"),
    ("想请您为我们的服务打个分，您会打几分？", "survey"),
    ("您对这次的交车服务满意吗？", "survey"),
    ("您看周六上午还是周日下午来店里看看？", "appointment"),
])
def test_the_reading_finds_the_new_steps(text, act):
    assert act in read_turn(text).acts


@pytest.mark.parametrize("text, act", [
    ("请您给我几分钟时间，先聊聊您的需求，您看行吗？", "survey"),  # 几分钟 is not a rating
    ("您平时用车主要是做什么？", "call_purpose"),
    ("我朋友也开这款车。", "referrer"),
    ("这款车的空间很大。", "thank"),
])
def test_the_new_acts_are_not_read_into_other_turns(text, act):
    assert act not in read_turn(text).acts


# ---------------------------------------------------------------- prospecting: the referral call

REFERRAL_GOOD = [
    "郑女士您好，我是启航4S店的销售顾问小李，是您的朋友林女士介绍我联系您的，今天打电话是想简单了解一下您的想法，现在方便吗？",
    "林女士的车开了半年，一直挺满意的。您现在开的是什么车？开了多久了？",
    "您平时用车主要是做什么？",
    "刚才您提到老车最近总在修，也就是说您想要一台省心、保养费用透明的车，是吧？",
    "为了帮您把资料准备得更有针对性，方便问一下您大概打算什么时候换车吗？",
    "那您看这周六上午还是周日下午方便来店里？我提前把配置表准备好，这个号码就是我的手机。",
    "也谢谢林女士的推荐。再见！",
]


def test_referral_call_walked_well_reaches_every_stage_and_ticks_the_steps():
    start = begin("analytical", "prospect_referral", "zheng_quality")
    assert "推荐人：林女士" in start.messages[0].text  # the briefing names the referrer
    state, results, records = walk(start.state, REFERRAL_GOOD)
    # the referrer is recognised by name: the customer answers the opening line, trust rises
    first = customer(results[0])
    assert first[0].response == "referrer_recognised" and "林女士" in first[0].text
    assert results[0].state.trust > start.state.trust
    assert results[0].state.stage == "topic"
    # the open questions draw out hidden facts, answered with the persona's own words
    assert customer(results[1])[0].text.startswith("一台2014年的福克斯")
    assert {"current_car", "usage"} <= set(state.facts_revealed)
    assert customer(results[3])[0].response == "summary_accepted"
    assert customer(results[5])[0].response == "utter_customer_appointment_ok"
    assert state.stages_reached == ["opening", "topic", "listen", "farewell"]
    assert results[-1].ended and results[-1].summary["outcome"] == "prospect"
    ticked = done("prospect_referral", records, state)
    assert {"say_name", "mention_referrer", "call_purpose", "check_convenient", "open_question",
            "listen_confirm", "no_hard_sell", "appointment", "own_contact", "thank_referrer", "goodbye"} <= ticked


def test_referral_call_without_naming_the_referrer_stays_in_the_opening():
    start = begin("analytical", "prospect_referral", "zheng_quality")
    state, results, records = walk(start.state, ["喂，你好，我们店新到了一批车，要不要来看看？", "今天就定下来吧，错过这个价就没了！"])
    assert state.stage == "opening" and state.stages_reached == ["opening"]
    assert all(m.response != "referrer_recognised" for r in results for m in customer(r))
    # the hard sell on a first call: the customer refuses, and the checklist marks it
    assert customer(results[1])[0].response in ("utter_customer_pressured", "utter_customer_close_too_early")
    ticked = done("prospect_referral", records, state)
    assert not ticked & {"mention_referrer", "call_purpose", "no_hard_sell", "listen_confirm"}


# ---------------------------------------------------------------- prospecting: the cold call

def test_cold_call_walked_well_reveals_facts_and_ends_with_an_appointment():
    start = begin("dominant", "prospect_cold", "feng_contractor", mode="exam")
    assert "线索来源：上周在商场的新车展示会上留了名片" in start.messages[0].text
    state, results, records = walk(start.state, [
        "冯总您好，我是启航4S店的小李，上周商场展示会上您留了名片，今天打电话是想约您来试试新到的车，占用您一分钟，现在方便吗？",
        "您现在开的是什么车？",
        "您平时用车主要是做什么？",
        "刚才您提到车上经常坐四五个人，也就是说您要一台空间大、高速稳的车，是吧？",
        "您选车最看重的是哪几个方面？",
        "那您看周六上午还是周日下午方便来店里坐坐？",
        "好的冯总，这是我的手机号，随时找我。再见！",
    ])
    assert customer(results[0])[0].response == "purpose_heard"
    assert customer(results[1])[0].text.startswith("汉兰达")
    assert {"current_car", "usage", "priorities"} <= set(state.facts_revealed)
    assert state.stages_reached == ["opening", "topic", "listen", "farewell"]
    assert customer(results[5])[0].response == "utter_customer_appointment_ok"
    assert results[-1].ended
    ticked = done("prospect_cold", records, state)
    assert {"say_name", "lead_source", "call_purpose", "check_convenient", "open_question", "listen_confirm",
            "no_hard_sell", "appointment", "own_contact", "goodbye"} <= ticked


def test_cold_call_with_closed_questions_and_a_hard_sell_learns_little():
    start = begin("dominant", "prospect_cold", "feng_contractor")
    state, results, records = walk(start.state, [
        "喂，冯总吗？我是卖车的。",
        "您现在开的车是丰田吧？",
        "今天就定下来吧，我给您最低价，错过就没了！",
    ])
    assert state.stage == "opening"  # no purpose stated: the call never moves on
    assert state.facts_revealed == []  # a closed question gets only a partial answer
    assert customer(results[1])[0].response == "partial.current_car"
    assert customer(results[2])[0].response in ("utter_customer_pressured", "utter_customer_close_too_early")
    assert results[2].state.trust < start.state.trust
    ticked = done("prospect_cold", records, state)
    assert not ticked & {"call_purpose", "lead_source", "no_hard_sell", "open_question"}


def test_prospects_are_kept_for_prospecting_and_prospecting_uses_them():
    catalog = load_catalog()
    prospects = {p.id for p in catalog.personas.values() if p.only_in}
    assert prospects == {"zheng_quality", "feng_contractor", "han_teacher"}
    for seed in range(12):
        for ctype in ("analytical", "dominant", "social"):
            assert engine.start(ctype, "prospect_cold", "practice", seed=seed).state.persona_id in prospects
            assert engine.start(ctype, "reception", "practice", seed=seed).state.persona_id not in prospects


# ---------------------------------------------------------------- the after-sales cadence

CADENCE = [
    # the 3-day call
    "吴先生您好，我是启航4S店的小李，您提车三天了，想占用您两分钟了解一下用车情况，现在方便吗？",
    "这几天开下来，整体感觉怎么样？",
    "倒车影像偏暗我记下了，我约服务顾问帮您调一下。首保是5000公里或6个月，到时候我提前约您。",
    "那不打扰您了，再见！",
    # the 7-day call
    "照片收到就好。上次您说倒车影像晚上偏暗，服务顾问已经约好周六帮您调，您看方便吗？",
    "您朋友圈发的照片真好看，一看就是懂车的人！您身边要是有朋友在看车，欢迎介绍给我。",
    "谢谢您，再见！",
    # the manager's satisfaction call
    "吴先生您好，我是启航4S店客服部的张经理，感谢您选择我们店购车。想请您为这次购车和交车服务打个分，满分十分您会打几分？",
    "您说的问题我已经记录下来，会督促售后跟进处理。再见！",
    # the 3-month call
    "吴先生您好，我是小李。您的车快到五千公里了，我帮您预约下周六上午来做首保，您看方便吗？",
    "谢谢您上次给我介绍朋友。月底店里有车主自驾活动，欢迎您来。",
    "顺便确认一下，您的电话和地址有没有变化？我更新一下您的客户档案。",
]


def test_the_cadence_is_four_calls_with_one_persona_and_memory():
    start = begin("social", "follow_up", "wu_designer", mode="exam")
    state, results, records = walk(start.state, CADENCE)
    assert not any(r.ended for r in results)  # a goodbye hangs up one call, not the role-play
    assert state.persona_id == "wu_designer"
    assert state.stages_reached == ["greeting", "experience", "referral", "manager", "quarterly"]
    # call 1: the customer reports the small problem
    assert customer(results[1])[0].response == "fact.satisfaction"
    # hang-up 1: the coach announces the time jump; the customer picks up and brings the problem back
    texts = [m.text or "" for m in results[3].messages]
    jump = next(i for i, t in enumerate(texts) if t.startswith("七天后"))
    assert results[3].messages[jump].role == "coach"
    picked_up = results[3].messages[jump + 1]
    assert picked_up.role == "customer" and picked_up.response == "call_recalled"
    assert "倒车影像晚上偏暗" in picked_up.text
    # call 2: the referral request, answered now the customer trusts the consultant
    assert customer(results[5])[0].response == "fact.referral"
    # hang-up 2: the manager's call; the rating names what is still not right
    assert any((m.text or "").startswith("交车一周内") for m in results[6].messages)
    assert results[6].state.stage == "manager"
    rating = customer(results[7])[0]
    assert rating.response == "survey_answer" and "倒车影像晚上偏暗" in rating.text
    # hang-up 3: three months on, the customer asks about the person referred in call 2
    assert any((m.text or "").startswith("三个月后") for m in results[8].messages)
    assert [m.response for m in customer(results[8])][-1] == "call_recalled"
    assert customer(results[9])[0].response == "utter_customer_appointment_ok"
    ticked = done("follow_up", records, state)
    assert {"identify", "check_convenient", "satisfaction", "service_reminder", "photos", "follow_issue",
            "referral", "manager_identity", "thank_purchase", "survey", "record_improve", "service_invite",
            "event_invite", "thank_referral", "update_info"} <= ticked


def test_a_call_that_learned_nothing_is_not_recalled_later():
    start = begin("social", "follow_up", "wu_designer")
    state, results, _ = walk(start.state, [
        "吴先生您好，我是启航4S店的小李，您提车三天了，想问问您开得怎么样，现在方便聊两句吗？",
        "车没问题吧？",  # a closed question: the problem stays untold
        "那先不打扰您了，拜拜！",
    ])
    assert "satisfaction" not in state.facts_revealed
    assert state.stage == "referral"
    picked_up = customer(results[2])[-1]
    assert picked_up.response == "call_opening" and "倒车影像" not in picked_up.text


def test_a_referral_asked_before_the_customer_trusts_is_put_off():
    start = begin("analytical", "follow_up", "lin_accountant")
    state, results, _ = walk(start.state, [
        "林女士您好，我是启航4S店的小李，您提车三天了，想了解一下用车情况，现在方便吗？",
        "这几天开下来，整体感觉怎么样？",
        "再见！",
        "有朋友要买车就介绍给我。",
    ])
    assert state.stage == "referral"
    assert customer(results[3])[0].response == "utter_customer_referral_later"
    assert "referral" not in state.facts_revealed


def test_a_call_goal_reached_is_noted_and_the_call_ends_only_on_goodbye():
    start = begin("social", "follow_up", "wu_designer")
    state, results, _ = walk(start.state, CADENCE[:2])
    assert state.stage == "experience"  # the 3-day call's goal is met, but the 7-day call waits for the goodbye
    assert any("这通电话的目标已经完成" in t for t in coach(results[1]))


def test_exam_hint_is_refused_and_practice_hint_names_the_call_stage():
    state = begin("social", "follow_up", "wu_designer").state
    state, _, _ = walk(state, CADENCE[:4])
    hint = engine.take_hint(state)
    assert "七天回访" in hint.messages[0].text and hint.state.memory["hints"] == 1
    exam = begin("analytical", "prospect_cold", "zheng_quality", mode="exam").state
    assert engine.take_hint(exam).messages[0].text == engine.EXAM_NO_HINT


# ---------------------------------------------------------------- the coach's menu

def test_the_menu_offers_the_prospecting_calls_by_their_chinese_names():
    titles = dict(coach_menu.options("scenario"))
    assert titles["prospect_cold"] == "潜在客户开发：陌生电话"
    assert titles["prospect_referral"] == "潜在客户开发：转介绍电话"
    buttons = {b["payload"]: b["title"] for b in coach_menu.buttons("scenario")}
    assert buttons['/choose{"scenario":"prospect_referral"}'] == "潜在客户开发：转介绍电话"
    assert coach_menu.read_answer("潜在客户开发", {}, "scenario") == {"scenario": "prospect_cold"}
    assert coach_menu.read_answer("转介绍电话", {}, "scenario") == {"scenario": "prospect_referral"}
    number = [oid for oid, _ in coach_menu.options("scenario")].index("prospect_referral") + 1
    assert coach_menu.read_answer(str(number), {}, "scenario") == {"scenario": "prospect_referral"}
    assert parse_choice("售后跟踪回访") == {"scenario": "follow_up"}


def test_a_referral_asked_again_in_a_later_call_does_not_repeat_the_first_lead():
    start = begin("social", "follow_up", "wu_designer")
    state, results, _ = walk(start.state, CADENCE[:9] + ["吴先生您好，我是小李。您身边还有朋友在看车吗？欢迎介绍给我。"])
    assert state.stage == "quarterly"
    again = customer(results[-1])[0]
    assert again.response == "referral_again"
    assert state.facts_revealed.count("referral") == 1
