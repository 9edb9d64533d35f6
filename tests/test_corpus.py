"""The labelled corpus: schema, size and coverage, and the measured-quality gate on the test split."""
from collections import Counter

import pytest

from ssp_coach.scoring.corpus import FBI_PARTS, load_corpus
from ssp_coach.scoring.evaluate import evaluate_patterns
from ssp_coach.scoring.phrases import PATTERN_CODES
from ssp_coach.text import to_simplified

ALL = load_corpus("train") + load_corpus("test")
LABELLED = [it for it in ALL if it.labels is not None]


def test_ids_are_unique_and_every_item_has_a_context():
    ids = [it.id for it in ALL]
    assert len(ids) == len(set(ids))
    assert all(it.context.strip() for it in ALL if it.source.endswith("patterns.yml"))


def test_corpus_size_and_pattern_coverage():
    assert len(ALL) >= 600 or len(LABELLED) >= 480, "the pattern part alone must hold >= 480 items"
    counts = Counter(code for it in LABELLED for code in it.labels)
    for code in PATTERN_CODES:
        assert counts[code] >= 60, f"{code}: only {counts[code]} positives"
    negatives = [it for it in LABELLED if not it.labels]
    assert len(negatives) >= 100
    assert sum(it.hard_negative for it in negatives) >= 50
    assert all(not it.labels for it in LABELLED if it.hard_negative), "a hard negative carries no labels"


def test_whole_corpus_reaches_600_items():
    assert len(ALL) >= 600, f"only {len(ALL)} items across both splits (pattern + FBI files)"


def test_variety_of_script_stage_and_customer_type():
    traditional = [it for it in LABELLED if to_simplified(it.reply) != it.reply]
    assert len(traditional) / len(LABELLED) >= 0.08
    assert len({it.stage for it in LABELLED}) == 9 and len({it.customer_type for it in LABELLED}) == 3
    assert sum(len(it.labels) > 1 for it in LABELLED) >= 40, "multi-label items are normal"


def test_split_is_about_seventy_thirty_with_no_leak():
    train, test = load_corpus("train"), load_corpus("test")
    share = len(test) / (len(train) + len(test))
    assert 0.2 <= share <= 0.35
    assert not {it.reply for it in train} & {it.reply for it in test}


def test_fbi_items_present():
    fbi = [it for it in ALL if it.fbi is not None]
    assert len(fbi) >= 150
    assert all(set(it.fbi) <= set(FBI_PARTS) for it in fbi)


@pytest.fixture(scope="module")
def test_report():
    return evaluate_patterns("test")


@pytest.mark.parametrize("code", PATTERN_CODES)
def test_quality_gate_pattern_f1(test_report, code):
    assert test_report["patterns"][code]["f1"] >= 0.90, test_report["patterns"][code]


def test_quality_gate_negative_false_positive_rate(test_report):
    assert test_report["negative_fp_rate"] <= 0.05


@pytest.mark.parametrize("part", FBI_PARTS)
def test_quality_gate_fbi_f1(test_report, part):
    assert test_report["fbi_items"], "the test split must hold FBI-labelled presentations"
    assert test_report["fbi"][part]["f1"] >= 0.90, test_report["fbi"][part]
