"""The simulated customer's behaviour, driven by the one reading of each turn (read_turn) plus a minimal
assessment (techniques, FBI): the customer view (TurnView) reads nothing else from the assessment."""
import json

import pytest

from ssp_coach.reading import read_turn
from ssp_coach.roleplay import engine, lines
from ssp_coach.roleplay.catalog import load_catalog
from ssp_coach.roleplay.responses import fill, render
from ssp_coach.roleplay.session import SessionState
from ssp_coach.roleplay.turn_view import TurnView
from ssp_coach.scoring import score_turn

LONG_VAGUE = ("我们这款车质量特别好，各方面都很不错，性价比非常高，买了绝对不后悔，"
              "我们店卖得最好的就是它，很多客户都是冲着它来的，外观漂亮内饰豪华配置丰富，您肯定喜欢。")
NO_FBI = {"feature": False, "benefit": False, "impact": False, "order_ok": False, "feature_dump": False}


EXPECT = ("question", "objection", "anti_patterns", "closing")


def A(techniques=(), fbi=None, **extra):
    """A minimal assessment: the customer only reads techniques and FBI from it; the question, objection steps,
    anti-patterns and closing come from the reading, so when given here they are what the reading must say."""
    return {"techniques": list(techniques), "fbi": dict(NO_FBI, **(fbi or {})), **extra}


def Q(kind, tmd=(), **parts):
    return A(question={"kind": kind, "tmd": list(tmd)}, **parts)


def check_reading(reading, expected):
    """The reading agrees with what the scenario's author meant the reply to be."""
    if "question" in expected:
        assert reading.question.kind == expected["question"]["kind"], reading.original
        assert set(expected["question"].get("tmd", [])) <= set(reading.question.tmd), reading.original
    if "objection" in expected:
        assert set(expected["objection"]["steps"]) <= set(reading.objection.steps), \
            (reading.original, reading.objection.steps)
    if "anti_patterns" in expected:
        assert set(expected["anti_patterns"]) <= set(reading.anti_patterns), (reading.original, reading.anti_patterns)
    if "closing" in expected:
        assert reading.closing == expected["closing"]["technique"], (reading.original, reading.closing)


def reading_for(state, text, intent=None, context=None):
    return read_turn(text, context, engine.scoring_stage(state), state.customer_type, intent,
                     objection_pending=bool(state.pending_objection) if state.phase == "roleplay" else None)


def begin(ctype="analytical", scenario="needs", mode="practice", persona=None, seed=1):
    result = engine.start(ctype, scenario, mode, seed=seed)
    if persona:  # pin the persona so expected lines are known
        result.state.persona_id = persona
    return result.state


def turn(state, text, assessment=None, intent=None):
    """One turn: the real reading of `text`; the given assessment, or the real score of the reading."""
    reading = reading_for(state, text, intent)
    if assessment is None:
        return engine.take_turn(state, reading, score_turn(reading))
    check_reading(reading, {k: v for k, v in assessment.items() if k in EXPECT})
    return engine.take_turn(state, reading, {k: v for k, v in assessment.items() if k not in EXPECT})


def customer_texts(result, ctype):
    return [render(m, ctype, seed=0) for m in result.messages if m.role == "customer"]


def responses(result):
    return [m.response for m in result.messages if m.role == "customer"]


def coach_notes(result):
    return [m.text for m in result.messages if m.role == "coach"]


# ---------------------------------------------------------------- start

def test_start_sets_state_and_opens_without_revealing_hidden_facts():
    result = engine.start("social", "needs", "practice", trainee="学员1")
    state = result.state
    assert (state.phase, state.customer_type, state.scenario, state.mode, state.trainee) == (
        "roleplay", "social", "needs", "practice", "学员1")
    assert len(state.roleplay_id) == 32 and state.stage == "background" and state.turns == 0
    assert state.trust == load_catalog().dynamics["start_trust"]["social"]
    persona = load_catalog().personas[state.persona_id]
    assert persona.type == "social"
    briefing, opening = result.messages[0], result.messages[1]
    assert briefing.role == "coach" and "需求分析" in briefing.text and "社交型" in briefing.text
    hidden = [f.answer for f in persona.facts.values()] + persona.hidden_needs["emotional"] + [persona.tmd["budget"]]
    assert not any(h in briefing.text for h in hidden)
    assert opening.role == "customer" and opening.text
    assert engine.start("social", "needs", "practice").state.roleplay_id != state.roleplay_id


