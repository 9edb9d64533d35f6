"""Rule layer for the six speech patterns: which structural parts of each pattern a reply contains.

`find_parts(a)` returns, per pattern code, the parts found (with evidence spans into the original
reply), whether a disqualifying cue (sarcasm, negated agreement, pressure...) is present, and the form
or style. The statistical classifier (classifier.py) reads these as features; the engine reports them.
"""
from dataclasses import dataclass, field
from functools import lru_cache
import re
from typing import Dict, List, Optional, Tuple

from ..nlp import load_nlp
from .analysis import Analysis, Evidence
from .phrases import NARRATE_FORMS, PATTERN_CODES, load_phrasebook

# Structural parts of each pattern, in course order (docs/design.md, Contract 1).
PARTS = {
    "agree": ("echo", "agreement_phrase", "positive_explanation"),
    "praise": ("praise_phrase", "praise_point"),
    "guide": ("guiding_phrase",),
    "narrate": ("narration", "facts"),
    "rhetorical": ("statement", "check_question"),
    "commit": ("next_step", "consent_question"),
}
# A detection needs at least one of these parts to be credible evidence of the pattern.
KEY_PARTS = {
    "agree": ("agreement_phrase",), "praise": ("praise_phrase",), "guide": ("guiding_phrase",),
    "narrate": ("narration",), "rhetorical": ("check_question",), "commit": ("consent_question",),
}

Span = Tuple[int, int]
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CLAUSE = re.compile(r"[^,.。!?;:\n]+")
_OPEN_WORDS = re.compile(r"哪|什么|为什么|多少|多久|多远|如何|谁")  # open-question words


@dataclass
class RuleResult:
    code: str
    parts: Dict[str, Span] = field(default_factory=dict)
    negative: bool = False
    detail: Optional[str] = None  # narrate form / guide style

    def evidence(self, a: Analysis) -> List[Evidence]:
        return [a.evidence(self.code, part, s, e) for part, (s, e) in self.parts.items()]


@lru_cache(maxsize=2048)
def _content_words(context: str) -> Tuple[str, ...]:
    """Content words of the customer's line (jieba tokens, 2+ chars, not stop words)."""
    stop = load_phrasebook().stopwords
    words = {t.text for t in load_nlp()(context) if len(t.text) >= 2 and _CJK.search(t.text) and t.text not in stop}
    return tuple(sorted(words, key=len, reverse=True))


def echo_spans(a: Analysis) -> List[Span]:
    """Where the reply repeats the customer's content words (or, failing that, 2-char pieces of them)."""
    if not a.context:
        return []
    spans = []
    words = _content_words(a.context)
    for w in words:
        i = a.text.find(w)
        if i >= 0:
            spans.append((i, i + len(w)))
    if not spans:
        for w in words:
            for k in range(len(w) - 1):
                i = a.text.find(w[k:k + 2])
                if i >= 0:
                    spans.append((i, i + 2))
                    break
    return sorted(spans)


def _first(pattern, text: str, start: int = 0, end: Optional[int] = None) -> Optional[Span]:
    m = pattern.search(text, start, len(text) if end is None else end)
    return (m.start(), m.end()) if m else None


def _not_negated(pattern, a: Analysis, start: int = 0, end: Optional[int] = None) -> Optional[Span]:
    """First match whose preceding two characters hold no negator (我真理解不了 / 不同意 are not agreement)."""
    negators = load_phrasebook().negators
    for m in pattern.finditer(a.text, start, len(a.text) if end is None else end):
        before = a.text[max(0, m.start() - 2):m.start()]
        if not negators.search(before):
            return (m.start(), m.end())
    return None


def _questions(a: Analysis) -> List[Span]:
    qs = []
    for s, e in a.sentences:
        body = a.text[s:e].rstrip()
        if body.endswith("?") or re.search(r"[吗呢][~～]?$", body):
            qs.append((s, s + len(body)))
    return qs


def _clauses(a: Analysis) -> List[Span]:
    return [(m.start(), m.end()) for m in _CLAUSE.finditer(a.text) if len(_CJK.findall(m.group())) >= 2]


def _agree(a: Analysis, p, echoes: List[Span]) -> RuleResult:
    r = RuleResult("agree")
    phrase = _not_negated(p.parts["agreement_phrase"], a)
    if phrase:
        r.parts["agreement_phrase"] = phrase
        expl = _first(p.parts["positive_explanation"], a.text, phrase[1])
        if expl and len(_CJK.findall(a.text[phrase[1]:])) >= 10:
            clause = next((c for c in _clauses(a) if c[0] <= expl[0] < c[1]), expl)
            r.parts["positive_explanation"] = clause
    if echoes:
        r.parts["echo"] = echoes[0]
    return r


