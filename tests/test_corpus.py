"""The labelled corpus: schema, size and coverage of the training side, the frozen split loads and does not
leak, and the measured-quality gate on grouped cross-validation of the training side.

The frozen test split (content/corpus/test) is only loaded/validated here: no quality figure in the tests
comes from it (ssp-coach evaluate --frozen test reports it, nothing may be tuned on it)."""
from collections import Counter

import pytest

from ssp_coach.codes import FBI_PARTS, PATTERN_CODES, STAGES, TRUST_BREAKERS
from ssp_coach.evaluate.cv import cross_validate
from ssp_coach.evaluate.patterns import report
from ssp_coach.learn.corpus import FROZEN, load_corpus, load_frozen, training_items
from ssp_coach.text import to_simplified

TRAIN = training_items(include_corrections=False)
LABELLED = [it for it in TRAIN if it.labels is not None]


def test_ids_are_unique_and_every_pattern_item_has_a_context():
    ids = [it.id for it in TRAIN]
    assert len(ids) == len(set(ids))
    assert all(it.context.strip() for it in TRAIN if it.source.endswith("patterns.yml"))


def test_training_side_size_and_pattern_coverage():
    assert len(LABELLED) >= 450, f"only {len(LABELLED)} pattern-labelled training items"
    counts = Counter(code for it in LABELLED for code in it.labels)
    for code in PATTERN_CODES:
        assert counts[code] >= 50, f"{code}: only {counts[code]} positives"
    negatives = [it for it in LABELLED if not it.labels]
    assert len(negatives) >= 100
    assert sum(it.hard_negative for it in negatives) >= 50
    assert all(not it.labels for it in LABELLED if it.hard_negative), "a hard negative carries no labels"


def test_variety_of_script_stage_and_customer_type():
    traditional = [it for it in LABELLED if to_simplified(it.reply) != it.reply]
    assert len(traditional) / len(LABELLED) >= 0.08
    assert len({it.stage for it in LABELLED}) == len(STAGES) and len({it.customer_type for it in LABELLED}) == 3
    assert sum(len(it.labels) > 1 for it in LABELLED) >= 40, "multi-label items are normal"


def test_fbi_items_present_on_the_training_side():
    fbi = [it for it in TRAIN if it.fbi is not None]
    assert len(fbi) >= 150
    assert all(set(it.fbi) <= set(FBI_PARTS) for it in fbi)
    assert {it.fbi for it in fbi} >= {(), ("feature",), ("benefit",), ("impact",)}


@pytest.mark.parametrize("name", FROZEN)
def test_frozen_sets_load_and_validate(name):
    items = load_frozen(name)  # raises ContentError on a broken item
    assert all(it.reply.strip() and it.id for it in items)


def test_frozen_split_is_about_a_quarter_and_does_not_leak_into_training():
    train, test = load_corpus("train"), load_frozen("test")
    assert test, "the frozen test split must exist"
    share = len(test) / (len(train) + len(test))
    assert 0.2 <= share <= 0.35
    assert not {it.reply for it in TRAIN} & {it.reply for it in test}
    assert not {it.id for it in TRAIN} & {it.id for it in test}


# ---------------------------------------------------------------- quality gate (grouped CV, training side)
# Conservative floors; they will be raised after tuning. Figures seen when this file was written (training side
# with the writers' corpus, 919 pattern items, 675 FBI items): macro-F1 0.809 (lowest: agree 0.765), negatives
# with a false technique 0.050, FBI F1 feature 0.812 / benefit 0.692 / impact 0.584.

@pytest.fixture(scope="module")
def cv_report():
    items, results = cross_validate()
    assert all(it.group == "self" or it.group for it in items)
    return report(items, results, "cv")


def test_cv_covers_every_training_item(cv_report):
    assert cv_report["items"] == len(LABELLED)
    assert cv_report["fbi_items"] == len([it for it in TRAIN if it.fbi is not None])


def test_quality_gate_macro_f1(cv_report):
    assert cv_report["macro_f1"] >= 0.80, cv_report["patterns"]


@pytest.mark.parametrize("code", PATTERN_CODES)
def test_quality_gate_pattern_f1(cv_report, code):
    assert cv_report["patterns"][code]["f1"] >= 0.70, cv_report["patterns"][code]