def test_start_random_type_and_persona_specific_opening():
    assert engine.start("random", "reception", "exam", seed=7).state.customer_type in ("analytical", "dominant", "social")
    openings = {engine.start("social", "reception", "practice", seed=s).messages[1].text for s in range(12)}
    assert "你好～我就是进来看看，第一次买车，什么都不懂，你别笑话我呀。" in openings  # 周老师's own line


@pytest.mark.parametrize("args", [("angry", "needs", "practice"), ("social", "moon", "practice"),
                                  ("social", "needs", "lazy")])
def test_start_rejects_unknown_ids_in_chinese(args):
    with pytest.raises(ValueError, match="未知"):
        engine.start(*args)


def test_negotiation_opens_with_an_objection():
    result = engine.start("dominant", "negotiation", "practice", seed=2)
    assert result.state.pending_objection in load_catalog().scenarios["negotiation"].objections
    assert result.state.objections_raised == [result.state.pending_objection]
    assert len([m for m in result.messages if m.role == "customer"]) == 2


# ---------------------------------------------------------------- hidden facts

def test_open_question_reveals_usage_closed_question_does_not():
    state = begin(persona="zhao_engineer")
    closed = turn(state, "您平时是上下班用车吗？", Q("closed"))
    assert "usage" not in closed.state.facts_revealed
    assert customer_texts(closed, "analytical")[0] == "嗯，上下班用。"  # the partial answer only
    opened = turn(closed.state, "您平时用车主要是做什么？", Q("open"))
    assert opened.state.facts_revealed == ["usage"]
    assert "单程35公里" in customer_texts(opened, "analytical")[0]


def trusting(state, trust=60.0):
    """The same role-play once the consultant has earned the customer's trust."""
    state.trust = trust
    return state


def test_tmd_question_reveals_budget_and_decision_maker():
    state = trusting(begin(persona="zhao_engineer"))
    budget = turn(state, "为了帮您选合适的配置，您心里的预算大概是什么范围？", Q("open", tmd=["money"]))
    assert "budget" in budget.state.facts_revealed and "16万" in customer_texts(budget, "analytical")[0]
    decision = turn(budget.state, "买车这件事，家里还有谁会一起商量？", Q("open", tmd=["decision"]))
    assert "decision_maker" in decision.state.facts_revealed


def test_a_blunt_money_question_before_trust_is_evaded_and_the_coach_says_why():
    state = begin(persona="zhao_engineer")
    blunt = turn(state, "您预算多少？", Q("open", tmd=["money"]))
    assert "budget" not in blunt.state.facts_revealed
    assert customer_texts(blunt, "analytical")[0] in lines.situation("tmd_evasion", "analytical")
    assert "还没信任你" in blunt.messages[-1].text
    with_rapport = turn(state, "您说得对，买车要算清楚账。您心里的预算大概是什么范围？", A(techniques=["agree"]))
    assert "budget" in with_rapport.state.facts_revealed


def test_a_good_open_question_without_a_topic_word_still_draws_a_fact():
    state = begin(persona="zhao_engineer")
    result = turn(state, "这次换车，最想让它帮您解决什么问题？", A())
    assert result.state.facts_revealed and result.state.facts_revealed[0] not in engine.TMD_TOPICS


def test_a_summary_with_a_connecting_question_is_confirmed():
    state = begin(persona="zhao_engineer")
    result = turn(state, "刚才您提到每天通勤，也很在意油耗，也就是说您要的是一台省油又安全的车，是吧？", A())
    assert customer_texts(result, "analytical")[0] in lines.situation("summary_accepted", "analytical")


