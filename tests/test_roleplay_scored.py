"""A few turns driven by the real scorer (ssp_coach.scoring.score_reply), as the action server does."""
import pytest

from ssp_coach.roleplay import engine
from ssp_coach.roleplay.responses import render
from ssp_coach.scoring import score_reply

PRESSURE = "你到底买不买？今天不定明天就涨价了，别人家的车都是垃圾，您说的根本不对！"


def play(state, text, intent=None, context=""):
    assessment = score_reply(text, context=context, stage=state.stage, customer_type=state.customer_type)
    return engine.take_turn(state, text, intent, assessment)


def start(ctype, scenario, persona=None, mode="practice"):
    state = engine.start(ctype, scenario, mode, seed=11).state
    if persona:
        state.persona_id = persona
    return state


def test_open_questions_reveal_facts_and_closed_ones_do_not():
    state = start("analytical", "needs", "zhao_engineer")
    closed = play(state, "您平时是上下班开车吗？", "ask_closed")
    assert "usage" not in closed.state.facts_revealed
    opened = play(closed.state, "您平时用车主要是做什么？", "ask_open")
    assert "usage" in opened.state.facts_revealed
    budget = play(opened.state, "您这次买车的预算大概是多少？", "ask_open")
    assert "budget" in budget.state.facts_revealed
    assert [m for m in budget.messages if m.role == "coach"]  # practice mode: a coach note


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


def test_pressure_and_contradiction_end_in_a_lost_customer():
    result = engine.TurnResult(start("dominant", "negotiation"), [])
    for _ in range(12):
        result = play(result.state, PRESSURE)
        if result.ended:
            break
    assert result.ended and result.summary["outcome"] == "lost"


@pytest.mark.parametrize("text", ["", "😀😀😀", "好" * 2100, "Hello, how much is this car?", "<script>alert('x')</script>",
                                  "您好，歡迎光臨，請問您想看什麼車？"])
def test_odd_input_with_the_real_scorer(text):
    state = start("social", "reception")
    result = play(state, text)
    customer = [render(m, "social") for m in result.messages if m.role == "customer"]
    assert customer and all(customer)
