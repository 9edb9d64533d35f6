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
from . import checklist as checklist_module

FILE = "scorecard.yml"
PATTERNS = ("agree", "praise", "guide", "narrate", "rhetorical", "commit")
OUTCOMES = ("deal", "prospect", "lost")
TMD = ("time", "money", "decision")
COMPONENTS = ("reply_quality", "patterns", "checklist", "fbi", "needs", "objections")
SHOWN_MISSED = 3  # missed checklist items named in the chat text; the card lists them all
KINDS = ("anti_pattern", "checklist", "objection", "question", "needs", "fbi", "pattern")


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
    _labels(anti_labels, anti_labels, f"{source}: labels.anti_patterns")
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
            raise ContentError(f"{source}: focus_patterns.{scenario}: expected a list of pattern codes "
                               f"from {list(PATTERNS)}, got {codes!r}")
    require(data, "fbi_scenarios", list, source)
    weights = require(data, "weights", dict, source)
    for name in COMPONENTS:
        if require(weights, name, float, f"{source}: weights") < 0:
            raise ContentError(f"{source}: weights.{name}: must not be negative")
    if sum(float(weights[n]) for n in COMPONENTS) <= 0:
        raise ContentError(f"{source}: weights: at least one weight must be positive")
    _labels(require(data, "component_labels", dict, source), COMPONENTS, f"{source}: component_labels")
    penalty = require(data, "anti_pattern_penalty", dict, source)
    require(penalty, "each", float, f"{source}: anti_pattern_penalty")
    require(penalty, "cap", float, f"{source}: anti_pattern_penalty")

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