def test_no_customer_line_is_repeated_while_another_is_left():
    state = begin("dominant", "presentation", persona="liu_boss")
    said = []
    for _ in range(4):
        result = turn(state, "我们这款车的内饰用的是真皮座椅。", A())
        said += customer_texts(result, "dominant")
        state = result.state
    first_pool = set(lines.situation("claim_irrelevant", "dominant"))
    used = [t for t in said if t in first_pool]
    assert len(used) >= 2 and len(set(used[:len(first_pool)])) == min(len(used), len(first_pool))


def test_the_customer_warns_once_before_walking_out():
    state = begin("dominant", "presentation", persona="liu_boss")
    insult = ("你懂什么，爱买不买。", A(anti_patterns=["pressure"]))
    results = []
    for _ in range(6):
        result = turn(state, *insult)
        results.append(result)
        if result.ended:
            break
        state = result.state
    warned = [r for r in results if any(t in lines.situation("walk_warning", "dominant")
                                        for t in customer_texts(r, "dominant"))]
    assert warned and results[-1].ended and results.index(warned[0]) < len(results) - 1


def test_question_topic_from_text_even_when_scorer_misses_the_question():
    state = begin(persona="zhao_engineer")
    result = turn(state, "您现在开的是什么车？开了多久了？", A())
    assert "current_car" in result.state.facts_revealed


def test_leading_question_gets_yes_no_and_repeat_gets_already_said():
    state = trusting(begin(persona="lin_accountant"), 75.0)
    leading = turn(state, "您肯定预算很充足吧？", Q("closed", tmd=["money"]))
    assert leading.state.facts_revealed == [] and customer_texts(leading, "analytical") == ["二十多万吧。"]
    first = turn(leading.state, "您的预算大概是多少？", Q("open", tmd=["money"]))
    again = turn(first.state, "您预算是多少来着？", Q("open", tmd=["money"]))
    assert "utter_customer_already_said" in responses(again)


def test_feelings_stay_hidden_until_trust_is_built():
    state = begin(persona="zhao_engineer")
    state.trust = 40
    guarded = turn(state, "这次换车，您心里最担心的是什么？", Q("open"))
    assert "feelings" not in guarded.state.facts_revealed and responses(guarded) == ["utter_customer_guarded"]
    state.trust = 70
    told = turn(state, "这次换车，您心里最担心的是什么？", Q("open"))
    assert "feelings" in told.state.facts_revealed


# ---------------------------------------------------------------- type-dependent reactions

def test_same_reply_draws_different_reactions_by_type():
    reactions = {}
    for ctype in ("analytical", "dominant", "social"):
        # a data-free claim is an anti-pattern only for the analytical customer (the reading knows the type)
        expected = A(anti_patterns=["vague_claim"]) if ctype == "analytical" else A()
        result = turn(begin(ctype, "presentation"), LONG_VAGUE, expected)
        reactions[ctype] = " ".join(customer_texts(result, ctype))
    assert len(set(reactions.values())) == 3, reactions


def test_dominant_cuts_a_long_speech_others_do_not():
    speech = "这款车的发动机是一点五升涡轮增压，搭配七速双离合变速箱，底盘是前麦弗逊后多连杆独立悬架，车身用了大量高强度钢，" * 2
    dominant = turn(begin("dominant", "presentation"), speech)
    assert responses(dominant)[0] == "utter_customer_long_speech"
    assert any(w in customer_texts(dominant, "dominant")[0] for w in ("停停停", "不用听这么多"))
    assert dominant.state.trust < begin("dominant", "presentation").trust
    social = turn(begin("social", "presentation"), speech)
    assert "utter_customer_long_speech" not in responses(social)


def test_analytical_challenges_a_vague_claim():
    result = turn(begin("analytical", "presentation"), "这车质量特别好，性价比很高。", A(anti_patterns=["vague_claim"]))
    assert responses(result)[0] == "utter_customer_vague_claim"
    assert any(w in customer_texts(result, "analytical")[0] for w in ("数据", "第三方"))
    assert result.state.trust < begin("analytical", "presentation").trust