_PRODUCT_SUBJECT = re.compile(r"^\s*(我们|咱们|本店|这款|这台|这辆|这部|这个车|这车|车子|它|配置|外观|内饰|发动机|空间|油耗|价格)")


def _praises_the_product(a: Analysis, phrase: Span) -> bool:
    """The praise phrase sits in a clause about the car or the dealership, with nobody addressed."""
    clause = next((c for c in _clauses(a) if c[0] <= phrase[0] < c[1]), None)
    if clause is None:
        return False
    text = a.text[clause[0]:clause[1]]
    return bool(_PRODUCT_SUBJECT.match(text)) and not re.search(r"[您你]", text)


def _praise(a: Analysis, p, echoes: List[Span]) -> RuleResult:
    r = RuleResult("praise")
    phrase = _not_negated(p.parts["praise_phrase"], a)
    # Praise is about the customer: 这车真漂亮 admires the car, not the person in front of us.
    if phrase and ("您" in a.text or "你" in a.text or echoes) and not _praises_the_product(a, phrase):
        r.parts["praise_phrase"] = phrase
        others = [c for c in _clauses(a) if not (c[0] <= phrase[0] < c[1]) and len(_CJK.findall(a.text[c[0]:c[1]])) >= 5]
        same = next((c for c in _clauses(a) if c[0] <= phrase[0] < c[1]), None)
        # The praise point: a factual clause, preferably one echoing what the customer said or did.
        echoing = [c for c in others + ([same] if same else []) if any(c[0] <= e[0] < c[1] for e in echoes)]
        if echoing:
            r.parts["praise_point"] = echoing[0]
        elif others:
            r.parts["praise_point"] = others[0]
        elif same and len(_CJK.findall(a.text[same[0]:same[1]])) - (phrase[1] - phrase[0]) >= 6:
            r.parts["praise_point"] = same
    return r


def _is_check(a: Analysis, q: Span) -> bool:
    return bool(_first(load_phrasebook().patterns["rhetorical"].parts["check_question"], a.text, *q))


@lru_cache(maxsize=1)
def _open_word_matcher():
    """spaCy Matcher over jieba tokens: a token that is, or starts with, an open-question word (哪/什么/多久...).
    Built once; token-level so that 哪方面 / 什么样 / 多长 match however jieba segments them."""
    from spacy.matcher import Matcher

    words = sorted(load_phrasebook().question_words, key=len, reverse=True)
    matcher = Matcher(load_nlp().vocab)
    matcher.add("OPEN_WORD", [[{"TEXT": {"REGEX": "^(" + "|".join(map(re.escape, words)) + ")"}}]])
    return matcher


def _guide(a: Analysis, p) -> RuleResult:
    r = RuleResult("guide")
    open_words = [a.doc[start].idx for _, start, _ in _open_word_matcher()(a.doc)]
    for q in _questions(a):
        has_open_word = any(q[0] <= i < q[1] for i in open_words)
        if not (has_open_word or _first(p.parts["guiding_phrase"], a.text, *q)):
            continue
        if _is_check(a, q) and not has_open_word:
            continue  # ……您觉得呢？ checks a reaction to what was said; it does not open the talk
        r.parts["guiding_phrase"] = q
        if _first(p.parts["style_heart_to_heart"], a.text):
            r.detail = "heart_to_heart"
        elif _first(p.parts["style_probe"], a.text, *q) or echo_spans(a):
            r.detail = "probe"  # digs into what the customer just said
        else:
            r.detail = "indirect"
        break
    return r


