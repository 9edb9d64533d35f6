"""What the reading decides (questions, probes, TMD, objection steps, closing, anti-patterns): measured on the
TRAINING skills items (the reading has no fitted model, so no cross-validation is needed), and its speed.
The frozen test split is never read here."""
import statistics
import time

import pytest

from ssp_coach.evaluate.skills import evaluate_skills, load_skill_items
from ssp_coach.learn.corpus import load_corpus
from ssp_coach.reading import read_turn
from ssp_coach.scoring.fbi.detector import detect_fbi


@pytest.fixture(scope="module")
def report():
    return evaluate_skills("train")


def test_report_shape_is_what_the_evaluate_command_prints(report):
    for name, m in report.items():
        assert {"precision", "recall", "f1", "support"} <= set(m), name
    assert {"question.open", "anti.pressure", "anti.belittle_customer", "anti.off_topic", "closing.alternative",
            "objection.step1", "probe.expand", "tmd.money"} <= set(report)


def _macro(report, prefix):
    rows = [m["f1"] for k, m in report.items() if k.startswith(prefix) and m["support"]]
    assert rows, prefix
    return sum(rows) / len(rows)


@pytest.mark.parametrize("prefix, floor", [
    ("question.", 0.85), ("anti.", 0.75), ("closing.", 0.70), ("probe.", 0.60), ("tmd.", 0.60),
    ("objection.step", 0.60),
])
def test_skills_floors_on_the_training_items(report, prefix, floor):
    assert _macro(report, prefix) >= floor


def test_skill_items_load_and_validate():
    assert len(load_skill_items("train")) >= 100
    assert load_skill_items("test")  # the frozen split validates (never measured here)


def test_reading_and_fbi_median_under_four_ms_per_reply():
    items = load_corpus("train")[:150]
    read_turn(items[0].reply, items[0].context, items[0].stage, items[0].customer_type)  # warm-up
    detect_fbi(read_turn("这台车百公里油耗5.8升，一年能省三千块油钱。", "", "presentation", "social"))
    times = []
    for it in items:
        t = time.perf_counter()
        detect_fbi(read_turn(it.reply, it.context, it.stage, it.customer_type))
        times.append(time.perf_counter() - t)
    assert statistics.median(times) < 0.004, statistics.median(times)


def test_one_reading_holds_every_skill():
    r = read_turn("您要白色的还是黑色的？", "我再考虑一下。", "closing", "social")
    assert r.closing == "alternative" and r.question.kind == "closed"
    assert r.objection.customer_objects and r.anti_patterns == []