def test_quality_gate_negative_false_positive_rate(cv_report):
    assert cv_report["negatives"] >= 100
    assert cv_report["negative_fp_rate"] <= 0.10


@pytest.mark.parametrize("part, floor", [("feature", 0.75), ("benefit", 0.60), ("impact", 0.50)])
def test_quality_gate_fbi_f1(cv_report, part, floor):
    assert cv_report["fbi"][part]["f1"] >= floor, cv_report["fbi"][part]


def test_trust_breakers_are_labelled_on_every_writer_item():
    writers = [it for it in TRAIN if it.group != "self"]
    assert writers and all(it.anti is not None for it in writers)
    counts = Counter(code for it in writers for code in it.anti)
    assert set(counts) == set(TRUST_BREAKERS), counts
    assert all(not it.labels for it in writers if it.anti and not set(it.anti) <= {"off_topic"}), (
        "a reply with a trust breaker carries no speech pattern (guide P5)"
    )


def test_every_writer_item_was_labelled_twice_and_the_annotators_agree():
    from ssp_coach.evaluate.agreement import agreement

    writer_ids = {it.id for it in TRAIN + load_frozen("out_of_writer") if it.group != "self"}
    rows = agreement()
    expected = {*PATTERN_CODES, *(f"fbi.{p}" for p in FBI_PARTS), *(f"anti.{c}" for c in TRUST_BREAKERS), "none"}
    assert set(rows) == expected
    for name, m in rows.items():
        assert m["items"] == len(writer_ids), name
        assert m["kappa"] >= 0.7, f"{name}: kappa {m['kappa']:.2f} — hold a calibration round (guide §7.6)"


# The writers whose errors the trust-breaker structures were chosen on (stop 17). The sixteen added since (w17-w32)
# were not read for structures: their rude lines take shapes no structure names, and the learned tone model
# hears those (its own held-out floor: tests/test_trust_model.py).
STRUCTURES_CHOSEN_ON = {
    "showroom", "phone_wechat", "rambling_formal", "ev_tech", "traditional", "finance_tradein",
    "delivery_service", "novice_trainee", "young_online", "county_colloquial", "script_collection", "dcc_phone",
    "walkaround_drive", "careless_floor",
}


def test_quality_floor_trust_breakers_on_the_training_side():
    """The reading has no fitted model: its figures on the training writers are optimistic (its cues were chosen
    reading half of their errors), so the floor guards against regressions, not a claim of quality. Measured
    when set: P 0.94 / R 0.69 / F1 0.80 on the writers the structures were chosen on; P 0.93 / R 0.46 on all
    22 training writers; 0.4% of clean replies flagged. With 30 training writers: P 0.86 / R 0.37 over all of them
    (the eight newest writers' rude lines mostly take shapes no structure names: the tone model hears those)."""
    from ssp_coach.evaluate.metrics import prf
    from ssp_coach.reading import read_turn

    items = [it for it in TRAIN if it.anti is not None]
    read = [set(read_turn(it.reply, it.context, it.stage, it.customer_type).anti) for it in items]
    chosen_on = [(it, r) for it, r in zip(items, read) if it.group in STRUCTURES_CHOSEN_ON]
    assert {it.group for it, _ in chosen_on} == STRUCTURES_CHOSEN_ON
    m = prf([(c in r, c in it.anti) for it, r in chosen_on for c in TRUST_BREAKERS])
    assert m["precision"] >= 0.85 and m["recall"] >= 0.60 and m["f1"] >= 0.72, m
    everyone = prf([(c in r, c in it.anti) for it, r in zip(items, read) for c in TRUST_BREAKERS])
    assert everyone["precision"] >= 0.85 and everyone["recall"] >= 0.33, everyone
    clean = [r & set(TRUST_BREAKERS) for it, r in zip(items, read) if not it.anti]
    assert sum(bool(r) for r in clean) / len(clean) <= 0.01, "trust breakers read in clean replies"
    for code in ("contradict", "belittle_customer", "pressure"):
        per_code = prf([(code in r, code in it.anti) for it, r in chosen_on])
        assert per_code["f1"] >= 0.65, (code, per_code)
