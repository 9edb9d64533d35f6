"""The reading's cue lists (content/phrases/skills.yml, content/phrases/acts.yml and the topic keywords of
content/question_topics.yml), validated and compiled once with the one cue syntax (cues.py)."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Pattern, Tuple

from ..codes import FBI_PARTS, WORDED_TRUST_BREAKERS
from ..content import ContentError, load_yaml, require
from ..text import normalise
from .cues import compile_cues

SKILLS_FILE = "phrases/skills.yml"
ACTS_FILE = "phrases/acts.yml"
TOPICS_FILE = "question_topics.yml"
PROBES = ("summarise", "clarify", "repeat", "expand")  # checked in this order
TMD = ("time", "money", "decision")
# skills.yml questions: the lists that read consent from a question's structure (reading/questions.py)
CONSENT_STRUCTURE = (
    "consent_tag",
    "appointment",
    "arrangement",
    "habit",
    "step_choice",
    "hand_over",
    "proposal_lead",
    "come_by",
)
CHECK_STRUCTURE = ("about_customer", "bare_check", "judgement")
STEPS = (1, 2, 3, 4)
OBJECTION_TECHNIQUES = ("ignore", "deny", "defer", "transfer", "prevention", "comparison")
CLOSING_TECHNIQUES = ("if_then", "step_by_step", "alternative", "assumptive", "future_event", "ask_wait")
# the anti-patterns read from cue lists: the trust breakers a reply's words show, and two the reading decides alone
ANTI_LIST_CODES = WORDED_TRUST_BREAKERS + ("noisy_engine", "vague_claim")
ANTI_CODES = ANTI_LIST_CODES + ("bare_price", "lecture", "off_topic")
ACTS = (
    "greet",
    "overview",
    "test_drive",
    "price",
    "close",
    "appointment",
    "process",
    "referral",
    "small_talk",
    "goodbye",
    "next_step",
    "product",
    "ask_name",
    "call_purpose",
    "referrer",
    "thank",
    "survey",
)


@dataclass(frozen=True)
class ReadingCues:
    fbi: Dict[str, Pattern]
    fbi_lines: Dict[str, Tuple[Pattern, ...]]  # each cue line on its own (features of the FBI model)
    fbi_missing: Dict[str, str]
    question_end: Pattern
    closed: Pattern
    open: Pattern
    check: Pattern  # a question asking the customer to affirm what was just said
    consent: Pattern  # a question asking consent for a next step
    consent_tag: Pattern  # a bare leave-asking tag closing a proposal (……，好吗?)
    appointment: Pattern  # a day or a time of day
    arrangement: Pattern  # words that fix a meeting (方便, 有空, 还是……)
    habit: Pattern  # words that ask about a habit instead (平时, 一般……)
    step_choice: Pattern  # a choice between ways of taking the next step (转账还是刷卡)
    hand_over: Pattern  # a request that the customer do something for us (发给我, 推给……)
    proposal_lead: Pattern  # a sentence opening a proposal (要不……), whose question asks consent
    come_by: Pattern  # whether the customer has time, or it suits them, to come by (方便过来……)
    about_customer: Pattern  # a clause whose subject is the customer (您平时……): a check of it asks a fact
    bare_check: Pattern  # a check tag on its own (对吧 / 是不是)
    judgement: Pattern  # a degree word judging something (挺/很/真……): the clause makes a point
    probes: Dict[str, Pattern]
    tmd: Dict[str, Pattern]
    objection_cues: Pattern
    steps: Dict[int, Pattern]
    step_missing: Dict[int, str]
    objection_techniques: Dict[str, Pattern]
    closing: Dict[str, Pattern]
    late_stages: FrozenSet[str]
    price_talk_stages: FrozenSet[str]
    chat_welcome_stages: FrozenSet[str]  # stages where small talk never dodges the customer (G3)
    hospitality: Pattern  # serving the customer (a drink, a seat): not chat
    anti: Dict[str, Pattern]
    price: Pattern
    price_value_words: Pattern
    curt_chars: FrozenSet[str]
    data_words: Pattern
    lecture_chars: int
    lecture_sentences: int
    anti_messages: Dict[str, str]
    acts: Dict[str, Pattern]
    address: Pattern  # forms of address (何阿姨, 王总): never a technique
    topics: Tuple[Tuple[str, Tuple[str, ...]], ...]  # (topic id, keywords)
    strike: FrozenSet[str]  # anti-patterns that break the customer's trust (content/roleplay.yml)
    tmd_topics: Dict[str, str]


def _messages(mapping: Dict, keys, where: str) -> Dict[Any, str]:
    found = require(mapping, "messages" if "messages" in mapping else "missing", dict, where)
    return {k: require(found, k, str, f"{where}.messages") for k in keys}


def _cues(mapping: Dict, key: Any, where: str) -> Pattern:
    if not isinstance(mapping, dict) or key not in mapping:
        raise ContentError(f"{where}: missing required field '{key}'")
    return compile_cues(mapping[key], f"{where}.{key}")


@lru_cache(maxsize=1)
def load_cues() -> ReadingCues:
    data = load_yaml(SKILLS_FILE)
    w = SKILLS_FILE
    fbi = require(data, "fbi", dict, w)
    q = require(data, "questions", dict, w)
    obj = require(data, "objections", dict, w)
    close = require(data, "closing", dict, w)
    anti = require(data, "anti_patterns", dict, w)
    steps = require(obj, "steps", dict, f"{w}: objections")
    acts_data = load_yaml(ACTS_FILE)
    acts = require(acts_data, "acts", dict, ACTS_FILE)
    unknown = set(acts) - set(ACTS)
    if unknown:
        raise ContentError(f"{ACTS_FILE}: acts: unknown act(s) {sorted(unknown)}; allowed: {list(ACTS)}")
    topics_data = load_yaml(TOPICS_FILE)
    topics = tuple(
        (tid, tuple(normalise(str(k)) for k in require(raw, "keywords", list, f"{TOPICS_FILE}: {tid}")))
        for tid, raw in require(topics_data, "topics", dict, TOPICS_FILE).items()
    )
    tmd_topics = require(topics_data, "tmd", dict, TOPICS_FILE)
    return ReadingCues(
        fbi={p: _cues(fbi, p, f"{w}: fbi") for p in FBI_PARTS + ("scene",)},
        fbi_lines={
            p: tuple(compile_cues([line], f"{w}: fbi.{p}[{i}]") for i, line in enumerate(fbi[p]))
            for p in FBI_PARTS + ("scene",)
        },
        fbi_missing=_messages(fbi, FBI_PARTS + ("order", "feature_dump"), f"{w}: fbi"),
        question_end=_cues(q, "question_end", f"{w}: questions"),
        closed=_cues(q, "closed", f"{w}: questions"),
        open=_cues(q, "open", f"{w}: questions"),
        check=_cues(q, "check", f"{w}: questions"),
        consent=_cues(q, "consent", f"{w}: questions"),
        **{k: _cues(q, k, f"{w}: questions") for k in CONSENT_STRUCTURE + CHECK_STRUCTURE},
        probes={p: _cues(require(q, "probes", dict, f"{w}: questions"), p, f"{w}: questions.probes") for p in PROBES},
        tmd={t: _cues(require(q, "tmd", dict, f"{w}: questions"), t, f"{w}: questions.tmd") for t in TMD},
        objection_cues=_cues(obj, "customer_cues", f"{w}: objections"),
        steps={s: _cues(steps, s, f"{w}: objections.steps") for s in STEPS},
        step_missing=_messages(obj, STEPS, f"{w}: objections"),
        objection_techniques={
            t: _cues(require(obj, "techniques", dict, f"{w}: objections"), t, f"{w}: objections.techniques")
            for t in OBJECTION_TECHNIQUES
        },
        closing={
            t: _cues(require(close, "techniques", dict, f"{w}: closing"), t, f"{w}: closing.techniques")
            for t in CLOSING_TECHNIQUES
        },
        late_stages=frozenset(require(close, "late_stages", list, f"{w}: closing")),
        price_talk_stages=frozenset(require(anti, "price_talk_stages", list, f"{w}: anti_patterns")),
        chat_welcome_stages=frozenset(require(anti, "chat_welcome_stages", list, f"{w}: anti_patterns")),
        hospitality=_cues(anti, "hospitality", f"{w}: anti_patterns"),
        anti={c: _cues(anti, c, f"{w}: anti_patterns") for c in ANTI_LIST_CODES},
        price=_cues(anti, "price", f"{w}: anti_patterns"),
        price_value_words=_cues(anti, "price_value_words", f"{w}: anti_patterns"),
        curt_chars=frozenset(require(anti, "curt_chars", str, f"{w}: anti_patterns")),
        data_words=_cues(anti, "data_words", f"{w}: anti_patterns"),
        lecture_chars=require(anti, "lecture_chars", int, f"{w}: anti_patterns"),
        lecture_sentences=require(anti, "lecture_sentences", int, f"{w}: anti_patterns"),
        anti_messages=_messages(anti, ANTI_CODES, f"{w}: anti_patterns"),
        acts={name: _cues(acts, name, f"{ACTS_FILE}: acts") for name in acts},
        address=_cues(acts_data, "address_forms", ACTS_FILE),
        topics=topics,
        tmd_topics={k: str(v) for k, v in tmd_topics.items()},
        strike=frozenset(require(load_yaml("roleplay.yml"), "strike_anti_patterns", list, "roleplay.yml")),
    )