def test_social_warms_to_praise_more_than_analytical():
    praise = A(techniques=["praise"])
    text = "您真有眼光，这个颜色是我们店最受欢迎的。"
    rises = {}
    for ctype in ("analytical", "social"):
        state = begin(ctype, "presentation")
        result = turn(state, text, praise)
        assert responses(result)[0] == "utter_customer_praised"
        rises[ctype] = result.state.trust - state.trust
    assert rises["social"] > rises["analytical"]
    social_line = customer_texts(turn(begin("social", "presentation"), text, praise), "social")[0]
    assert any(w in social_line for w in ("真会说话", "印象越来越好"))


def test_bare_price_reaction_carries_its_placeholders():
    result = turn(begin("dominant", "presentation", persona="liu_boss"), "27.98万。", A(anti_patterns=["bare_price"]),
                  intent="quote_price")
    message = next(m for m in result.messages if m.response == "utter_customer_bare_price")
    variables = engine._variables(load_catalog(), load_catalog().personas["liu_boss"])
    assert variables["price"] == "27.98" and variables["model"] == "启航M8"
    assert message.text in {fill(v, variables) for v in lines.pool("utter_customer_bare_price", "presentation", "dominant")}


# ---------------------------------------------------------------- objections

STEP_1 = ("您说的很有道理，买车确实要精打细算。", A(techniques=["agree"], objection={"steps": [1], "technique": None}))
STEP_2 = ("我想请教一下，您觉得贵，主要是跟哪款车在比？", Q("open", objection={"steps": [2], "technique": None}))
STEP_3 = ("五年质保加上每年省下的油钱，其实每月只多花一百多，我们还有免息分期。",
          A(objection={"steps": [3], "technique": "transfer"}))
STEP_4 = ("这样算下来，您看是不是更划算？", A(techniques=["rhetorical"], objection={"steps": [4], "technique": None}))
ARGUE = ("您说的不对，我们的车根本不贵，别家的车都是垃圾！",
         A(anti_patterns=["contradict", "belittle_competitor"], objection={"steps": [], "technique": "deny"}))


def negotiation(ctype="analytical", seed=3):
    return engine.start(ctype, "negotiation", "practice", seed=seed).state


def test_well_handled_objection_moves_on():
    state = negotiation()
    pending = state.pending_objection
    for text, assessment in (STEP_1, STEP_2, STEP_3):
        result = turn(state, text, assessment, intent="handle_objection")
        state = result.state
        assert state.pending_objection == pending  # one good sentence does not settle it
    result = turn(state, *STEP_4, intent="handle_objection")
    assert result.state.pending_objection is None
    assert result.state.objections_handled == [pending]
    assert "utter_customer_objection_resolved" in responses(result)
    assert result.state.stage == "close"
    assert result.state.trust > negotiation().trust


def test_solution_without_acknowledging_feelings_only_partly_works():
    result = turn(negotiation(), *STEP_3)
    assert result.state.pending_objection and responses(result)[0] == "utter_customer_objection_partial"
    nice = turn(negotiation(), *STEP_1)
    assert nice.state.pending_objection and responses(nice)[0] == "utter_customer_objection_acknowledged"


def test_arguing_hardens_the_customer_and_they_walk_away_lost():
    state = negotiation("social")
    objection = load_catalog().objections[state.pending_objection]
    first = turn(state, *ARGUE)
    assert not first.ended and first.state.strikes == 1 and first.state.trust < state.trust
    assert customer_texts(first, "social")[0] in objection.escalated["social"]
    result, turns = first, 1
    while not result.ended and turns < 10:
        result = turn(result.state, *ARGUE)
        turns += 1
    assert result.ended and result.state.outcome == "lost" and result.summary["outcome"] == "lost"
    assert result.state.phase == "ended"
    assert "utter_customer_walking_away" in responses(result)


