"""A few turns driven by the real reading and scorer (engine.play / engine.read_and_score), as the action
server does."""
import pytest

from ssp_coach.roleplay import engine
from ssp_coach.roleplay.responses import render
from ssp_coach.roleplay.turn_view import TurnView

PRESSURE = "你到底买不买？今天不定明天就涨价了，别人家的车都是垃圾，您说的根本不对！"


def play(state, text, intent=None, context=None):
    return engine.play(state, text, intent, context)


def start(ctype, scenario, persona=None, mode="practice"):
    state = engine.start(ctype, scenario, mode, seed=11).state
    if persona:
        state.persona_id = persona
    return state


def test_open_questions_reveal_facts_and_closed_ones_do_not():
    state = start("analytical", "needs", "zhao_engineer")
    closed = play(state, "您平时是上下班开车吗？", "ask_question")
    assert "usage" not in closed.state.facts_revealed
    opened = play(closed.state, "您平时用车主要是做什么？", "ask_question")
    assert "usage" in opened.state.facts_revealed
    budget = play(opened.state, "您说得很有道理，买车要心里有数。您这次买车的预算大概是多少？", "ask_question")
    assert "budget" in budget.state.facts_revealed
    assert [m for m in budget.messages if m.role == "coach"]  # practice mode: a coach note


def test_play_returns_the_assessment_of_the_one_reading():
    state = start("social", "negotiation")
    text = "您说的很有道理，买车确实要精打细算。您主要是跟哪款车在比呢？"
    reading, assessment = engine.read_and_score(state, text, "handle_objection")
    assert reading.objection.customer_objects  # the pending objection, not a guess from the context
    assert assessment["objection"] == {"steps": reading.objection.steps, "technique": reading.objection.technique}
    assert assessment["question"]["kind"] == reading.question.kind
    assert assessment["anti_patterns"] == reading.anti_patterns
    result = play(state, text, "handle_objection")
    assert result.assessment == assessment
    assert result.assessment["score"] == assessment["score"]


def test_the_customer_view_reads_only_techniques_and_fbi_from_the_assessment():
    state = start("social", "presentation")
    reading, assessment = engine.read_and_score(state, "您平时用车主要是做什么？预算大概多少？")
    view = TurnView(reading, {"techniques": ["guide"], "fbi": {"feature": True, "benefit": True}})
    assert view.techniques == ["guide"] and not view.fbi_complete and "fbi" in view.signals
    assert view.question == reading.question.kind == "open"
    assert view.topics == reading.question.topics and "question" in view.signals
    assert TurnView(reading, {}).techniques == [] and TurnView(reading, {}).fbi == {}


def test_social_customer_warms_to_praise_more_than_analytical():
    praise = "您真有眼光，这款蓝色是我们店最受年轻人欢迎的颜色。"
    rise = {}
    for ctype in ("analytical", "social"):
        state = start(ctype, "presentation")
        rise[ctype] = play(state, praise).state.trust - state.trust
    assert rise["social"] > rise["analytical"]


def test_agreeing_alone_does_not_settle_an_objection():
    state = start("social", "negotiation")
    pending = state.pending_objection
    result = play(state, "您说的很有道理，买车确实要精打细算，我理解您的想法。", "handle_objection")
    assert result.state.pending_objection == pending and not result.state.objections_handled


def test_small_talk_during_an_objection_is_off_topic_and_settles_nothing():
    state = start("social", "negotiation")
    result = play(state, "昨晚的球赛您看了吗？")
    assert "off_topic" in result.assessment["anti_patterns"]
    assert "commit" not in result.assessment["techniques"]
    assert result.state.pending_objection == state.pending_objection
    assert result.state.trust <= state.trust


def test_belittling_the_customer_costs_trust_and_a_strike():
    state = start("social", "needs")
    result = play(state, "您都36了，买个车还要问爸妈啊？")
    assert "belittle_customer" in result.assessment["anti_patterns"]
    assert result.state.strikes == state.strikes + 1 and result.state.trust < state.trust
    assert "utter_customer_belittled" in [m.response for m in result.messages if m.role == "customer"]


def test_pressure_and_contradiction_end_in_a_lost_customer():
    result = engine.TurnResult(start("dominant", "negotiation"), [])
    for _ in range(12):
        result = play(result.state, PRESSURE)
        if result.ended:
            break
    assert result.ended and result.summary["outcome"] == "lost"


@pytest.mark.parametrize("text", ["", "😀😀😀", "好" * 2100, "Hello, how much is this car?", "<script>alert('x')</script>",
                                  "您好，歡迎光臨，請問您想看什麼車？", None])
def test_odd_input_with_the_real_scorer(text):
    state = start("social", "reception")
    result = play(state, text)
    customer = [render(m, "social") for m in result.messages if m.role == "customer"]
    assert customer and all(customer)
    assert isinstance(result.assessment, dict) and 0 <= result.assessment["score"] <= 100
