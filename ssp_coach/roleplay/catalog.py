"""Role-play content: personas, products, scenarios, objections, question topics and trust dynamics.

Everything is read from trainer-editable YAML under content/ and validated on load; a broken file
raises ContentError naming the file and the field.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from ..codes import STAGES
from ..content import ContentError, load_yaml, require, require_choice
from ..text import normalise

CUSTOMER_TYPES = {"analytical": "分析型", "dominant": "支配型", "social": "社交型"}
MODES = {"practice": "练习", "exam": "考核"}
OUTCOMES = {"deal": "成交", "prospect": "有望客户", "lost": "战败客户"}
STEP_IDS = (1, 2, 3, 4)


@dataclass
class Fact:
    topic: str
    answer: str
    partial: Optional[str] = None


@dataclass
class Persona:
    id: str
    name: str
    type: str
    age: int
    occupation: str
    current_car: str
    usage: str
    hidden_needs: Dict[str, List[str]]
    tmd: Dict[str, str]
    preferred_model: str
    objections: List[str]
    tolerance: int
    facts: Dict[str, Fact]
    opening: Dict[str, str] = field(default_factory=dict)
    only_in: List[str] = field(default_factory=list)  # scenarios this persona is kept for (empty: any)
    lead: Optional[str] = None  # prospecting: where the cold-call lead came from (车展留资…)
    referrer: Optional[str] = None  # prospecting: who referred this prospect (您的同事赵工)


@dataclass
class Call:
    """The start of a new call in a scenario made of several calls (the after-sales cadence): the coach
    announces the time jump, the customer picks up and refers back to what was said in an earlier call."""

    announce: str
    recall: str  # the hidden fact whose earlier mention the customer brings back
    recalled: Dict[str, List[str]]  # per customer type: opening lines when `recall` was revealed before
    fresh: Dict[str, List[str]]  # per customer type: opening lines otherwise


@dataclass
class Product:
    id: str
    name: str
    category: str
    price: Dict[str, float]
    competitor: Dict[str, Any]
    specs: Dict[str, str]
    selling_points: List[str]
    features: List[Dict[str, str]]


@dataclass
class Stage:
    id: str
    title: str
    goal: str
    steps: List[str]
    exit_signals: List[str]
    exit_facts: int
    example: str
    raise_objection: bool = False
    process: Optional[str] = None  # the SSP process this stage practises, when it differs from the scenario
    call: Optional[Call] = None  # this stage opens a new call (a time jump)


@dataclass
class Scenario:
    id: str
    title: str
    briefing: str
    practise: List[str]
    facts: List[str]
    objections: List[str]
    objection_count: int
    ends_in_deal: bool
    opening: Dict[str, str]
    stages: List[Stage]
    ignore_topics: List[str] = field(default_factory=list)

    def stage(self, stage_id: Optional[str]) -> Stage:
        return next((s for s in self.stages if s.id == stage_id), self.stages[0])

    def process_of(self, stage_id: Optional[str]) -> str:
        """The SSP process (the scorer's `stage`) being practised at this stage."""
        return self.stage(stage_id).process or self.id

    def stage_index(self, stage_id: Optional[str]) -> int:
        return next((i for i, s in enumerate(self.stages) if s.id == stage_id), 0)

    def next_call(self, stage_id: Optional[str]) -> Optional[Stage]:
        """The first stage of the call after the current one (None in the last or only call)."""
        return next((s for s in self.stages[self.stage_index(stage_id) + 1 :] if s.call), None)


@dataclass
class Objection:
    id: str
    label: str
    lines: Dict[str, List[str]]
    escalated: Dict[str, List[str]]


@dataclass
class Topic:
    id: str
    label: str
    keywords: List[str]
    example: str


@dataclass
class Catalog:
    personas: Dict[str, Persona]
    products: Dict[str, Product]
    scenarios: Dict[str, Scenario]
    objections: Dict[str, Objection]
    topics: Dict[str, Topic]
    prospect_levels: List[Dict[str, Any]]
    dynamics: Dict[str, Any]
    concerns: Dict[str, str] = field(default_factory=dict)  # persona id -> the small problem it reports after sale

    def topic_label(self, topic_id: str) -> str:
        topic = self.topics.get(topic_id)
        return topic.label if topic else topic_id


SIGNALS = (
    "greet",
    "overview",
    "question",
    "open_question",
    "fact",
    "fbi",
    "product",
    "test_drive",
    "test_drive_accepted",
    "price",
    "objection_handled",
    "close",
    "small_talk",
    "appointment",
    "referral",
    "process",
    "next_step",
    "goodbye",
    "call_purpose",
    "referrer",
    "thank",
    "survey",
)
REQUIRED_FACTS = (
    "usage",
    "family",
    "current_car",
    "budget",
    "timeframe",
    "decision_maker",
    "priorities",
    "feelings",
    "preferences",
)


def _per_type(value: Any, where: str, kind: type = list) -> Dict[str, Any]:
    """A mapping with an entry for each customer type (lists must have at least one line)."""
    for ctype in CUSTOMER_TYPES:
        require(value, ctype, kind, where)
    return value


def _unique(item_id: Any, seen: Any, where: str) -> None:
    if item_id in seen:
        raise ContentError(f"{where}: duplicate id '{item_id}'")


def _str_list(mapping: Any, key: str, where: str) -> List[str]:
    items = require(mapping, key, list, where)
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise ContentError(f"{where}.{key}[{i}]: expected a non-empty string")
    return items


def _load_topics(base: Optional[Path]) -> Dict[str, Topic]:
    where = "question_topics.yml"
    data = load_yaml(where, base)
    topics = {}
    for tid, raw in require(data, "topics", dict, where).items():
        w = f"{where}: topics.{tid}"
        topics[tid] = Topic(
            tid, require(raw, "label", str, w), _str_list(raw, "keywords", w), require(raw, "example", str, w)
        )
    tmd = require(data, "tmd", dict, where)
    for key in ("time", "money", "decision"):
        require_choice(require(tmd, key, str, f"{where}: tmd"), topics, f"{where}: tmd.{key}")
    return topics


def _load_products(base: Optional[Path]) -> Dict[str, Product]:
    where = "products.yml"
    products: Dict[str, Product] = {}
    for i, raw in enumerate(require(load_yaml(where, base), "products", list, where)):
        w = f"{where}: products[{i}]"
        pid = require(raw, "id", str, w)
        w = f"{where}: products[{i}] ({pid})"
        _unique(pid, products, w)
        price = require(raw, "price", dict, w)
        for key in ("guide", "floor"):
            require(price, key, float, f"{w}.price")
        features = require(raw, "features", list, w)
        for j, feat in enumerate(features):
            for key in ("feature", "benefit", "impact"):
                require(feat, key, str, f"{w}.features[{j}]")
        competitor = require(raw, "competitor", dict, w)
        require(competitor, "name", str, f"{w}.competitor")
        require(competitor, "price", float, f"{w}.competitor")
        products[pid] = Product(
            pid,
            require(raw, "name", str, w),
            require(raw, "category", str, w),
            price,
            competitor,
            require(raw, "specs", dict, w),
            _str_list(raw, "selling_points", w),
            features,
        )
    return products


def _load_objections(base: Optional[Path]) -> Dict[str, Objection]:
    where = "objections.yml"
    objections = {}
    for oid, raw in require(load_yaml(where, base), "objections", dict, where).items():
        w = f"{where}: objections.{oid}"
        lines = _per_type(require(raw, "lines", dict, w), f"{w}.lines")
        for ctype, items in lines.items():
            if len(items) < 2:
                raise ContentError(f"{w}.lines.{ctype}: needs at least 2 lines per customer type")
        escalated = _per_type(require(raw, "escalated", dict, w), f"{w}.escalated")
        objections[oid] = Objection(oid, require(raw, "label", str, w), lines, escalated)
    return objections


def _load_personas(base: Optional[Path], products, objections, topics) -> Dict[str, Persona]:
    where = "personas.yml"
    personas: Dict[str, Persona] = {}
    for i, raw in enumerate(require(load_yaml(where, base), "personas", list, where)):
        pid = require(raw, "id", str, f"{where}: personas[{i}]")
        w = f"{where}: personas[{i}] ({pid})"
        _unique(pid, personas, w)
        ctype = require_choice(require(raw, "type", str, w), CUSTOMER_TYPES, f"{w}.type")
        model = require_choice(require(raw, "preferred_model", str, w), products, f"{w}.preferred_model")
        persona_objections = _str_list(raw, "objections", w)
        for oid in persona_objections:
            require_choice(oid, objections, f"{w}.objections")
        hidden = require(raw, "hidden_needs", dict, w)
        _str_list(hidden, "rational", f"{w}.hidden_needs")
        _str_list(hidden, "emotional", f"{w}.hidden_needs")
        tmd = require(raw, "tmd", dict, w)
        for key in ("time", "budget", "decision_maker"):
            require(tmd, key, str, f"{w}.tmd")
        facts = {}
        for topic, fact in require(raw, "facts", dict, w).items():
            require_choice(topic, topics, f"{w}.facts")
            fw = f"{w}.facts.{topic}"
            partial = fact.get("partial") if isinstance(fact, dict) else None
            facts[topic] = Fact(topic, require(fact, "answer", str, fw), partial if isinstance(partial, str) else None)
        for topic in REQUIRED_FACTS:
            if topic not in facts:
                raise ContentError(f"{w}.facts: missing required fact '{topic}'")
        tolerance = require(raw, "tolerance", int, w)
        if tolerance < 1:
            raise ContentError(f"{w}.tolerance: must be at least 1")
        opening = raw.get("opening") or {}
        if not isinstance(opening, dict):
            raise ContentError(f"{w}.opening: expected a mapping of scenario id to line")
        only_in = _str_list(raw, "only_in", w) if "only_in" in raw else []
        for key in ("lead", "referrer"):
            if key in raw and not (isinstance(raw[key], str) and raw[key].strip()):
                raise ContentError(f"{w}.{key}: expected a non-empty string")
        personas[pid] = Persona(
            pid,
            require(raw, "name", str, w),
            ctype,
            require(raw, "age", int, w),
            require(raw, "occupation", str, w),
            require(raw, "current_car", str, w),
            require(raw, "usage", str, w),
            hidden,
            tmd,
            model,
            persona_objections,
            tolerance,
            facts,
            opening,
            only_in,
            raw.get("lead"),
            raw.get("referrer"),
        )
    for ctype, label in CUSTOMER_TYPES.items():
        if sum(1 for p in personas.values() if p.type == ctype) < 2:
            raise ContentError(f"{where}: needs at least 2 personas of type '{ctype}' ({label})")
    return personas


def _load_scenarios(base: Optional[Path], objections, topics) -> Dict[str, Scenario]:
    where = "scenarios.yml"
    scenarios: Dict[str, Scenario] = {}
    for i, raw in enumerate(require(load_yaml(where, base), "scenarios", list, where)):
        sid = require(raw, "id", str, f"{where}: scenarios[{i}]")
        w = f"{where}: scenarios[{i}] ({sid})"
        _unique(sid, scenarios, w)
        stages: List[Stage] = []
        for j, st in enumerate(require(raw, "stages", list, w)):
            sw = f"{w}.stages[{j}]"
            exit_ = require(st, "exit", dict, sw)
            signals = exit_.get("signals") or []
            for sig in signals:
                require_choice(sig, SIGNALS, f"{sw}.exit.signals")
            _unique(st.get("id"), {s.id for s in stages}, sw)
            stages.append(
                Stage(
                    require(st, "id", str, sw),
                    require(st, "title", str, sw),
                    require(st, "goal", str, sw),
                    _str_list(st, "steps", sw),
                    signals,
                    int(exit_.get("facts") or 0),
                    require(st, "example", str, sw),
                    bool(st.get("raise_objection", False)),
                    st.get("process"),
                    _call(st["call"], f"{sw}.call", topics) if "call" in st else None,
                )
            )
        scenario_objections = _str_list(raw, "objections", w)
        for oid in scenario_objections:
            require_choice(oid, objections, f"{w}.objections")
        facts = _str_list(raw, "facts", w)
        ignore = raw.get("ignore_topics") or []
        for topic in facts + ignore:
            require_choice(topic, topics, f"{w}.facts/ignore_topics")
        scenarios[sid] = Scenario(
            sid,
            require(raw, "title", str, w),
            require(raw, "briefing", str, w),
            _str_list(raw, "practise", w),
            facts,
            scenario_objections,
            int(raw.get("objection_count") or 0),
            bool(raw.get("ends_in_deal", False)),
            _per_type(require(raw, "opening", dict, w), f"{w}.opening", str),
            stages,
            ignore,
        )
    for sid, scenario in scenarios.items():
        for st in scenario.stages:
            if st.process is not None:  # another scenario, or a process the scorer knows (codes.STAGES)
                processes = [k for k in scenarios if k != sid] + list(STAGES)
                require_choice(st.process, processes, f"scenarios.yml {sid}.{st.id}.process")
            if st.raise_objection and not scenario.objections:
                raise ContentError(
                    f"scenarios.yml {sid}.{st.id}: raise_objection needs the scenario to list objections"
                )
    return scenarios


def _call(raw: Any, where: str, topics: Dict[str, Topic]) -> Call:
    recall = require_choice(require(raw, "recall", str, where), topics, f"{where}.recall")
    openings = {}
    for key in ("recalled", "fresh"):
        per_type = _per_type(require(raw, key, dict, where), f"{where}.{key}")
        for ctype in CUSTOMER_TYPES:
            _str_list(per_type, ctype, f"{where}.{key}")
        openings[key] = per_type
    return Call(require(raw, "announce", str, where), recall, openings["recalled"], openings["fresh"])


def _load_concerns(base: Optional[Path], personas: Dict[str, Persona]) -> Dict[str, str]:
    """content/after_sale_memory.yml: each after-sale persona's small problem, said back in later calls."""
    where = "after_sale_memory.yml"
    concerns = require(load_yaml(where, base), "concerns", dict, where)
    for pid, text in concerns.items():
        require_choice(pid, personas, f"{where}: concerns")
        if not isinstance(text, str) or not text.strip():
            raise ContentError(f"{where}: concerns.{pid}: expected a non-empty string")
    for pid, persona in personas.items():
        if "satisfaction" in persona.facts and pid not in concerns:
            raise ContentError(f"{where}: concerns: missing '{pid}' (the persona has a satisfaction fact)")
    return concerns


def _load_dynamics(base: Optional[Path]) -> Dict[str, Any]:
    where = "roleplay.yml"
    data = load_yaml(where, base)
    _per_type(require(data, "start_trust", dict, where), f"{where}: start_trust", float)
    thresholds = require(data, "thresholds", dict, where)
    for key in (
        "walk_away",
        "deal",
        "test_drive",
        "emotional_reveal",
        "tmd_reveal",
        "warm_step",
        "cool_step",
        "max_turn_change",
    ):
        require(thresholds, key, float, f"{where}: thresholds")
    _per_type(require(data, "long_speech_chars", dict, where), f"{where}: long_speech_chars", int)
    _per_type(require(data, "tmd_blunt_extra", dict, where), f"{where}: tmd_blunt_extra", int)
    deltas = require(data, "deltas", dict, where)
    for group in ("techniques", "anti_patterns", "events"):
        for name, per_type in require(deltas, group, dict, f"{where}: deltas").items():
            _per_type(per_type, f"{where}: deltas.{group}.{name}", float)
    steps = require(data, "objection_steps", dict, where)
    for step in STEP_IDS:
        require(
            require(steps, step, dict, f"{where}: objection_steps"), "example", str, f"{where}: objection_steps.{step}"
        )
    require(data, "objection_resolve_steps", list, where)
    require(data, "strike_anti_patterns", list, where)
    return data


def _load_levels(base: Optional[Path]) -> List[Dict[str, Any]]:
    where = "prospect_levels.yml"
    levels = require(load_yaml(where, base), "levels", list, where)
    for i, level in enumerate(levels):
        require(level, "id", str, f"{where}: levels[{i}]")
        require(level, "label", str, f"{where}: levels[{i}]")
    if not any(level.get("deal") for level in levels):
        raise ContentError(f"{where}: one level must have 'deal: true' (the booked-order level, e.g. P0)")
    return levels


# Powertrain words: a line shown with any product may name one only if every product has it.
POWERTRAINS = {"hybrid": ("混动", "混合动力"), "electric": ("纯电", "续航", "充电", "电池")}


def powertrain(product: "Product") -> str:
    specs = " ".join(f"{k} {v}" for k, v in product.specs.items())
    if any(w in specs for w in POWERTRAINS["hybrid"]):
        return "hybrid"
    return "electric" if "电机" in product.specs and "发动机" not in product.specs else "petrol"


def _check_product_neutral(texts: List[Tuple[str, str]], products: Dict[str, "Product"]) -> None:
    """Coach examples and scenario lines are shown whatever product the persona wants: they must not
    claim a powertrain (hybrid fuel figures, battery range) that some product does not have."""
    kinds = {powertrain(p) for p in products.values()}
    for where, text in texts:
        for kind, words in POWERTRAINS.items():
            if kinds != {kind} and any(w in text for w in words):
                raise ContentError(
                    f"{where}: “{text[:40]}…” names a {kind} powertrain, but not every product "
                    f"is {kind}; say it through {{model}}-neutral words or move it to products.yml"
                )


# A scenario's default opening is said by every persona of the type: it may not invent their family.
FAMILY_WORDS = ("老婆", "老公", "太太", "先生", "孩子", "儿子", "女儿", "孙子", "孙女", "爸妈", "父母")


def _check_openings_fit_every_persona(scenarios: Dict[str, "Scenario"]) -> None:
    for sc in scenarios.values():
        for ctype, text in sc.opening.items():
            word = next((w for w in FAMILY_WORDS if w in text), None)
            if word:
                raise ContentError(
                    f"scenarios.yml: {sc.id}.opening.{ctype}: “{text}” mentions {word}, which not every "
                    f"{ctype} persona has; put it in that persona's opening (personas.yml)"
                )


def build_catalog(base: Optional[Path] = None) -> Catalog:
    """Load and validate every role-play content file under `base` (default: content/)."""
    topics = _load_topics(base)
    products = _load_products(base)
    objections = _load_objections(base)
    scenarios = _load_scenarios(base, objections, topics)
    dynamics = _load_dynamics(base)
    shown_with_any_product = [
        (f"scenarios.yml: {sc.id}.{st.id}.example", st.example) for sc in scenarios.values() for st in sc.stages
    ]
    shown_with_any_product += [(f"question_topics.yml: {t.id}.example", t.example) for t in topics.values()]
    shown_with_any_product += [
        (f"roleplay.yml: objection_steps.{k}.example", str(v["example"]))
        for k, v in dynamics["objection_steps"].items()
    ]
    _check_product_neutral(shown_with_any_product, products)
    _check_openings_fit_every_persona(scenarios)
    personas = _load_personas(base, products, objections, topics)
    for persona in personas.values():
        for sid in persona.only_in:
            require_choice(sid, scenarios, f"personas.yml: {persona.id}.only_in")
    return Catalog(
        personas=personas,
        products=products,
        scenarios=scenarios,
        objections=objections,
        topics=topics,
        prospect_levels=_load_levels(base),
        dynamics=dynamics,
        concerns=_load_concerns(base, personas),
    )


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    return build_catalog()


def scenario_menu() -> List[Tuple[str, str]]:
    return [(s.id, s.title) for s in load_catalog().scenarios.values()]


# Extra typed names for menu answers (normalised Simplified text); ids and Chinese titles match too.
_ALIASES = {
    "customer_type": {
        "analytical": ["分析"],
        "dominant": ["支配", "老板型"],
        "social": ["社交"],
        "random": ["随机", "随便", "random"],
    },
    "scenario": {
        "reception": ["接待", "展厅"],
        "phone": ["电话"],
        "needs": ["需求"],
        "presentation": ["商品介绍", "产品介绍", "介绍"],
        "test_drive": ["试驾", "试乘"],
        "negotiation": ["议价", "异议", "谈价"],
        "closing": ["成交", "签约"],
        "delivery": ["交付", "交车"],
        "follow_up": ["回访", "跟踪", "售后"],
        "prospect_cold": ["潜在客户", "陌生电话", "车展线索", "开发"],
        "prospect_referral": ["转介绍电话", "推荐人", "老客户推荐"],
        "full_visit": ["完整", "全流程", "全程"],
    },
    "mode": {"practice": ["练习"], "exam": ["考核", "考试", "测验"]},
}


def menu_names() -> Dict[str, Dict[str, List[str]]]:
    """The names a trainee may type for each menu option: {question: {id: [id, title, aliases...]}}."""
    names = {
        "customer_type": {k: [k, v] + _ALIASES["customer_type"].get(k, []) for k, v in CUSTOMER_TYPES.items()},
        "scenario": {sid: [sid, title] + _ALIASES["scenario"].get(sid, []) for sid, title in scenario_menu()},
        "mode": {k: [k, v] + _ALIASES["mode"].get(k, []) for k, v in MODES.items()},
    }
    names["customer_type"]["random"] = _ALIASES["customer_type"]["random"]
    return names


def parse_choice(text: str) -> Dict[str, str]:
    """Menu choices named in typed text: {"customer_type"|"scenario"|"mode": id}, several if several."""
    norm = normalise(text or "").strip().lower()
    if not norm:
        return {}
    found = {}
    for question, options in menu_names().items():
        best = None  # (length of the longest name matched, id): "商品介绍" beats "介绍"
        for oid, words in options.items():
            for word in words:
                if word.lower() in norm and (best is None or len(word) > best[0]):
                    best = (len(word), oid)
        if best:
            found[question] = best[1]
    return found