def test_ignoring_an_objection_eventually_loses_the_customer():
    result = engine.TurnResult(negotiation("dominant"), [])
    kinds = []
    for _ in range(15):
        result = turn(result.state, "我们这款车的内饰用的是真皮座椅。", A())
        kinds.append(set(responses(result)))
        if result.ended:
            break
    # The customer answers the claim, but keeps coming back to the objection (it never vanishes)...
    assert all(any({"not_answered", "objection_restated"} & k for k in kinds[i:i + 3]) for i in range(len(kinds) - 3))
    # ... warns once, and leaves.
    assert any("walk_warning" in k for k in kinds)
    assert result.ended and result.state.outcome == "lost"


def test_closing_with_objections_left_raises_one_instead_of_a_deal():
    state = negotiation()
    for text, assessment in (STEP_1, STEP_2, STEP_3, STEP_4):
        state = turn(state, text, assessment).state
    raised_before = len(state.objections_raised)
    state.trust = 95
    close = turn(state, "那我们就定下来，您选白色还是灰色？", A(closing={"technique": "alternative"}), intent="attempt_close")
    assert not close.ended and len(close.state.objections_raised) == raised_before + 1


def test_closing_too_early_is_refused():
    state = begin("dominant", "presentation")
    # an either-or question before the late stages is not a closing technique, but it is still a close act
    reading = reading_for(state, "今天就把订金交了吧，您是刷卡还是转账？", "attempt_close")
    assert reading.closing is None and "close" in reading.acts
    result = turn(state, "今天就把订金交了吧，您是刷卡还是转账？", A(closing={"technique": None}), intent="attempt_close")
    assert not result.ended and "utter_customer_close_too_early" in responses(result)


# ---------------------------------------------------------------- full visit

def test_full_visit_advances_through_its_stages_to_a_deal():
    state = engine.start("social", "full_visit", "exam", seed=4).state
    state.persona_id = "zhou_teacher"
    script = [
        ("您好，欢迎光临！我是销售顾问小李。请您给我几分钟时间，先聊聊您的需求，然后再为您介绍，您看行吗？",
         A(techniques=["commit"]), "overview"),
        ("您平时用车主要是做什么？", Q("open"), "ask_open"),
        ("家里一般几个人坐车？", Q("open"), "ask_open"),
        ("为了帮您挑到合适的配置，您大概的预算范围是多少？", Q("open", tmd=["money"]), "ask_open"),
        ("E3续航510公里，一周充一次电就够，接送孩子再也不用排队加油。",
         A(fbi={"feature": True, "benefit": True, "impact": True, "order_ok": True, "feature_dump": False}),
         "present_product"),
        ("光听我说不如您亲自开一下，试驾大约20分钟，我们现在就去好吗？", Q("closed"), "invite_test_drive"),
    ]
    seen = [state.stage]
    for text, assessment, intent in script:
        state = turn(state, text, assessment, intent).state
        seen.append(state.stage)
    assert state.stage == "negotiation" and state.pending_objection
    for text, assessment in (STEP_1, STEP_2, STEP_3, STEP_4):
        state = turn(state, text, assessment, "handle_objection").state
    assert state.stage == "close"
    state.trust = max(state.trust, 80)
    done = turn(state, "那我们就按这个方案，提车安排在周六还是周日？", A(closing={"technique": "alternative"}), "attempt_close")
    assert done.ended and done.state.outcome == "deal" and done.state.p_level == "P0"
    reached = [s["id"] for s in done.summary["stages_reached"]]
    assert reached == ["reception", "needs", "presentation", "test_drive", "negotiation", "close"]
    assert "utter_customer_close_accepted" in responses(done)


# ---------------------------------------------------------------- modes, hints, finish

