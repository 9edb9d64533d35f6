"""Unit-test fixtures must be our own sentences: none may be a reply of the frozen test split
(content/corpus/test/*.yml) or of the frozen out-of-writer set, or the tests would tune the scorer on the data
that measures it."""
import ast
import re
from pathlib import Path

import yaml

from ssp_coach.learn.corpus import load_frozen
from ssp_coach.paths import content_dir

TESTS = Path(__file__).resolve().parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def frozen_replies():
    replies = set()
    for path in sorted((content_dir() / "corpus" / "test").glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if isinstance(item, dict) and isinstance(item.get("reply"), str):
                replies.add(item["reply"].strip())
    return replies | {it.reply.strip() for it in load_frozen("out_of_writer")}


def literals(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(CJK.findall(node.value)) >= 8:
            yield node.lineno, node.value


def test_frozen_split_has_replies_to_compare_with():
    assert len(frozen_replies()) >= 50


def test_no_test_fixture_is_a_reply_of_the_frozen_test_split():
    frozen = frozen_replies()
    hits = [f"{path.name}:{line}: {text}" for path in sorted(TESTS.glob("*.py"))
            for line, text in literals(path) if text.strip() in frozen]
    assert not hits, "fixtures copied from content/corpus/test:\n" + "\n".join(hits)
