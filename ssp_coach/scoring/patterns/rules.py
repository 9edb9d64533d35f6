"""Rule layer for the six speech patterns: which structural parts of each pattern a turn contains.

Everything question-shaped (is it a question, is it open, does it ask for information, for the customer's
affirmation or for consent) comes from the turn's reading; this module only looks for the pattern's own
phrases (content/phrases/patterns.yml). A pattern's KEY part is its key move: present = detected; its other
parts only raise its quality (docs/annotation-guide.md).
"""

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from ...nlp import load_nlp
from ...reading import TurnReading
from ...reading.cues import find
from ...reading.phrases import load_cues
from ...reading.questions import CHECK, CONSENT, INFO
from ...reading.turn import Evidence
from ...reading.units import CJK, cjk_count, clause_at
from ..trust import sounds_hostile
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
# The key move of each pattern: the part whose presence is the detection.
KEY_PARTS = {
    "agree": ("agreement_phrase",),
    "praise": ("praise_phrase",),
    "guide": ("guiding_phrase",),
    "narrate": ("narration",),
    "rhetorical": ("check_question",),
    "commit": ("consent_question",),
}

Span = Tuple[int, int]


@dataclass
class RuleResult:
    code: str
    parts: Dict[str, Span] = field(default_factory=dict)
    negative: bool = False
    detail: Optional[str] = None  # narrate form / guide style

    def evidence(self, r: TurnReading) -> List[Evidence]:
        return [r.evidence(self.code, part, s, e) for part, (s, e) in self.parts.items()]


@lru_cache(maxsize=2048)
def _content_words(context: str) -> Tuple[str, ...]:
    """Content words of the customer's line (jieba tokens, 2+ chars, not stop words)."""
    stop = load_phrasebook().stopwords
    words = {t.text for t in load_nlp()(context) if len(t.text) >= 2 and CJK.search(t.text) and t.text not in stop}
    return tuple(sorted(words, key=len, reverse=True))


def echo_spans(r: TurnReading) -> List[Span]:
    """Where the reply repeats the customer's content words (or, failing that, 2-char pieces of them)."""
    if not r.context:
        return []
    spans = []
    words = _content_words(r.context)
    for w in words:
        i = r.text.find(w)
        if i >= 0:
            spans.append((i, i + len(w)))
    if not spans:
        for w in words:
            for k in range(len(w) - 1):
                i = r.text.find(w[k : k + 2])
                if i >= 0:
                    spans.append((i, i + 2))
                    break
    return sorted(spans)


def _not_negated(pattern, r: TurnReading, start: int = 0, end: Optional[int] = None) -> Optional[Span]:
    """First match not preceded by a negator (我真理解不了 / 不同意 are not agreement) nor inside an address."""
    negators = load_phrasebook().negators
    for m in pattern.finditer(r.text, start, len(r.text) if end is None else end):
        # only within the clause (the reading's): the 不 of "还响不？" does not negate the praise after it
        clause_start = _clause(r, m.start(), (0, len(r.text)))[0]
        before = r.text[max(clause_start, m.start() - 2) : m.start()]
        if m.end() > m.start() and not negators.search(before) and not r.in_address(m.start()):
            return (m.start(), m.end())
    return None


def _clause(r: TurnReading, offset: int, fallback: Span) -> Span:
    return clause_at(r.clauses, offset, fallback)


def _agree(r: TurnReading, p, echoes: List[Span]) -> RuleResult:
    out = RuleResult("agree")
    phrase = _not_negated(p.parts["agreement_phrase"], r)
    if phrase:
        out.parts["agreement_phrase"] = phrase
        expl = find(p.parts["positive_explanation"], r.text, phrase[1])
        if expl and cjk_count(r.text[phrase[1] :]) >= 10:
            out.parts["positive_explanation"] = _clause(r, expl[0], expl)
    if echoes:
        out.parts["echo"] = echoes[0]
    return out


def _praises_the_product(r: TurnReading, phrase: Span, p) -> bool:
    """The praise phrase sits in a clause about the car or the dealership, with nobody addressed."""
    clause = _clause(r, phrase[0], phrase)
    text = r.text[clause[0] : clause[1]]
    return bool(p.extra["product_subject"].match(text)) and "您" not in text and "你" not in text


