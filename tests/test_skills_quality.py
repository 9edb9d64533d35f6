"""Measured quality and speed of the SSP-skills detectors on the held-out TEST split."""
import statistics
import time

import pytest

from ssp_coach.scoring.analysis import analyse
from ssp_coach.scoring.anti_patterns import detect_anti_patterns
from ssp_coach.scoring.closing import detect_closing
from ssp_coach.scoring.corpus import load_corpus
from ssp_coach.scoring.fbi import detect_fbi
from ssp_coach.scoring.objections import detect_objection_handling
from ssp_coach.scoring.questions import detect_question
from ssp_coach.scoring.skills_eval import evaluate_skills, load_skill_items


@pytest.fixture(scope="module")
def report():
    return evaluate_skills("test")


def test_report_shape_is_what_the_evaluate_command_prints(report):
    for name, m in report.items():
        assert {"precision", "recall", "f1", "support"} <= set(m), name
    assert {"fbi.feature", "question.open", "anti.pressure", "closing.alternative"} <= set(report)


@pytest.mark.parametrize("part", ["feature", "benefit", "impact"])
def test_fbi_part_f1_on_test(report, part):
    assert report[f"fbi.{part}"]["f1"] >= 0.90, report[f"fbi.{part}"]


def _macro(report, prefix):
    rows = [m["f1"] for k, m in report.items() if k.startswith(prefix) and m["support"]]
    assert rows, prefix
    return sum(rows) / len(rows)


@pytest.mark.parametrize("prefix, floor", [
    ("question.", 0.85), ("anti.", 0.75), ("closing.", 0.70), ("probe.", 0.60), ("tmd.", 0.60),
    ("objection.step", 0.60),
])
def test_other_skills_floors(report, prefix, floor):
    assert _macro(report, prefix) >= floor


def test_corpus_size_split_and_script_variety():
    fbi = {s: [it for it in load_corpus(s) if it.fbi is not None] for s in ("train", "test")}
    n = len(fbi["train"]) + len(fbi["test"])
    assert n >= 150 and 0.2 <= len(fbi["test"]) / n <= 0.4
    traditional = [it for s in fbi.values() for it in s if any(ch in it.reply for ch in "這車們裡開會對後")]
    assert len(traditional) / n >= 0.08
    assert {it.fbi for it in fbi["train"]} >= {(), ("feature",), ("benefit",), ("impact",)}
    skills = load_skill_items("train") + load_skill_items("test")
    assert len(skills) >= 120
    assert not {it.reply for it in fbi["train"]} & {it.reply for it in fbi["test"]}


def test_detectors_median_under_two_ms_per_reply():
    items = load_corpus("test")[:150]
    analyses = [analyse(it.reply, it.context, it.stage, it.customer_type) for it in items]
    detectors = (detect_fbi, detect_question, detect_objection_handling, detect_closing, detect_anti_patterns)
    for d in detectors:
        d(analyses[0])  # warm-up: loads cue lists and the cached model
    times = []
    for a in analyses:
        t = time.perf_counter()
        for d in detectors:
            d(a)
        times.append(time.perf_counter() - t)
    assert statistics.median(times) < 0.002, statistics.median(times)


def test_the_engine_picks_up_all_five_detectors():
    from ssp_coach.scoring.skills_adapter import run_skills
    out = run_skills(analyse("您要白色的还是黑色的？", "我再考虑一下。", "closing", "social"))
    assert sorted(out.available) == ["anti_patterns", "closing", "fbi", "objection", "question"]
    assert out.fragments["closing"] == {"technique": "alternative"}
    assert out.fragments["question"]["kind"] == "closed"
