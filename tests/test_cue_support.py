"""No cue of the phrase files may exist only for the frozen test sets (issue: tuning on the test split)."""
from ssp_coach.evaluate.cue_support import all_cues, frozen_only_cues


def test_every_cue_file_entry_is_listed():
    cues = all_cues()
    assert len(cues) > 500
    assert any(where.startswith("phrases/skills.yml") for where, _ in cues)


def test_no_cue_is_supported_only_by_frozen_items():
    offenders = frozen_only_cues()
    assert offenders == [], f"cues matched only by frozen-set items (write training data or drop them): {offenders}"


def test_every_trust_breaker_cue_is_seen_in_the_training_items_of_two_writers():
    from ssp_coach.evaluate.cue_support import thin_trust_breaker_cues

    thin = thin_trust_breaker_cues()
    assert thin == [], f"trust-breaker cues that memorise one writer (generalise or drop them): {thin}"
