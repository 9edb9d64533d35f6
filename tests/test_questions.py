"""Questioning and listening: open/closed kind, active-listening probes, TMD questions."""
import pytest

from ssp_coach.scoring.analysis import analyse
from ssp_coach.scoring.questions import detect_question


def q(reply, context="", stage="needs"):
    return detect_question(analyse(reply, context, stage, "social"))


@pytest.mark.parametrize("reply, kind", [
    ("您平时开车主要跑哪些路？", "open"),
    ("您为什么想换一台SUV呢？", "open"),
    ("您家里现在有车吗？", "closed"),
    ("您是自己开，还是家里人也会开？", "closed"),
    ("这个颜色是不是更适合您？", "closed"),
    ("您对这款车还有什么不满意的地方吗？", "closed"),
    ("您觉得这台车怎么样？", "open"),
    ("您平時開車主要跑哪些路？", "open"),  # Traditional script
])
def test_question_kind(reply, kind):
    r = q(reply)
    assert r.data["kind"] == kind
    assert any(e.label == "question" and e.part == kind for e in r.evidence)


def test_statement_is_no_question():
    r = q("这款车的后备箱有500升。")
    assert r.data == {"kind": None, "probe": None, "tmd": []}
    assert r.evidence == []


def test_kind_comes_from_the_last_question():
    assert q("您是全款吗？首付大概准备多少？").data["kind"] == "open"


@pytest.mark.parametrize("reply, context, probe", [
    ("您对那辆车还有哪些不满意的地方？", "我现在开的车老出毛病。", "expand"),
    ("您说的“舒适”，具体是指座椅软一些，还是车里安静一些？", "我想要舒适一点的车。", "clarify"),
    ("我记得您提过，您的马自达自动换挡有些问题，对吧？", "", "repeat"),
    ("好的，我明白了。您太太也会开这辆车，所以要好操作、视野清楚、方向盘轻，对吗？", "我太太也要开。", "summarise"),
    ("您说的我都记下了，还有别的要求吗？", "我要省油。", "expand"),
])
def test_probe_type(reply, context, probe):
    r = q(reply, context)
    assert r.data["probe"] == probe
    assert any(e.label == "probe" and e.part == probe for e in r.evidence)


@pytest.mark.parametrize("reply, tmd", [
    ("您打算什么时候提车？", ["time"]),
    ("您的预算大概是多少？", ["money"]),
    ("这台车最后是谁来拍板呢？", ["decision"]),
    ("您准备多少预算，打算哪个月提车？", ["time", "money"]),
])
def test_tmd_questions(reply, tmd):
    assert q(reply).data["tmd"] == tmd


def test_tmd_words_outside_a_question_do_not_count():
    assert q("这个价位的车里它配置最高。").data["tmd"] == []
