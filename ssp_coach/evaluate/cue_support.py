"""Which corpus items each cue entry of the phrase files matches. A cue matched only by frozen-set items
was written for the test and not learned from training data: it is a defect (tests/test_cue_support.py)."""

import re
from typing import Dict, Iterable, List, Tuple

from ..codes import TRUST_BREAKERS, WORDED_TRUST_BREAKERS
from ..content import load_yaml
from ..learn.corpus import CorpusItem, load_frozen, training_items
from ..reading.cues import compile_cue, cue_entries
from ..text import normalise

# The scorer's cue files; the dialogue acts (acts.yml) are not labelled in the corpus, so corpus support
# says nothing about them.
PHRASE_FILES = ("phrases/patterns.yml", "phrases/skills.yml")
NOT_CUES = (
    "missing",
    "messages",
    "name",
    "late_stages",
    "price_talk_stages",
    "chat_welcome_stages",
    "curt_chars",
    "lecture_chars",
    "lecture_sentences",
    "stopwords",
)


def all_cues() -> List[Tuple[str, str]]:
    """(file: field path, cue) for every cue entry of the phrase files."""
    out = []
    for rel in PHRASE_FILES:
        for path, cue in cue_entries(load_yaml(rel)):
            if not any(part in NOT_CUES for part in path.split(".")):
                out.append((f"{rel}: {path}", cue))
    return out


def _texts(items: Iterable[CorpusItem]) -> List[str]:
    return [normalise(t) for it in items for t in (it.reply, it.context) if t]


def frozen_only_cues() -> List[Dict[str, object]]:
    train = _texts(training_items(include_corrections=False))
    frozen = _texts(load_frozen("test") + load_frozen("out_of_writer"))
    found: List[Dict[str, object]] = []
    for where, cue in all_cues():
        pattern = re.compile(compile_cue(cue, where))
        if any(pattern.search(t) for t in frozen) and not any(pattern.search(t) for t in train):
            found.append({"where": where, "cue": cue})
    return found


# The trust-breaker cue lists (guide §9): each entry is one structure of a reply, so each must be seen in the
# training items of at least two writers (the self-written corpus counts as one) or it memorises one writer.
TRUST_BREAKER_LISTS = WORDED_TRUST_BREAKERS + ("hospitality",)


def thin_trust_breaker_cues(min_writers: int = 2) -> List[Dict[str, object]]:
    """Trust-breaker cue entries matched by the training items of fewer than `min_writers` writers."""
    items = training_items(include_corrections=False)
    texts = [(it.group, normalise(it.reply)) for it in items]  # what consultants said, not the customers' lines
    anti = load_yaml("phrases/skills.yml")["anti_patterns"]
    # A list is held to two writers only where two training writers used that breaker (labelled `anti`):
    # belittle_competitor has one writer's example so far, so only the frozen-only check applies to it.
    used_by = {code: {it.group for it in items if it.anti and code in it.anti} for code in TRUST_BREAKERS}
    thin: List[Dict[str, object]] = []
    for code in (c for c in TRUST_BREAKER_LISTS if c == "hospitality" or len(used_by[c]) >= min_writers):
        for i, cue in enumerate(anti[code]):
            pattern = re.compile(compile_cue(cue, f"anti_patterns.{code}[{i}]"))
            writers = sorted({group for group, t in texts if pattern.search(t)})
            if len(writers) < min_writers:
                thin.append({"where": f"anti_patterns.{code}[{i}]", "cue": cue, "writers": writers})
    return thin