def test_practice_mode_adds_one_coach_note_and_exam_mode_none():
    practice = turn(begin(mode="practice"), "您平时用车主要是做什么？", Q("open", feedback="很好的开放式问题。"))
    notes = coach_notes(practice)
    assert len(notes) == 1 and "很好的开放式问题。" in notes[0] and "用车用途" in notes[0]
    exam = begin(mode="exam")
    for text in ("您平时用车主要是做什么？", "", LONG_VAGUE, "今天就定吧！"):
        assert coach_notes(turn(exam, text, A())) == []
        assert coach_notes(turn(exam, text)) == []  # with the real score as well


def test_hint_follows_the_situation():
    needs = begin(persona="zhao_engineer")
    assert "开放式" in engine.hint(needs) and "例如" in engine.hint(needs)
    pending = negotiation()
    assert "同意并中立化" in engine.hint(pending)
    after_step_1 = turn(pending, *STEP_1).state
    assert "明确抗拒所在" in engine.hint(after_step_1)
    assert engine.hint(SessionState())  # no role-play: still an answer, never an exception


def test_finish_summary_reports_outcome_facts_and_objections():
    state = trusting(begin(persona="zhao_engineer"))
    state = turn(state, "您平时用车主要是做什么？", Q("open")).state
    state = turn(state, "为了帮您挑到合适的配置，您的预算大概是多少？", Q("open", tmd=["money"])).state
    result = engine.finish(state, [A(score=60), A(score=80)], "ended")
    summary = result.summary
    assert result.ended and result.state.phase == "ended"
    assert summary["outcome"] == "prospect" and summary["p_level"] in ("P1", "P2", "P3", "P4")
    assert {f["id"] for f in summary["facts_discovered"]} == {"usage", "budget"}
    missed = {f["id"]: f["label"] for f in summary["facts_missed"]}
    assert missed["decision_maker"] == "决策人" and "usage" not in missed
    assert summary["persona_name"] == "赵工" and summary["turns"] == 2 and summary["average_score"] == 70
    assert summary["stages_reached"][0]["title"] == "背景性问题"
    assert "有望客户" in coach_notes(result)[0] and "决策人" in coach_notes(result)[0]
    json.dumps(summary)
    lost = engine.finish(state, [], "walk_away")
    assert (lost.state.outcome, lost.state.p_level) == ("lost", None)
    with pytest.raises(ValueError):
        engine.finish(state, [], "bored")


def test_prospect_level_rises_with_trust_and_facts():
    state = begin(persona="zhao_engineer")
    state.trust = 20
    low = engine.finish(state, [], "ended").state.p_level
    state.trust, state.facts_revealed = 80, ["usage", "budget", "family", "timeframe"]
    assert (low, engine.finish(state, [], "ended").state.p_level) == ("P4", "P1")


# ---------------------------------------------------------------- state and robustness

def test_state_round_trips_through_slots_as_plain_json():
    state = turn(negotiation(), *STEP_1).state
    slots = json.loads(json.dumps(state.to_slots()))
    assert SessionState.from_slots(slots) == state
    contract = {"trainee", "phase", "customer_type", "scenario", "mode", "persona_id", "roleplay_id", "stage", "trust",
                "strikes", "facts_revealed", "objections_raised", "objections_handled", "pending_objection", "turns",
                "outcome", "p_level"}
    assert contract <= set(slots)


def test_from_slots_tolerates_missing_and_none_values():
    state = SessionState.from_slots({"phase": "roleplay", "trust": "55", "turns": None, "facts_revealed": None,
                                     "unrelated_slot": 3})
    assert (state.phase, state.trust, state.turns, state.facts_revealed) == ("roleplay", 55.0, 0, [])
    assert SessionState.from_slots(None) == SessionState()


@pytest.mark.parametrize("ctype", ["analytical", "dominant", "social"])
@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "好" * 2100, "Hello, how much is this car?",
                                  "您好，歡迎光臨，請問您想看什麼車？", "<script>alert('x')</script>", "/", "asdfghjkl",
                                  None])
def test_odd_input_never_raises_and_gets_a_reply(ctype, text):
    state = begin(ctype, "reception")
    result = engine.take_turn(state, reading_for(state, text), {})
    customer = [m for m in result.messages if m.role == "customer"]
    assert customer and all(render(m, ctype) for m in customer)
    assert result.state.turns == 1
    if text and "歡迎" in text:  # Traditional script is read like Simplified
        assert "utter_customer_confused" not in responses(result)