def _patterns(cfg: Config, assessments: List[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    out = {}
    for code in PATTERNS:
        qualities = []
        for a in assessments:
            if code in (a.get("techniques") or []):
                q = _dict(_dict(a.get("patterns")).get(code)).get("quality")
                qualities.append(float(q) if isinstance(q, (int, float)) else 1.0)  # detected, quality unknown
        uses = len(qualities)
        quality = sum(qualities) / uses if uses else 0.0
        reach = min(1.0, uses / cfg["pattern_full_marks_uses"][code])
        out[code] = {"label": cfg["labels"]["patterns"][code], "uses": uses,
                     "share": round(uses / len(assessments), 2) if assessments else 0.0,
                     "quality": round(quality, 2), "score": int(round(100 * quality * reach))}
    return out


def _fbi(assessments: List[Dict[str, Any]]) -> Dict[str, Any]:
    parts = [_dict(a.get("fbi")) for a in assessments]
    attempted = sum(1 for f in parts if f.get("feature") or f.get("benefit") or f.get("impact"))
    complete = sum(1 for f in parts if f.get("feature") and f.get("benefit") and f.get("impact"))
    return {"attempted": attempted, "complete": complete, "completeness": _pct(complete, attempted),
            "feature_dumps": sum(1 for f in parts if f.get("feature_dump"))}


def _labelled(items: Any) -> List[Dict[str, str]]:
    """Summary lists hold {"id", "label"} dicts; plain ids are tolerated too."""
    out = []
    for item in items or []:
        if isinstance(item, dict) and item.get("id"):
            out.append({"id": str(item["id"]), "label": str(item.get("label") or item["id"])})
        elif isinstance(item, str):
            out.append({"id": item, "label": item})
    return out


def _needs(cfg: Config, summary: Dict[str, Any], turns: List[Dict[str, Any]]) -> Dict[str, Any]:
    assessments = [_assessment(t) for t in turns]
    discovered, missed = _labelled(summary.get("facts_discovered")), _labelled(summary.get("facts_missed"))
    found_ids = {f["id"] for f in discovered}
    asked = {t for a in assessments for t in (_dict(a.get("question")).get("tmd") or [])}
    hidden = found_ids | {f["id"] for f in missed}
    # `relevant`: the scenario hides this TMD fact, or the trainee asked about it anyway.
    tmd = {t: {"label": cfg["labels"]["tmd"][t], "asked": t in asked,
               "discovered": cfg["tmd_facts"][t] in found_ids,
               "relevant": t in asked or cfg["tmd_facts"][t] in hidden} for t in TMD}
    kinds = [_dict(_assessment(t).get("question")).get("kind") for t in turns]
    # The NLU intent counts too: it recognises questions the scorer's phrase rules may miss.
    open_questions = sum(1 for k, t in zip(kinds, turns) if k == "open" or t.get("intent") == "ask_open")
    closed_questions = sum(1 for k, t in zip(kinds, turns) if k == "closed" or t.get("intent") == "ask_closed")
    return {"discovered": discovered, "missed": missed, "tmd": tmd,
            "open_questions": open_questions, "closed_questions": closed_questions,
            "rate": _pct(len(discovered), len(discovered) + len(missed))}


def _objections(summary: Dict[str, Any]) -> Dict[str, Any]:
    raised, handled = _labelled(summary.get("objections_raised")), _labelled(summary.get("objections_handled"))
    handled_ids = {o["id"] for o in handled}
    return {"raised": raised, "handled": handled,
            "unhandled": [o for o in raised if o["id"] not in handled_ids],
            "rate": _pct(len([o for o in raised if o["id"] in handled_ids]), len(raised))}


def _anti_patterns(cfg: Config, assessments: List[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    counts: Dict[str, int] = {}
    for a in assessments:
        for code in a.get("anti_patterns") or []:
            counts[code] = counts.get(code, 0) + 1
    labels = cfg["labels"]["anti_patterns"]
    return {code: {"label": labels.get(code, code), "count": n} for code, n in counts.items()}


def _focus(cfg: Config, scenario: str) -> List[str]:
    return list(cfg["focus_patterns"].get(scenario) or cfg["focus_patterns"]["default"])


def _overall(cfg: Config, scenario: str, card: Dict[str, Any], assessments: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Weighted mean of the applicable components minus the anti-pattern penalty; every part is listed."""
    if not assessments:
        return {"score": 0, "components": [], "penalty": 0}
    reply_scores = [float(a["score"]) for a in assessments if isinstance(a.get("score"), (int, float))]
    focus = _focus(cfg, scenario)
    scores: Dict[str, Optional[float]] = {
        "reply_quality": sum(reply_scores) / len(reply_scores) if reply_scores else None,
        "patterns": sum(card["patterns"][c]["score"] for c in focus) / len(focus),
        "checklist": _pct(sum(1 for i in card["checklist"] if i["done"]), len(card["checklist"]))
        if card["checklist"] else None,
        "fbi": card["fbi"]["completeness"]
        if card["fbi"]["attempted"] or scenario in cfg["fbi_scenarios"] else None,
        "needs": card["needs"]["rate"] if card["needs"]["discovered"] or card["needs"]["missed"] else None,
        "objections": card["objections"]["rate"] if card["objections"]["raised"] else None,
    }
    weights = cfg["weights"]
    applied = [(n, float(weights[n]), s) for n, s in scores.items() if s is not None and float(weights[n]) > 0]
    total_weight = sum(w for _, w, _ in applied)
    mean = sum(w * s for _, w, s in applied) / total_weight if total_weight else 0.0
    hits = sum(a["count"] for a in card["anti_patterns"].values())
    pen = cfg["anti_pattern_penalty"]
    penalty = min(float(pen["cap"]), float(pen["each"]) * hits)
    components = [{"id": n, "label": cfg["component_labels"][n], "score": int(round(s)),
                   "weight": round(w / total_weight, 2)} for n, w, s in applied]
    return {"score": int(round(max(0.0, min(100.0, mean - penalty)))), "components": components,
            "penalty": int(round(penalty))}


# ------------------------------------------------------------------------------------ advice

def _improvements(cfg: Config, scenario: str, card: Dict[str, Any], has_turns: bool) -> List[Dict[str, str]]:
    advice = cfg.advice
    candidates = []  # (kind, gap 0–1, explanation, example)

    for code, entry in sorted(card["anti_patterns"].items(), key=lambda kv: -kv[1]["count"]):
        text = advice["anti_patterns"].get(code)
        if text:
            candidates.append(("anti_pattern", 1.0, f"避免{entry['label']}：{text['explanation']}", text["example"]))
    for item in card["checklist"]:
        if not item["done"]:
            candidates.append(("checklist", 1.0, advice["checklist"]["explanation"].format(label=item["label"]),
                               item["example"]))
    unhandled = card["objections"]["unhandled"]
    if unhandled:
        names = "、".join(o["label"] for o in unhandled)
        candidates.append(("objection", 1.0, advice["objection"]["explanation"].format(objections=names),
                           advice["objection"]["example"]))
    needs = card["needs"]
    if needs["missed"]:
        gap = 1 - needs["rate"] / 100
        if needs["open_questions"] == 0:
            candidates.append(("question", gap, advice["question"]["explanation"], advice["question"]["example"]))
        names = "、".join(f["label"] for f in needs["missed"])
        missed_ids = {f["id"] for f in needs["missed"]}
        tmd_missed = [t for t in TMD if cfg["tmd_facts"][t] in missed_ids]
        example = advice["needs"]["tmd_examples"][tmd_missed[0]] if tmd_missed else advice["needs"]["example"]
        candidates.append(("needs", gap, advice["needs"]["explanation"].format(facts=names), example))
    fbi = card["fbi"]
    if (fbi["attempted"] or scenario in cfg["fbi_scenarios"]) and fbi["completeness"] < 100:
        candidates.append(("fbi", 1 - fbi["completeness"] / 100, advice["fbi"]["explanation"],
                           advice["fbi"]["example"]))
    for code in _focus(cfg, scenario):
        score = card["patterns"][code]["score"]
        if score < float(advice["pattern_threshold"]):
            text = advice["patterns"][code]
            candidates.append(("pattern", 1 - score / 100, text["explanation"], text["example"]))
    if not has_turns:  # nothing was said: the first pieces of advice are the opening checklist items
        candidates = [c for c in candidates if c[0] in ("checklist", "pattern")]

    priority = advice["priority"]
    ranked = sorted(enumerate(candidates), key=lambda ic: (-float(priority[ic[1][0]]), -ic[1][1], ic[0]))
    chosen, per_kind = [], {}
    for _, (kind, _, explanation, example) in ranked:
        if per_kind.get(kind, 0) >= advice["max_per_kind"]:
            continue
        per_kind[kind] = per_kind.get(kind, 0) + 1
        chosen.append({"kind": kind, "explanation": explanation, "example": example})
        if len(chosen) == advice["count"]:
            break
    return chosen


# ------------------------------------------------------------------------------------ public API

def build(summary: Dict[str, Any], turns: List[Dict[str, Any]], scenario: str, customer_type: str,
          base: Optional[Path] = None) -> Dict[str, Any]:
    """The scorecard (JSON-serialisable) of one role-play; tolerates missing keys and fields."""
    cfg = load_config(base)
    summary = _dict(summary)
    turns = [t for t in turns or [] if isinstance(t, dict)]
    assessments = [_assessment(t) for t in turns]
    outcome = summary.get("outcome")
    card: Dict[str, Any] = {
        "scenario": scenario,
        "customer_type": customer_type,
        "turns": len(turns),
        "outcome": outcome,
        "outcome_label": summary.get("outcome_label") or cfg["labels"]["outcomes"].get(outcome),
        "p_level": summary.get("p_level"),
        "patterns": _patterns(cfg, assessments),
        "fbi": _fbi(assessments),
        "checklist": checklist_module.evaluate(scenario, turns, base),
        "needs": _needs(cfg, summary, turns),
        "objections": _objections(summary),
        "anti_patterns": _anti_patterns(cfg, assessments),
    }
    breakdown = _overall(cfg, scenario, card, assessments)
    card["overall"] = breakdown["score"]
    card["overall_breakdown"] = breakdown
    card["improvements"] = _improvements(cfg, scenario, card, bool(turns))
    return card


def render_text(card: Dict[str, Any]) -> str:
    """A compact Chinese text version for the chat (the caller adds the 【教练】成绩单 heading)."""
    lines = []
    result = card.get("outcome_label") or "未结束"
    if card.get("p_level"):
        result += f"（{card['p_level']}）"
    lines.append(f"总分 {card.get('overall', 0)}/100 · 结果：{result} · 共 {card.get('turns', 0)} 轮")
    patterns = card.get("patterns") or {}
    lines.append("话术：" + " · ".join(f"{p['label']}{p['score']}" for p in patterns.values()))
    items = card.get("checklist") or []
    if items:
        done = [i for i in items if i["done"]]
        missed = [i["label"] for i in items if not i["done"]]
        line = f"检查项 {len(done)}/{len(items)}"
        if missed:
            more = f"等{len(missed)}项" if len(missed) > SHOWN_MISSED else ""
            line += "，未做到：" + "；".join(missed[:SHOWN_MISSED]) + more
        lines.append(line if missed else line + "，全部做到")
    fbi = card.get("fbi") or {}
    if fbi.get("attempted"):
        lines.append(f"FBI：介绍 {fbi['attempted']} 次，完整 {fbi['complete']} 次（{fbi['completeness']}%）")
    needs = card.get("needs") or {}
    if needs.get("discovered") or needs.get("missed"):
        found = "、".join(f["label"] for f in needs["discovered"]) or "无"
        line = f"需求：已发现 {found}"
        if needs["missed"]:
            line += "；遗漏 " + "、".join(f["label"] for f in needs["missed"])
        lines.append(line)
    tmd = {k: t for k, t in (needs.get("tmd") or {}).items() if t.get("relevant")}
    if tmd:
        lines.append("TMD：" + " ".join(f"{t['label']}{'✔' if t['asked'] or t['discovered'] else '✘'}"
                                       for t in tmd.values()))
    objections = card.get("objections") or {}
    if objections.get("raised"):
        lines.append(f"异议：处理 {len(objections['raised']) - len(objections['unhandled'])}/"
                     f"{len(objections['raised'])}")
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