def _praise(r: TurnReading, p, echoes: List[Span]) -> RuleResult:
    out = RuleResult("praise")
    phrase = _not_negated(p.parts["praise_phrase"], r)
    # Praise is about the customer: 这车真漂亮 admires the car, not the person in front of us.
    if phrase and ("您" in r.text or "你" in r.text or echoes) and not _praises_the_product(r, phrase, p):
        out.parts["praise_phrase"] = phrase
        same = _clause(r, phrase[0], phrase)
        others = [c for c in r.clauses if c != same and cjk_count(r.text[c[0] : c[1]]) >= 5]
        echoing = [c for c in others + [same] if any(c[0] <= e[0] < c[1] for e in echoes)]
        if echoing:
            out.parts["praise_point"] = echoing[0]
        elif others:
            out.parts["praise_point"] = others[0]
        elif cjk_count(r.text[same[0] : same[1]]) - (phrase[1] - phrase[0]) >= 6:
            out.parts["praise_point"] = same
    return out


def _guide(r: TurnReading, p) -> RuleResult:
    """Any question or invitation that leads the customer to reveal needs, facts or a view."""
    out = RuleResult("guide")
    asking = [
        q.span
        for q in r.question.of(INFO)
        if not find(p.extra["procedure"], r.text, *q.span) and not find(p.extra["etiquette"], r.text, *q.span)
    ]
    # an invitation to talk counts when nothing else is asked (a name or a document asked does not count)
    formalities = [q.span for q in r.question.of(INFO) if q.span not in asking]
    invitation = next(
        (
            (m.start(), m.end())
            for m in p.parts["guiding_phrase"].finditer(r.text)
            if not any(s <= m.start() < e for s, e in formalities)
        ),
        None,
    )
    if asking:
        out.parts["guiding_phrase"] = asking[0]
    elif invitation and len(r.question.items) == len(formalities):
        out.parts["guiding_phrase"] = _clause(r, invitation[0], invitation)
    if "guiding_phrase" in out.parts:
        if find(p.extra["style_heart_to_heart"], r.text):
            out.detail = "heart_to_heart"
        elif find(p.extra["style_probe"], r.text, *out.parts["guiding_phrase"]) or echo_spans(r):
            out.detail = "probe"  # digs into what the customer just said
        else:
            out.detail = "indirect"
    return out


def _not_a_comparison(text: str, start: int) -> bool:
    """比较 ("rather") and 性价比/对比 as nouns compare nothing with anything."""
    return text.startswith("比较", start) or text[max(0, start - 2) : start + 1] == "性价比"


def _narrate(r: TurnReading, p) -> RuleResult:
    out = RuleResult("narrate")
    # Most specific form first: a comparison marker (更, 多了) is common inside the other forms.
    # Narration is told, not asked: markers inside an open question (……比，哪里……？) do not count.
    open_questions = [q.span for q in r.question.items if q.kind == "open"]
    for form in ("metaphor", "authority", "case", "comparison"):
        hit = next(
            (
                (m.start(), m.end())
                for m in p.extra[form].finditer(r.text)
                if m.end() > m.start()
                and not r.in_address(m.start())
                and not _not_a_comparison(r.text, m.start())
                and not any(q[0] <= m.start() < q[1] for q in open_questions)
            ),
            None,
        )
        if hit:
            out.detail = form
            out.parts["narration"] = _clause(r, hit[0], hit)
            break
    facts = find(p.extra["fact_markers"], r.text)
    if facts:
        out.parts["facts"] = _clause(r, facts[0], facts)
    return out


def _confirms_a_summary(r: TurnReading, check) -> bool:
    """A summary of what the customer said (我确认一下：…… / 也就是说……) closed by the check in the same
    sentence asks the customer to confirm their own needs (annotation guide RH1, G2)."""
    q = r.question
    if q.probe != "summarise" or not q.probe_span or q.probe_span[0] >= check.tail[0]:
        return False
    return not any(ch in "。!?;" for ch in r.text[q.probe_span[1] : check.tail[0]])


def _rhetorical(r: TurnReading) -> RuleResult:
    out = RuleResult("rhetorical")
    checks = r.question.of(CHECK)
    if checks and _confirms_a_summary(r, checks[-1]):
        return out  # the customer's needs read back and confirmed: guide (G2), not the consultant's point
    if checks:
        last = checks[-1]
        out.parts["check_question"] = (last.tail[0], last.span[1])
        if cjk_count(r.text[: last.tail[0]]) >= 8:
            out.parts["statement"] = (0, last.tail[0])
    return out


def _commit(r: TurnReading, p) -> RuleResult:
    out = RuleResult("commit")
    consents = r.question.of(CONSENT)
    if consents:
        q = consents[-1]
        out.parts["consent_question"] = (q.tail[0], q.span[1])
        step = find(p.parts["next_step"], r.text, 0, q.span[1])
        if step:
            out.parts["next_step"] = _clause(r, step[0], step)
    else:
        request = find(p.extra["polite_request"], r.text)
        if request:
            out.parts["consent_question"] = _clause(r, request[0], request)
    return out


