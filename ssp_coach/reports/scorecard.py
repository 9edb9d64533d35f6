"""End-of-session scorecard: what the trainee did over a whole role-play, scored and explained.

Inputs are plain data: the role-play summary (ssp_coach.roleplay.engine.finish), the trainee turns
({"text", "intent", "assessment": Contract 1}) and the scenario. Weights, labels and advice come from
content/scorecard.yml; the scenario's checklist from content/checklists.yml (checklist.py).
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

from ..content import ContentError, load_yaml, require
from ..paths import content_dir
from ..reading.phrases import ANTI_CODES
from . import checklist as checklist_module

FILE = "scorecard.yml"
PATTERNS = ("agree", "praise", "guide", "narrate", "rhetorical", "commit")
OUTCOMES = ("deal", "prospect", "lost")
TMD = ("time", "money", "decision")
COMPONENTS = ("reply_quality", "patterns", "checklist", "fbi", "needs", "objections")
SHOWN_MISSED = 3  # missed checklist items named in the chat text; the card lists them all
KINDS = ("strike", "anti_pattern", "checklist", "checklist_later", "objection", "question", "needs", "fbi", "pattern")


@dataclass(frozen=True)
class Config:
    raw: Dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    @property
    def advice(self) -> Dict[str, Any]:
        return self.raw["improvements"]


# ------------------------------------------------------------------------------------ config


def _labels(mapping: Any, keys, where: str) -> Dict[str, str]:
    for key in keys:
        require(mapping, key, str, where)
    return mapping


def _advice(mapping: Any, where: str) -> Dict[str, str]:
    require(mapping, "explanation", str, where)
    require(mapping, "example", str, where)
    return mapping


def parse_config(data: Any, source: str = FILE) -> Config:
    """Validated scorecard settings; errors name the file and the field."""
    labels = require(data, "labels", dict, source)
    _labels(require(labels, "patterns", dict, f"{source}: labels"), PATTERNS, f"{source}: labels.patterns")
    _labels(require(labels, "outcomes", dict, f"{source}: labels"), OUTCOMES, f"{source}: labels.outcomes")
    _labels(require(labels, "tmd", dict, f"{source}: labels"), TMD, f"{source}: labels.tmd")
    anti_labels = require(labels, "anti_patterns", dict, f"{source}: labels")
    # every anti-pattern the reading can report needs its Chinese name: trainers never see a code
    _labels(anti_labels, (*ANTI_CODES, *anti_labels), f"{source}: labels.anti_patterns")
    _labels(require(data, "tmd_facts", dict, source), TMD, f"{source}: tmd_facts")
    uses = require(data, "pattern_full_marks_uses", dict, source)
    for code in PATTERNS:
        if require(uses, code, int, f"{source}: pattern_full_marks_uses") < 1:
            raise ContentError(f"{source}: pattern_full_marks_uses.{code}: must be at least 1")
    focus = require(data, "focus_patterns", dict, source)
    require(focus, "default", list, f"{source}: focus_patterns")
    for scenario, codes in focus.items():
        unknown = [c for c in codes or [] if c not in PATTERNS] if isinstance(codes, list) else [codes]
        if unknown or not codes:
            raise ContentError(
                f"{source}: focus_patterns.{scenario}: expected a list of pattern codes "
                f"from {list(PATTERNS)}, got {codes!r}"
            )
    require(data, "fbi_scenarios", list, source)
    weights = require(data, "weights", dict, source)
    for name in COMPONENTS:
        if require(weights, name, float, f"{source}: weights") < 0:
            raise ContentError(f"{source}: weights.{name}: must not be negative")
    if sum(float(weights[n]) for n in COMPONENTS) <= 0:
        raise ContentError(f"{source}: weights: at least one weight must be positive")
    _labels(require(data, "component_labels", dict, source), COMPONENTS, f"{source}: component_labels")
    rule = require(data, "overall", dict, source)
    for key in ("conduct_points", "strike_each", "other_each", "cap", "reply_full_marks", "fbi_partial"):
        if require(rule, key, float, f"{source}: overall") < 0:
            raise ContentError(f"{source}: overall.{key}: must not be negative")
    if not 0 <= float(rule["conduct_points"]) <= 100 or float(rule["reply_full_marks"]) <= 0:
        raise ContentError(f"{source}: overall: conduct_points must be 0–100 and reply_full_marks positive")
    require(rule, "needs_scenarios", list, f"{source}: overall")

    advice = require(data, "improvements", dict, source)
    where = f"{source}: improvements"
    require(advice, "count", int, where)
    require(advice, "max_per_kind", int, where)
    require(advice, "pattern_threshold", float, where)
    priority = require(advice, "priority", dict, where)
    for kind in KINDS:
        require(priority, kind, float, f"{where}.priority")
    require(require(advice, "checklist", dict, where), "explanation", str, f"{where}.checklist")
    patterns = require(advice, "patterns", dict, where)
    for code in PATTERNS:
        _advice(require(patterns, code, dict, f"{where}.patterns"), f"{where}.patterns.{code}")
    for kind in ("fbi", "question", "needs", "objection"):
        _advice(require(advice, kind, dict, where), f"{where}.{kind}")
    _labels(require(advice["needs"], "tmd_examples", dict, f"{where}.needs"), TMD, f"{where}.needs.tmd_examples")
    anti = require(advice, "anti_patterns", dict, where)
    for code, entry in anti.items():
        _advice(entry, f"{where}.anti_patterns.{code}")
    return Config(data)


@lru_cache(maxsize=4)
def _load_cached(base: str) -> Config:
    return parse_config(load_yaml(FILE, Path(base)), str(Path(base) / FILE))


def load_config(base: Optional[Path] = None) -> Config:
    return _load_cached(str(base or content_dir()))


# ------------------------------------------------------------------------------------ sections


def _assessment(turn: Any) -> Dict[str, Any]:
    a = turn.get("assessment") if isinstance(turn, dict) else None
    return a if isinstance(a, dict) else {}


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _pct(part: float, whole: float) -> int:
    return int(round(100.0 * part / whole)) if whole else 0


def pattern_use(assessment: Any, code: str) -> Optional[float]:
    """The quality (0-1) of one pattern in one reply's assessment, or None when the reply does not use it.
    Used when the scorer lists the technique or found parts of its structure; quality unknown counts 1."""
    a = _dict(assessment)
    detail = _dict(_dict(a.get("patterns")).get(code))
    if code in (a.get("techniques") or []) or detail.get("parts_present"):
        q = detail.get("quality")
        return float(q) if isinstance(q, (int, float)) and not isinstance(q, bool) else 1.0
    return None


def _patterns(
    cfg: Config, assessments: List[Dict[str, Any]], checklist: Optional[List[Dict[str, Any]]] = None
) -> Dict[str, Dict[str, Any]]:
    # Turns that met a checklist item which shows a pattern (e.g. 您开得真稳 → praise): one record, so a
    # pattern the checklist credits is never shown as unused.
    credited: Dict[str, set] = {}
    for item in checklist or []:
        if item.get("credits"):
            credited.setdefault(item["credits"], set()).update(item.get("turns") or [])
    out = {}
    for code in PATTERNS:
        qualities = []
        for i, a in enumerate(assessments):
            q = pattern_use(a, code)
            if q is not None:
                qualities.append(q)
            elif i in credited.get(code, ()):
                qualities.append(1.0)
        uses = len(qualities)
        quality = sum(qualities) / uses if uses else 0.0
        reach = min(1.0, uses / cfg["pattern_full_marks_uses"][code])
        out[code] = {
            "label": cfg["labels"]["patterns"][code],
            "uses": uses,
            "share": round(uses / len(assessments), 2) if assessments else 0.0,
            "quality": round(quality, 2),
            "score": int(round(100 * quality * reach)),
        }
    return out


def _fbi(assessments: List[Dict[str, Any]]) -> Dict[str, Any]:
    parts = [_dict(a.get("fbi")) for a in assessments]
    attempted = sum(1 for f in parts if f.get("feature") or f.get("benefit") or f.get("impact"))
    complete = sum(1 for f in parts if f.get("feature") and f.get("benefit") and f.get("impact"))
    return {
        "attempted": attempted,
        "complete": complete,
        "completeness": _pct(complete, attempted),
        "feature_dumps": sum(1 for f in parts if f.get("feature_dump")),
    }


def _labelled(items: Any) -> List[Dict[str, str]]:
    """Summary lists hold {"id", "label"} dicts; plain ids are tolerated too."""
    out = []
    for item in items or []:
        if isinstance(item, dict) and item.get("id"):
            out.append({"id": str(item["id"]), "label": str(item.get("label") or item["id"])})
        elif isinstance(item, str):
            out.append({"id": item, "label": item})
    return out


def _persona_facts(summary: Dict[str, Any]) -> Dict[str, Any]:
    """The persona's facts (topic -> Fact) and the topics the scenario ignores; empty when unknown."""
    try:
        from ..roleplay.catalog import load_catalog

        catalog = load_catalog()
    except Exception:  # noqa: BLE001 - deliberate: reports must render even when the role-play content cannot be loaded
        return {}
    persona = catalog.personas.get(summary.get("persona_id") or "")
    scenario = catalog.scenarios.get(summary.get("scenario") or "")
    ignored = set(getattr(scenario, "ignore_topics", None) or [])
    return {t: f for t, f in (persona.facts.items() if persona else []) if t not in ignored}


