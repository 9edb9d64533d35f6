"""Phrase lists for the six speech patterns (content/phrases/patterns.yml), validated and compiled once.

Phrases are matched on the normalised character string rather than on jieba tokens: jieba segments the
same phrase differently depending on its neighbours (问得好 vs 问/得/好), so token patterns would miss
trainer-written phrases. Token-level rules (question words, echoed content words) live in patterns.py.
"""
from dataclasses import dataclass
from functools import lru_cache
import re
from typing import Dict, List, Pattern, Tuple

from ..content import ContentError, load_yaml, require
from ..text import normalise

PATTERN_CODES = ("agree", "praise", "guide", "narrate", "rhetorical", "commit")
NARRATE_FORMS = ("authority", "case", "comparison", "metaphor")
FILE = "phrases/patterns.yml"


def _compile(phrases: List[str], where: str) -> Pattern:
    if not phrases or not all(isinstance(p, (str, int)) and str(p).strip() for p in phrases):
        raise ContentError(f"{FILE}: {where}: expected a non-empty list of phrases")
    # Longest first so the evidence span covers the whole phrase; "…" = a short gap inside one clause.
    parts = sorted({normalise(str(p)) for p in phrases}, key=len, reverse=True)
    return re.compile("|".join(r"[^,。!?;:\n]{0,20}?".join(map(re.escape, p.split("…"))) for p in parts))


@dataclass(frozen=True)
class PatternPhrases:
    code: str
    name: str
    parts: Dict[str, Pattern]  # part name -> compiled alternation
    negative: Pattern
    missing: Dict[str, str]  # part -> Chinese hint
    extra: Dict[str, Pattern]  # pattern-specific lists (narrate forms, question words, ...)


@dataclass(frozen=True)
class PhraseBook:
    stopwords: frozenset
    negators: Pattern
    hostile: Pattern
    question_words: Tuple[str, ...]  # open-question words, matched on tokens (patterns.py)
    patterns: Dict[str, PatternPhrases]


@lru_cache(maxsize=1)
def load_phrasebook() -> PhraseBook:
    data = load_yaml(FILE)
    where = FILE
    pats = require(data, "patterns", dict, where)
    book = {}
    for code in PATTERN_CODES:
        spec = require(pats, code, dict, f"{where}: patterns")
        w = f"patterns.{code}"
        parts = {k: _compile(v, f"{w}.parts.{k}") for k, v in (spec.get("parts") or {}).items()}
        extra = {}
        for key in ("forms", ):
            for k, v in (spec.get(key) or {}).items():
                extra[k] = _compile(v, f"{w}.{key}.{k}")
        for key in ("fact_markers",):
            if key in spec:
                extra[key] = _compile(spec[key], f"{w}.{key}")
        missing = require(spec, "missing", dict, f"{where}: {w}")
        book[code] = PatternPhrases(
            code=code,
            name=require(spec, "name", str, f"{where}: {w}"),
            parts=parts,
            negative=_compile(require(spec, "negative_cues", list, f"{where}: {w}"), f"{w}.negative_cues"),
            missing={k: str(v) for k, v in missing.items()},
            extra=extra,
        )
    if set(book["narrate"].extra) < set(NARRATE_FORMS):
        raise ContentError(f"{FILE}: patterns.narrate.forms must define {list(NARRATE_FORMS)}")
    stop = require(data, "stopwords", list, where)
    return PhraseBook(
        stopwords=frozenset(normalise(str(s)) for s in stop),
        negators=_compile(require(data, "negators", list, where), "negators"),
        hostile=_compile(require(data, "hostile_cues", list, where), "hostile_cues"),
        question_words=tuple(normalise(str(w)) for w in require(pats["guide"], "question_words", list,
                                                                   f"{where}: patterns.guide")),
        patterns=book,
    )