def test_turn_outside_a_roleplay_is_a_coach_note():
    result = engine.take_turn(SessionState(), read_turn("你好", intent="greet"), {})
    assert not result.ended and result.messages[0].role == "coach"


# ---------------------------------------------------------------- other scenarios

def test_phone_enquiry_completes_with_an_appointment():
    state = trusting(begin("dominant", "phone", persona="liu_boss"))
    for text, assessment in [("您好，启航4S店，我是销售顾问小李，请问怎么称呼您？", Q("open")),
                             ("您今天主要想了解哪款车？", Q("open")),
                             ("您大概打算什么时候用上新车？", Q("open", tmd=["time"]))]:
        state = turn(state, text, assessment).state
    assert state.stage == "invite" and {"preferences", "timeframe"} <= set(state.facts_revealed)
    booked = turn(state, "电话里说不清楚，您看是周六上午方便，还是周日下午方便来店里看看？", Q("closed"),
                  intent="arrange_appointment")
    # The call's goal is reached, but the call only ends when somebody says goodbye.
    assert not booked.ended and "utter_customer_appointment_ok" in responses(booked)
    assert any(m.role == "coach" and "目标已经完成" in (m.text or "") for m in booked.messages)
    done = turn(booked.state, "好的，那周六上午见，再见！", A(), intent="goodbye")
    assert done.ended and done.summary["outcome"] == "prospect"
    assert [s["id"] for s in done.summary["stages_reached"]] == ["answer", "clarify", "invite"]


def test_referral_request_is_trust_gated():
    ask = ("您身边的朋友同事最近有没有看车的？欢迎介绍给我。", Q("closed"))
    cold = begin("analytical", "follow_up", persona="zhao_engineer")
    cold.trust = 30
    assert responses(turn(cold, *ask, intent="ask_referral")) == ["utter_customer_referral_later"]
    warm = begin("analytical", "follow_up", persona="zhao_engineer")
    warm.trust = 70
    result = turn(warm, *ask, intent="ask_referral")
    assert "referral" in result.state.facts_revealed and "同事" in customer_texts(result, "analytical")[0]


def test_after_delivery_the_customer_does_not_discuss_the_budget():
    state = begin("social", "follow_up", persona="zhou_teacher")
    result = turn(state, "您当时买车的预算是多少？", Q("open", tmd=["money"]))
    assert "budget" not in result.state.facts_revealed
    assert "还在还房贷" not in " ".join(customer_texts(result, "social"))


@pytest.mark.parametrize("goodbye", [
    "好的，今天就先聊到这儿，回头见！",
    "好的，今天就先聊到这儿，再见！",
])
def test_goodbye_ends_the_visit_as_a_prospect(goodbye):
    state = turn(begin(persona="zhao_engineer"), "您平时用车主要是做什么？", Q("open")).state
    result = turn(state, goodbye, A(), intent="goodbye")
    assert result.ended and result.state.outcome == "prospect" and "utter_customer_goodbye" in responses(result)


def test_test_drive_objection_is_raised_during_the_drive():
    state = begin("dominant", "test_drive", persona="liu_boss")
    result = turn(state, "我们先由我开一段，然后在安全的地方换您来开，全程大约20分钟，麻烦您出示一下驾照。", A(),
                  intent="explain_process")
    assert result.state.stage == "drive" and result.state.pending_objection == "sluggish_acceleration"
    assert customer_texts(result, "dominant")[-1] in load_catalog().objections["sluggish_acceleration"].lines["dominant"]


