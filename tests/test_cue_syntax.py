"""The one cue syntax trainers write (ssp_coach/reading/cues.py): gaps, full-width folding, errors that name the
file and entry. Cues match the normalised text (the reading normalises every turn)."""

import re
import warnings

import pytest

from ssp_coach.content import ContentError
from ssp_coach.reading.cues import compile_cues, find
from ssp_coach.text import normalise


def test_gap_shorthand_stays_inside_one_clause():
    pattern = compile_cues(["如果…麻烦您"], "t")
    assert find(pattern, "如果方便的话麻烦您留个电话")
    assert find(pattern, "如果方便，麻烦您留个电话") is None


def test_full_and_half_width_tilde_in_one_class_compiles_without_warning_and_matches_both():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Python's "possible set symmetric difference" FutureWarning
        pattern = compile_cues([r"[吗吧]\s*[。!~～]?\s*$"], "t")
    assert find(pattern, normalise("是这个颜色吧～")) and find(pattern, "是这个颜色吧~") and find(pattern, "是这个颜色吧")


def test_a_doubled_tilde_outside_a_class_still_means_two_tildes():
    pattern = compile_cues(["好的~~"], "t")
    assert find(pattern, "好的~~") and find(pattern, normalise("好的～～")) and find(pattern, "好的~") is None


def test_a_broken_cue_names_its_place():
    with pytest.raises(ContentError, match=re.escape("patterns.agree[1]")):
        compile_cues(["您说得对", "(没有闭合"], "patterns.agree")
