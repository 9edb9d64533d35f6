"""Objection handling (four steps, six techniques) and the six closing techniques, as read once by the reading."""
import pytest

from ssp_coach.reading import read_turn
from ssp_coach.scoring import score_turn


def obj_read(reply, context, stage="negotiation", pending=None):
    return read_turn(reply, context, stage, "analytical", objection_pending=pending)


def obj(reply, context, stage="negotiation"):
    return obj_read(reply, context, stage).objection


def close_read(reply, stage="closing", context=""):
    return read_turn(reply, context, stage, "social")


def test_all_four_steps_with_comparison():
    r = obj_read("您说得有道理，买车谁都想划算。您觉得贵，主要是跟哪款车比的呢？那款车确实便宜一点，不过我们这台标配了"
                 "主动刹车和8个气囊，算下来更值。您看这样比是不是更清楚？", "你们这车太贵了。")
    assert r.objection.customer_objects
    assert (r.objection.steps, r.objection.technique) == ([1, 2, 3, 4], "comparison")
    a = score_turn(r)
    assert a["objection"] == {"steps": [1, 2, 3, 4], "technique": "comparison"}
    parts = {e["part"] for e in a["evidence"] if e["label"] == "objection"}
    assert parts >= {"step1", "step2", "step3", "step4", "comparison"}
    assert not [m for m in a["missing"] if m["label"] == "objection"]


def test_partial_handling_names_the_missing_steps():
    r = obj_read("我理解您的担心，多看几家是应该的。", "我还想去别家看看。")
    assert r.objection.steps == [1]
    missing = [m for m in score_turn(r)["missing"] if m["label"] == "objection"]
    assert {m["part"] for m in missing} == {"step2", "step3", "step4"}
    assert all(m["message"] for m in missing)


def test_no_objection_in_context_means_no_steps():
    o = obj("我理解，您想要一台空间大的车。", "我家里人多。", stage="needs")
    assert not o.customer_objects and (o.steps, o.technique) == ([], None)


def test_a_pending_objection_from_the_roleplay_overrides_the_context():
    text = "我理解您的担心，多看几家是应该的。"
    assert obj_read(text, "", pending=True).objection.steps == [1]
    assert obj_read(text, "我还想去别家看看。", pending=False).objection.steps == []


@pytest.mark.parametrize("reply, context, technique", [
    ("这个说法不是真的，那段视频里是改装车，我们有官方检测报告。", "听说你们这车刹车失灵过。", "deny"),
    ("这个问题提得很好，等会儿试驾的时候您亲自体验，回来我再详细解释。", "这车是不是有点飘？", "defer"),
    ("价格我们稍后再谈，您先看看这台车的空间是不是适合您一家人。", "最低多少钱？", "transfer"),
    ("哈哈，轮毂样式是小事，咱们先看看车里的空间。", "这个轮毂有点土。", "ignore"),
])
def test_objection_technique(reply, context, technique):
    assert obj(reply, context, stage="presentation").technique == technique


def test_prevention_needs_no_customer_objection():
    o = obj("很多客户都担心电车冬天续航缩水，我先跟您说一下，这台车有热泵空调。", "", stage="presentation")
    assert o.technique == "prevention" and o.steps == []


@pytest.mark.parametrize("reply, technique", [
    ("那我就帮您把这台白色的订下来，下周就能来提车了。", "assumptive"),
    ("您要黑色的还是白色的？", "alternative"),
    ("试驾下来，您觉得这台车怎么样？", "ask_wait"),
    ("如果我帮您申请到免费保养，您今天能定下来吗？", "if_then"),
    ("下个月国补就结束了，到时候同样的车要多花八千。", "future_event"),
    ("我们先把订单填好，然后去交订金，接着帮您预约上牌。", "step_by_step"),
    ("您要黑色的還是白色的？", "alternative"),  # Traditional script
])
def test_closing_technique(reply, technique):
    r = close_read(reply)
    assert r.closing == technique and "close" in r.acts
    a = score_turn(r)
    assert a["closing"] == {"technique": technique}
    ev = [e for e in a["evidence"] if e["label"] == "closing"]
    assert ev and ev[0]["part"] == technique and reply[ev[0]["start"]:ev[0]["end"]] == ev[0]["text"]


def test_no_closing_and_stage_gating():
    assert close_read("这款车后备箱有500升。").closing is None
    # an either-or question while still analysing needs is a closed question, not an alternative close
    assert close_read("您平时是跑高速多还是市区多？", stage="needs").closing is None


def test_an_ultimatum_is_not_a_future_event_close():
    r = close_read("今天不定，明天这个价格就没有了，到时候别后悔。")
    assert r.closing is None and "pressure" in r.anti_patterns