def test_turn_tolerates_partly_lost_slots():
    full = begin("social", "needs", persona="zhou_teacher")
    slots = full.to_slots()
    for lost in ("customer_type", "trust", "stage", "facts_revealed"):
        slots[lost] = None
    restored = SessionState.from_slots(slots)
    result = turn(restored, "您平时用车主要是做什么？", Q("open"), intent="ask_open")
    assert not result.ended and result.state.customer_type == "social" and result.state.stage == "background"
    assert result.state.trust > 0 and "usage" in result.state.facts_revealed
    assert engine.finish(SessionState.from_slots({"phase": "roleplay"}), [], "ended").summary["outcome"] == "prospect"


def test_pinning_down_a_price_objection_reveals_the_budget():
    state = negotiation()
    state.persona_id = "zhao_engineer"
    result = turn(state, "我理解。想请教一下，您这次的预算大概是多少？", Q("open", tmd=["money"], techniques=["agree"]),
                  intent="handle_objection")
    assert "budget" in result.state.facts_revealed and result.state.pending_objection
    assert {1, 2} <= set(result.state.objection_steps)


def test_one_all_in_one_sentence_does_not_settle_an_objection():
    everything = ("您说的很有道理。您主要是觉得贵在哪？我们有免息分期方案，您看可以吗？",
                  Q("closed", techniques=["agree", "commit"], objection={"steps": [1, 2, 3, 4]}))
    first = turn(negotiation(), *everything)
    assert first.state.pending_objection and "utter_customer_objection_resolved" not in responses(first)
    second = turn(first.state, *STEP_3)
    assert second.state.pending_objection is None and second.state.objections_handled


def test_hint_is_refused_in_exam_mode_and_counted_in_practice():
    exam = engine.start("social", "needs", "exam", seed=3).state
    refused = engine.take_hint(exam)
    assert refused.messages[0].text == engine.EXAM_NO_HINT and not refused.state.memory.get("hints")
    practice = engine.start("social", "needs", "practice", seed=3).state
    once = engine.take_hint(practice)
    twice = engine.take_hint(once.state)
    assert once.messages[0].text.startswith("提示：") and twice.state.memory["hints"] == 2
    summary = engine.finish(twice.state, [], "ended").summary
    assert summary["hints_used"] == 2 and "使用提示：2次" in engine.coaching.summary_text(summary)


def test_the_final_summary_line_is_rebuilt_from_the_completed_summary():
    result = engine.finish(begin(persona="zhao_engineer"), [], "ended")
    completed = dict(result.summary, facts_discovered=[{"id": "usage", "label": "用车用途"}])
    texts = [m.text for m in engine.with_final_summary(result, completed)]
    assert any("了解到的信息：用车用途" in t for t in texts) and not any("了解到的信息：无" in t for t in texts)


def test_coach_suggestions_rotate_through_the_customers_product():
    state = begin("social", "presentation", persona="zhou_teacher")
    product = load_catalog().products[load_catalog().personas["zhou_teacher"].preferred_model]
    tips = []
    for _ in range(3):
        result = turn(state, "这款车很不错。", A())
        tips.append(result.messages[-1].text.split("试试这样说：")[-1])
        state = result.state
    assert len(set(tips)) == 3  # rotated, not the same line again and again
    assert any(product.features[0]["feature"] in t for t in tips)


def test_a_rude_tone_with_no_named_structure_is_answered_as_the_kind_the_tone_model_hears():
    state = trusting(begin("social", scenario="needs"))
    text = "哎呀您这人怎么这么磨叽。"  # no trust-breaking structure: the scorer's tone model hears it
    reading = reading_for(state, text)
    assessment = score_turn(reading)
    assert assessment["hostile"] and not reading.anti_patterns and assessment["techniques"] == []
    kind = assessment["tone_breaker"]
    assert kind in ("dismissive", "belittle_customer")  # impatience with the customer, in words no structure knows
    assert TurnView(reading, assessment).anti_patterns == [kind]
    result = engine.take_turn(state, reading, assessment)
    assert result.state.strikes == state.strikes + 1 and result.state.trust < state.trust
    assert engine.PROBLEM_RESPONSES[kind] in responses(result)
    polite = turn(state, "您平时主要是自己开还是家里人也开？")
    assert polite.state.strikes == state.strikes