def is_hostile(r: TurnReading) -> bool:
    """A trust breaker (annotation guide §9): a trust-breaking structure of the reading, or the learned model
    (scoring/trust.py) sure of the tone. Such a reply carries no technique (P5)."""
    return bool(load_cues().strike & set(r.anti)) or sounds_hostile(r)


def find_parts(r: TurnReading) -> Dict[str, RuleResult]:
    book = load_phrasebook()
    echoes = echo_spans(r)
    results = {
        "agree": _agree(r, book.patterns["agree"], echoes),
        "praise": _praise(r, book.patterns["praise"], echoes),
        "guide": _guide(r, book.patterns["guide"]),
        "narrate": _narrate(r, book.patterns["narrate"]),
        "rhetorical": _rhetorical(r),
        "commit": _commit(r, book.patterns["commit"]),
    }
    hostile = is_hostile(r)
    for code, res in results.items():
        res.negative = hostile or bool(find(book.patterns[code].negative, r.text))
    return results


def opens_with_acknowledgement(r: TurnReading) -> bool:
    """A short first clause with more said after it (对，… / 那挺好，… / 也行，不过…): where an acceptance of
    the customer's view usually sits, whatever its words."""
    if len(r.clauses) < 2:
        return False
    start, end = r.clauses[0]
    words = r.text[start:end].strip()
    offset = start + len(r.text[start:end]) - len(r.text[start:end].lstrip())
    # a form of address (王先生，…) or a greeting (您好，…) opens a reply without acknowledging anything
    return 0 < cjk_count(words) <= 6 and not r.in_address(offset) and not find(load_cues().acts["greet"], words)


def rule_features(r: TurnReading, results: Dict[str, RuleResult]) -> Dict[str, float]:
    """Numeric features for the classifier: parts present, disqualifying cues, question shape."""
    feats: Dict[str, float] = {}
    for code in PATTERN_CODES:
        res = results[code]
        for part in PARTS[code]:
            feats[f"{code}.{part}"] = 1.0 if part in res.parts else 0.0
        feats[f"{code}.negative"] = 1.0 if res.negative else 0.0
        feats[f"{code}.complete"] = 1.0 if all(p in res.parts for p in PARTS[code]) else 0.0
    # Agreement comes before anything else is said (annotation guide 1.1): a 确实/没错 deep inside a
    # presentation is rarely the customer's view accepted.
    phrase = results["agree"].parts.get("agreement_phrase")
    feats["agree.first_sentence"] = 1.0 if phrase and r.sentences and phrase[0] < r.sentences[0][1] else 0.0
    for form in NARRATE_FORMS:
        feats[f"narrate.form.{form}"] = 1.0 if results["narrate"].detail == form else 0.0
    feats["hostile"] = 1.0 if is_hostile(r) else 0.0
    qs = r.question.items
    feats["questions"] = min(len(qs), 3) / 3
    feats["open_question"] = 1.0 if any(q.kind == "open" for q in qs) else 0.0
    feats["ends_with_question"] = 1.0 if qs and qs[-1].span[1] >= len(r.text.rstrip()) - 1 else 0.0
    feats["echo"] = min(len(echo_spans(r)), 3) / 3
    feats["product_talk"] = 1.0 if r.product_talk else 0.0
    n = cjk_count(r.text)
    # What the customer just said shapes what a reply's opening does (guide A2/A5): an acknowledgement of a
    # view or an objection may be agreement, one of a question or a request is not. (In a role-play the
    # objection is the one still pending, which the customer may have raised a few turns back; in the corpus
    # it is read from the customer's line.)
    ack = opens_with_acknowledgement(r)
    feats["context.question"] = 1.0 if r.customer_asked else 0.0
    feats["context.objection"] = 1.0 if r.objection.customer_objects else 0.0
    feats["opening_ack"] = 1.0 if ack else 0.0
    feats["opening_ack.to_a_view"] = 1.0 if ack and r.context and not r.customer_asked else 0.0
    feats["opening_ack.to_an_objection"] = 1.0 if ack and r.objection.customer_objects else 0.0
    # Whether a question asks about the purchase (a needs topic of question_topics.yml, a probe) or is only
    # logistics (您车停哪了? / 蓝牙配好了吗?), which leads the customer to reveal nothing (guide G5).
    feats["question.topic"] = 1.0 if r.question.topics else 0.0
    feats["question.probe"] = 1.0 if r.question.probe else 0.0
    feats["question.info_without_topic"] = 1.0 if r.question.of("info") and not r.question.topics else 0.0
    feats["short"] = 1.0 if n < 15 else 0.0
    feats["long"] = 1.0 if n > 45 else 0.0
    return feats