def _narrate(a: Analysis, p) -> RuleResult:
    r = RuleResult("narrate")
    # Most specific form first: a comparison marker (更, 多了) is common inside the other forms.
    # Narration is told, not asked: markers inside an open question (……比，哪里……？) do not count.
    open_questions = [q for q in _questions(a) if _OPEN_WORDS.search(a.text, *q)]
    for form in ("metaphor", "authority", "case", "comparison"):
        # 比较 ("rather") and 性价比/对比 as nouns are not a comparison with something else.
        hit = next(((m.start(), m.end()) for m in p.extra[form].finditer(a.text)
                    if a.text[m.start():m.start() + 2] != "比较"
                    and a.text[max(0, m.start() - 2):m.start() + 1] != "性价比"
                    and not any(q[0] <= m.start() < q[1] for q in open_questions)), None)
        if hit:
            r.detail = form
            r.parts["narration"] = next((c for c in _clauses(a) if c[0] <= hit[0] < c[1]), hit)
            break
    facts = _first(p.extra["fact_markers"], a.text)
    if facts:
        r.parts["facts"] = next((c for c in _clauses(a) if c[0] <= facts[0] < c[1]), facts)
    return r


def _rhetorical(a: Analysis, p) -> RuleResult:
    r = RuleResult("rhetorical")
    qs = _questions(a)
    if qs:
        last = qs[-1]
        clauses = [c for c in _clauses(a) if last[0] <= c[0] < last[1]] or [last]
        tail = clauses[-1]
        # A check asks for a reaction to what was said; a tail with 哪/什么... is an open question instead.
        hit = _first(p.parts["check_question"], a.text, tail[0], last[1])
        if hit and not _OPEN_WORDS.search(a.text, tail[0], last[1]):
            r.parts["check_question"] = (tail[0], last[1])
        if len(_CJK.findall(a.text[:tail[0]])) >= 8:
            r.parts["statement"] = (0, tail[0])
    return r


def _commit(a: Analysis, p) -> RuleResult:
    r = RuleResult("commit")
    for q in reversed(_questions(a)):
        tail = [c for c in _clauses(a) if q[0] <= c[0] < q[1]] or [q]
        strong = _first(p.parts["consent_question"], a.text, q[0], q[1])
        weak = _first(p.parts["consent_tail"], a.text, tail[-1][0], q[1])
        step_here = _first(p.parts["next_step"], a.text, q[0], q[1])
        if strong or (weak and step_here):
            r.parts["consent_question"] = (tail[-1][0], q[1]) if not strong else (min(strong[0], tail[-1][0]), q[1])
            step = _first(p.parts["next_step"], a.text, 0, q[1])
            if step:
                r.parts["next_step"] = next((c for c in _clauses(a) if c[0] <= step[0] < c[1]), step)
            break
    return r


def is_hostile(a: Analysis) -> bool:
    """Sarcasm, blame, pressure or a put-down (content/phrases/patterns.yml: hostile_cues)."""
    return bool(load_phrasebook().hostile.search(a.text))


def find_parts(a: Analysis) -> Dict[str, RuleResult]:
    book = load_phrasebook()
    echoes = echo_spans(a)
    results = {
        "agree": _agree(a, book.patterns["agree"], echoes),
        "praise": _praise(a, book.patterns["praise"], echoes),
        "guide": _guide(a, book.patterns["guide"]),
        "narrate": _narrate(a, book.patterns["narrate"]),
        "rhetorical": _rhetorical(a, book.patterns["rhetorical"]),
        "commit": _commit(a, book.patterns["commit"]),
    }
    hostile = is_hostile(a)
    for code, r in results.items():
        r.negative = hostile or bool(book.patterns[code].negative.search(a.text))
    return results


def rule_features(a: Analysis, results: Dict[str, RuleResult]) -> Dict[str, float]:
    """Numeric features for the classifier: parts present, disqualifying cues, question shape."""
    feats: Dict[str, float] = {}
    for code in PATTERN_CODES:
        r = results[code]
        for part in PARTS[code]:
            feats[f"{code}.{part}"] = 1.0 if part in r.parts else 0.0
        feats[f"{code}.negative"] = 1.0 if r.negative else 0.0
        feats[f"{code}.complete"] = 1.0 if all(p in r.parts for p in PARTS[code]) else 0.0
    for form in NARRATE_FORMS:
        feats[f"narrate.form.{form}"] = 1.0 if results["narrate"].detail == form else 0.0
    feats["hostile"] = 1.0 if is_hostile(a) else 0.0
    qs = _questions(a)
    feats["questions"] = min(len(qs), 3) / 3
    feats["ends_with_question"] = 1.0 if qs and qs[-1][1] >= len(a.text.rstrip()) - 1 else 0.0
    feats["echo"] = min(len(echo_spans(a)), 3) / 3
    n = len(_CJK.findall(a.text))
    feats["short"] = 1.0 if n < 15 else 0.0
    feats["long"] = 1.0 if n > 45 else 0.0
    return feats
