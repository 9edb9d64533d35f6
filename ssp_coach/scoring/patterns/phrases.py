"""Phrase lists of the six speech patterns (content/phrases/patterns.yml), in the one cue syntax of
ssp_coach/reading/cues.py, validated and compiled once. Question shapes are not here: the reading owns
them (content/phrases/skills.yml, questions)."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Pattern

from ...codes import NARRATE_FORMS, PATTERN_CODES
from ...content import ContentError, load_yaml, require
from ...reading.cues import compile_cues
from ...text import normalise

FILE = "phrases/patterns.yml"
# Lists each pattern needs beyond `parts` (validated so a trainer's typo is caught at load time).
EXTRA = {
    "praise": ("product_subject",),
    "commit": ("polite_request",),
    "guide": ("style_probe", "style_heart_to_heart", "procedure", "etiquette"),
    "narrate": NARRATE_FORMS + ("fact_markers",),
}


@dataclass(frozen=True)
class PatternPhrases:
    code: str
    name: str
    parts: Dict[str, Pattern]  # part name -> compiled cue list
    negative: Pattern
    missing: Dict[str, str]  # part -> Chinese hint
    extra: Dict[str, Pattern]


@dataclass(frozen=True)
class PhraseBook:
    stopwords: frozenset
    negators: Pattern
    patterns: Dict[str, PatternPhrases]


@lru_cache(maxsize=1)
def load_phrasebook() -> PhraseBook:
    data = load_yaml(FILE)
    pats = require(data, "patterns", dict, FILE)
    book = {}
    for code in PATTERN_CODES:
        w = f"{FILE}: patterns.{code}"
        spec = require(pats, code, dict, f"{FILE}: patterns")
        extra = {}
        for key in EXTRA.get(code, ()):
            if key not in spec:
                raise ContentError(f"{w}: missing required list '{key}'")
            extra[key] = compile_cues(spec[key], f"{w}.{key}")
        missing = require(spec, "missing", dict, w)
        book[code] = PatternPhrases(
            code=code,
            name=require(spec, "name", str, w),
            parts={k: compile_cues(v, f"{w}.parts.{k}") for k, v in (spec.get("parts") or {}).items()},
            negative=compile_cues(require(spec, "negative_cues", list, w), f"{w}.negative_cues"),
            missing={k: str(v) for k, v in missing.items()},
            extra=extra,
        )
    return PhraseBook(
        stopwords=frozenset(normalise(str(s)) for s in require(data, "stopwords", list, FILE)),
        negators=compile_cues(require(data, "negators", list, FILE), f"{FILE}: negators"),
        patterns=book,
    )