def fact_record(cfg: Config, summary: Dict[str, Any], turns: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """One record per hidden fact of the scenario, shown once on the card:
    revealed (the customer told it), stated (a closed question drew a short answer: the customer said it,
    briefly), asked (the trainee asked, the customer did not tell) or missed (never asked).
    A TMD question counts as asking about its fact, so TMD and facts never disagree."""
    discovered, missed = _labelled(summary.get("facts_discovered")), _labelled(summary.get("facts_missed"))
    persona = _persona_facts(summary)
    fact_of_tmd = cfg["tmd_facts"]
    asked: Dict[str, str] = {}  # topic -> the question kind it was first asked with
    for t in turns:
        a = _assessment(t)
        question = _dict(a.get("question"))
        topics = list(_dict(a.get("reading")).get("topics") or [])
        topics += [fact_of_tmd[k] for k in question.get("tmd") or [] if k in fact_of_tmd]
        kind = question.get("kind") or ("open" if t.get("intent") == "ask_open" else None)
        for topic in topics:
            if kind and (topic not in asked or kind == "open"):
                asked[topic] = kind
    tmd_of = {v: k for k, v in fact_of_tmd.items()}
    record = [dict(f, status="revealed", tmd=tmd_of.get(f["id"])) for f in discovered]
    for f in missed:
        fact = persona.get(f["id"])
        if f["id"] in asked and fact is not None and getattr(fact, "partial", None) and asked[f["id"]] != "open":
            status = "stated"
        elif f["id"] in asked:
            status = "asked"
        else:
            status = "missed"
        record.append(dict(f, status=status, tmd=tmd_of.get(f["id"])))
    return record


def _needs(cfg: Config, summary: Dict[str, Any], turns: List[Dict[str, Any]]) -> Dict[str, Any]:
    record = fact_record(cfg, summary, turns)
    known = [f for f in record if f["status"] in ("revealed", "stated")]
    kinds = [_dict(_assessment(t).get("question")).get("kind") for t in turns]
    # The NLU intent counts too: it recognises questions the scorer's phrase rules may miss.
    open_questions = sum(1 for k, t in zip(kinds, turns) if k == "open" or t.get("intent") == "ask_open")
    closed_questions = sum(1 for k, t in zip(kinds, turns) if k == "closed" or t.get("intent") == "ask_closed")
    # Credit: told or stated 1, asked but not told 0.5 (the trainee did ask), never asked 0.
    earned = sum(
        1.0 if f["status"] in ("revealed", "stated") else 0.5 if f["status"] == "asked" else 0.0 for f in record
    )
    by_fact = {f["id"]: f for f in record}
    tmd = {}
    for t in TMD:
        f = by_fact.get(cfg["tmd_facts"][t])
        tmd[t] = {
            "label": cfg["labels"]["tmd"][t],
            "asked": f is not None and f["status"] != "missed",
            "discovered": f is not None and f["status"] in ("revealed", "stated"),
            "relevant": bool(f),
        }
    return {
        "record": record,
        "tmd": tmd,
        "discovered": [{"id": f["id"], "label": f["label"]} for f in known],
        "asked": [{"id": f["id"], "label": f["label"]} for f in record if f["status"] == "asked"],
        "missed": [{"id": f["id"], "label": f["label"]} for f in record if f["status"] == "missed"],
        "open_questions": open_questions,
        "closed_questions": closed_questions,
        "rate": _pct(earned, len(record)),
    }


def _objections(summary: Dict[str, Any]) -> Dict[str, Any]:
    raised, handled = _labelled(summary.get("objections_raised")), _labelled(summary.get("objections_handled"))
    handled_ids = {o["id"] for o in handled}
    return {
        "raised": raised,
        "handled": handled,
        "unhandled": [o for o in raised if o["id"] not in handled_ids],
        "rate": _pct(len([o for o in raised if o["id"] in handled_ids]), len(raised)),
    }


def _anti_patterns(cfg: Config, assessments: List[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    counts: Dict[str, int] = {}
    for a in assessments:
        for code in a.get("anti_patterns") or []:
            counts[code] = counts.get(code, 0) + 1
    labels = cfg["labels"]["anti_patterns"]
    return {code: {"label": labels.get(code, code), "count": n} for code, n in counts.items()}


def _focus(cfg: Config, scenario: str) -> List[str]:
    return list(cfg["focus_patterns"].get(scenario) or cfg["focus_patterns"]["default"])


def _craft_scores(
    cfg: Config, scenario: str, card: Dict[str, Any], assessments: List[Dict[str, Any]]
) -> Dict[str, Optional[float]]:
    """Each craft component 0–100, or None when it does not apply to this role-play."""
    rule = cfg["overall"]
    reply_scores = [float(a["score"]) for a in assessments if isinstance(a.get("score"), (int, float))]
    focus = _focus(cfg, scenario)
    fbi = card["fbi"]
    return {
        # the per-reply scorer's mean, where `reply_full_marks` (a reply with a complete course structure) is 100
        "reply_quality": min(100.0, 100.0 * (sum(reply_scores) / len(reply_scores)) / float(rule["reply_full_marks"]))
        if reply_scores
        else None,
        "patterns": sum(card["patterns"][c]["score"] for c in focus) / len(focus),
        "checklist": _pct(sum(1 for i in card["checklist"] if i["done"]), len(card["checklist"]))
        if card["checklist"]
        else None,
        # a complete F→B→I at least once: 100; features or benefits only: `fbi_partial`
        "fbi": (100.0 if fbi["complete"] else float(rule["fbi_partial"]) if fbi["attempted"] else 0.0)
        if scenario in cfg["fbi_scenarios"]
        else None,
        "needs": card["needs"]["rate"] if scenario in rule["needs_scenarios"] and card["needs"]["record"] else None,
        "objections": card["objections"]["rate"] if card["objections"]["raised"] else None,
    }


def _overall(
    cfg: Config, scenario: str, card: Dict[str, Any], assessments: List[Dict[str, Any]], walked_out: bool = False
) -> Dict[str, Any]:
    """overall = conduct + craft, capped when the customer was mistreated or left; every part is listed.

    conduct (`conduct_points`): respect for the customer — minus `strike_each` per strike-level anti-pattern
      and `other_each` per other anti-pattern, 0 when the customer walked out;
    craft (the rest of 100): the weighted mean of the components that apply (content/scorecard.yml weights);
    cap: any strike-level anti-pattern, or a walk-out, caps the overall at `cap` (the rubric's "poor")."""
    if not assessments:
        return {"score": 0, "components": [], "penalty": 0, "conduct": 0, "craft": 0, "cap": None}
    rule = cfg["overall"]
    scores = _craft_scores(cfg, scenario, card, assessments)
    weights = cfg["weights"]
    applied = [(n, float(weights[n]), sc) for n, sc in scores.items() if sc is not None and float(weights[n]) > 0]
    total_weight = sum(w for _, w, _ in applied)
    mean = sum(w * sc for _, w, sc in applied) / total_weight if total_weight else 0.0
    conduct_points = float(rule["conduct_points"])
    strikes = _strike_codes()
    strike_hits = sum(a["count"] for c, a in card["anti_patterns"].items() if c in strikes)
    other_hits = sum(a["count"] for c, a in card["anti_patterns"].items() if c not in strikes)
    penalty = min(conduct_points, float(rule["strike_each"]) * strike_hits + float(rule["other_each"]) * other_hits)
    conduct = 0.0 if walked_out else conduct_points - penalty
    craft = (100.0 - conduct_points) * mean / 100.0
    score = conduct + craft
    cap = float(rule["cap"]) if (strike_hits or walked_out) else None
    if cap is not None:
        score = min(score, cap)
    components = [
        {"id": n, "label": cfg["component_labels"][n], "score": int(round(sc)), "weight": round(w / total_weight, 2)}
        for n, w, sc in applied
    ]
    return {
        "score": int(round(max(0.0, min(100.0, score)))),
        "components": components,
        "penalty": int(round(conduct_points - conduct)),
        "conduct": int(round(conduct)),
        "craft": int(round(craft)),
        "cap": int(cap) if cap is not None else None,
    }


# ------------------------------------------------------------------------------------ advice


def _strike_codes() -> set:
    """Anti-patterns that cost a strike with the customer (content/roleplay.yml strike_anti_patterns)."""
    try:
        from ..roleplay.catalog import load_catalog

        return set(load_catalog().dynamics.get("strike_anti_patterns") or [])
    except Exception:  # noqa: BLE001 - deliberate: reports fall back to the default strike list when content cannot load
        return {"contradict", "blame", "belittle_competitor", "belittle_customer", "pressure", "dismissive"}


def _improvements(
    cfg: Config, scenario: str, card: Dict[str, Any], has_turns: bool, stages_reached: List[str]
) -> List[Dict[str, str]]:
    """Tips ranked by impact, each about something the trainee did wrong or left undone:
    strike-level problems and missed checklist items of the stages reached first, then unhandled
    objections, other anti-patterns, facts never asked, FBI never completed, weak focus patterns."""
    advice = cfg.advice
    candidates = []  # (kind, gap 0–1, explanation, example)
    strikes = _strike_codes()

    for code, entry in sorted(card["anti_patterns"].items(), key=lambda kv: -kv[1]["count"]):
        text = advice["anti_patterns"].get(code)
        if text:
            kind = "strike" if code in strikes else "anti_pattern"
            candidates.append(
                (kind, min(1.0, entry["count"] / 2), f"避免{entry['label']}：{text['explanation']}", text["example"])
            )
    record_missed = {f["id"] for f in card["needs"]["record"] if f["status"] == "missed"}
    for item in card["checklist"]:
        if item["done"] or (item.get("fact") and item["fact"] in record_missed):
            continue  # a fact never asked is one tip (needs), not two
        reached = not item.get("stage") or not stages_reached or item["stage"] in stages_reached
        candidates.append(
            (
                "checklist" if reached else "checklist_later",
                1.0,
                advice["checklist"]["explanation"].format(label=item["label"]),
                item["example"],
            )
        )
    unhandled = card["objections"]["unhandled"]
    if unhandled:
        names = "、".join(o["label"] for o in unhandled)
        candidates.append(
            (
                "objection",
                1.0,
                advice["objection"]["explanation"].format(objections=names),
                advice["objection"]["example"],
            )
        )
    needs = card["needs"]
    if needs["missed"]:  # only facts never asked: an evasive customer is not the trainee's fault
        gap = len(needs["missed"]) / max(1, len(needs["record"]))
        if needs["open_questions"] == 0:
            candidates.append(("question", gap, advice["question"]["explanation"], advice["question"]["example"]))
        names = "、".join(f["label"] for f in needs["missed"])
        tmd_missed = [t for t in TMD if cfg["tmd_facts"][t] in record_missed]
        example = advice["needs"]["tmd_examples"][tmd_missed[0]] if tmd_missed else advice["needs"]["example"]
        candidates.append(("needs", gap, advice["needs"]["explanation"].format(facts=names), example))
    fbi = card["fbi"]
    fbi_item_missed = any(i["id"] == "fbi_complete" and not i["done"] for i in card["checklist"])
    # only where presenting is the job: a spec mentioned on a phone call is not a failed presentation
    if scenario in cfg["fbi_scenarios"] and fbi["attempted"] and not fbi["complete"] and not fbi_item_missed:
        candidates.append(("fbi", 1.0, advice["fbi"]["explanation"], advice["fbi"]["example"]))
    for code in _focus(cfg, scenario):
        score = card["patterns"][code]["score"]
        if score < float(advice["pattern_threshold"]):
            text = advice["patterns"][code]
            candidates.append(("pattern", 1 - score / 100, text["explanation"], text["example"]))
    if not has_turns:  # nothing was said: the first pieces of advice are the opening checklist items
        candidates = [c for c in candidates if c[0] in ("checklist", "checklist_later", "pattern")]

    priority = advice["priority"]
    ranked = sorted(enumerate(candidates), key=lambda ic: (-float(priority[ic[1][0]]), -ic[1][1], ic[0]))
    chosen = []
    per_kind: Dict[str, int] = {}
    for _, (kind, _, explanation, example) in ranked:
        group = "checklist" if kind.startswith("checklist") else kind
        if per_kind.get(group, 0) >= advice["max_per_kind"]:
            continue
        per_kind[group] = per_kind.get(group, 0) + 1
        chosen.append({"kind": group, "explanation": explanation, "example": example})
        if len(chosen) == advice["count"]:
            break
    return chosen


# ------------------------------------------------------------------------------------ public API


def build(
    summary: Dict[str, Any], turns: List[Dict[str, Any]], scenario: str, customer_type: str, base: Optional[Path] = None
) -> Dict[str, Any]:
    """The scorecard (JSON-serialisable) of one role-play; tolerates missing keys and fields."""
    cfg = load_config(base)
    summary = _dict(summary)
    turns = [t for t in turns or [] if isinstance(t, dict)]
    assessments = [_assessment(t) for t in turns]
    outcome = summary.get("outcome")
    needs = _needs(cfg, summary, turns)
    known = [f["id"] for f in needs["discovered"]]
    stages_reached = [st.get("id") if isinstance(st, dict) else st for st in summary.get("stages_reached") or []]
    card: Dict[str, Any] = {
        "scenario": scenario,
        "customer_type": customer_type,
        "turns": len(turns),
        "outcome": outcome,
        "outcome_label": summary.get("outcome_label") or cfg["labels"]["outcomes"].get(outcome),
        "p_level": summary.get("p_level"),
        "fbi": _fbi(assessments),
        "checklist": checklist_module.evaluate(scenario, turns, base, facts_known=known),
        "needs": needs,
        "objections": _objections(summary),
        "anti_patterns": _anti_patterns(cfg, assessments),
    }
    card["patterns"] = _patterns(cfg, assessments, card["checklist"])
    walked_out = summary.get("reason") == "walk_away" or outcome == "lost"
    breakdown = _overall(cfg, scenario, card, assessments, walked_out)
    card["overall"] = breakdown["score"]
    card["overall_breakdown"] = breakdown
    card["improvements"] = _improvements(cfg, scenario, card, bool(turns), [st for st in stages_reached if st])
    return card


RECORD_MARKS = {"revealed": "✔", "stated": "✔（简略）", "asked": "（问过，客户未说）", "missed": "✘ 遗漏"}


def _record_entry(fact: Dict[str, Any]) -> str:
    return f"{fact['label']}{RECORD_MARKS.get(fact.get('status') or '', '')}"


def render_text(card: Dict[str, Any]) -> str:
    """A compact Chinese text version for the chat (the caller adds the 【教练】成绩单 heading)."""
    lines = []
    result = card.get("outcome_label") or "未结束"
    if card.get("p_level"):
        result += f"（{card['p_level']}）"
    lines.append(f"总分 {card.get('overall', 0)}/100 · 结果：{result} · 共 {card.get('turns', 0)} 轮")
    patterns = card.get("patterns") or {}
    lines.append("话术：" + " · ".join(f"{p['label']}{p['score']}" for p in patterns.values()))
    needs = card.get("needs") or {}
    record = needs.get("record") or []
    in_record = {f["id"] for f in record}
    items = card.get("checklist") or []
    if items:
        done = [i for i in items if i["done"]]
        # an item about a hidden fact is shown once, in the information record below
        missed = [i["label"] for i in items if not i["done"] and i.get("fact") not in in_record]
        line = f"检查项 {len(done)}/{len(items)}"
        if missed:
            more = f"等{len(missed)}项" if len(missed) > SHOWN_MISSED else ""
            line += "，未做到：" + "；".join(missed[:SHOWN_MISSED]) + more
        elif len(done) < len(items):
            line += "，其余见下方信息记录"
        lines.append(line if len(done) < len(items) else line + "，全部做到")
    fbi = card.get("fbi") or {}
    if fbi.get("attempted"):
        lines.append(f"FBI：介绍 {fbi['attempted']} 次，完整 {fbi['complete']} 次（{fbi['completeness']}%）")
    if record:
        lines.append("客户信息：" + "；".join(_record_entry(f) for f in record))
    objections = card.get("objections") or {}
    if objections.get("raised"):
        lines.append(
            f"异议：处理 {len(objections['raised']) - len(objections['unhandled'])}/{len(objections['raised'])}"
        )
    anti = card.get("anti_patterns") or {}
    if anti:
        lines.append("不当说法：" + "、".join(f"{a['label']}×{a['count']}" for a in anti.values()))
    improvements = card.get("improvements") or []
    if improvements:
        lines.append("改进建议：")
        for n, imp in enumerate(improvements, 1):
            lines.append(f"{n}. {imp['explanation']}")
            lines.append(f"   例：“{imp['example']}”")
    return "\n".join(lines)
