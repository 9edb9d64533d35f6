"""Strict content loading (ssp_coach/content.py): every error names the file; non-UTF-8 files,
duplicate keys and out-of-range numbers are rejected instead of silently loaded."""
import shutil
from pathlib import Path

import pytest

from ssp_coach.content import ContentError, check_ranges, load_yaml, require_range
from ssp_coach.roleplay.catalog import build_catalog

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture
def content(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


def test_the_shipped_content_passes_the_strict_checks():
    build_catalog()


def test_non_utf8_file_error_names_the_file(content):
    (content / "roleplay.yml").write_bytes("start_trust: {analytical: 40}\n# 注释\n".encode("gbk"))
    with pytest.raises(ContentError) as error:
        load_yaml("roleplay.yml", content)
    assert "roleplay.yml" in str(error.value) and "UTF-8" in str(error.value)


def test_duplicate_key_is_rejected_with_file_and_line(content):
    (content / "extra.yml").write_text("a: 1\nb:\n  c: 2\n  c: 3\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_yaml("extra.yml", content)
    message = str(error.value)
    assert "extra.yml" in message and "duplicate key 'c'" in message and "line 4" in message


def test_duplicate_persona_field_is_rejected_by_the_catalog(content):
    text = (content / "personas.yml").read_text(encoding="utf-8")
    (content / "personas.yml").write_text(text.replace("    age: 38\n", "    age: 38\n    age: 39\n", 1),
                                         encoding="utf-8")
    with pytest.raises(ContentError, match=r"(?s)personas\.yml.*duplicate key 'age'"):
        build_catalog(content)


def test_merge_keys_still_work(content):
    (content / "extra.yml").write_text("base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n", encoding="utf-8")
    assert load_yaml("extra.yml", content)["child"] == {"x": 1, "y": 3}


def test_start_trust_out_of_range_is_rejected(content):
    path = content / "roleplay.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("analytical: 40,", "analytical: -500,", 1),
                    encoding="utf-8")
    with pytest.raises(ContentError) as error:
        build_catalog(content)
    assert "roleplay.yml" in str(error.value) and "start_trust.analytical" in str(error.value)
    assert "-500" in str(error.value) and "0 to 100" in str(error.value)


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), "40", None])
def test_range_helper_rejects_non_numbers(value):
    with pytest.raises(ContentError, match="x.yml: f"):
        require_range(value, 0, 100, "x.yml: f")


def test_range_patterns_match_one_level_per_star():
    check_ranges({"a": {"b": {"c": 500}}}, {"a.*": (0, 1)}, "x.yml")  # a.b is a mapping: not matched
    with pytest.raises(ContentError, match=r"x.yml: a.b.c: 500"):
        check_ranges({"a": {"b": {"c": 500}}}, {"a.*.c": (0, 100)}, "x.yml")
