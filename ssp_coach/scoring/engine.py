"""score_turn: the whole assessment of one trainee turn (Contract 1 in docs/design.md).

The turn is read once (ssp_coach.reading); this module judges that reading: the six patterns (rule parts
+ classifier), FBI, the reading's questions, objection steps, closing and anti-patterns, a 0-100 score
from the weights in content/scoring.yml, and Chinese feedback. Never raises on odd input.
"""

from typing import Any, Dict, List, Optional, Tuple

from ..codes import PATTERN_CODES
from ..reading import TurnReading, read_turn
from ..reading.phrases import STEPS, load_cues
from ..reading.turn import Missing
from .fbi.detector import EMPTY as EMPTY_FBI
from .fbi.detector import detect_fbi
from .feedback import compose
from .patterns.classifier import load_classifier
from .patterns.phrases import load_phrasebook
from .patterns.rules import KEY_PARTS, PARTS, find_parts, is_hostile, rule_features
from .trust import likely_kind
from .weights import ScoringConfig, load_scoring_config


def _empty_result(message: str) -> Dict[str, Any]:
    return {
        "techniques": [],
        "patterns": {},
        "fbi": dict(EMPTY_FBI),
        "question": {"kind": None, "probe": None, "tmd": []},
        "objection": {"steps": [], "technique": None},
        "closing": {"technique": None},
        "anti_patterns": [],
        "hostile": False,
        "tone_breaker": None,
        "score": 0,
        "evidence": [],
        "missing": [{"label": "reply", "part": "text", "message": message}],
        "feedback": message,
        "breakdown": [{"item": "unusable", "points": 0}],
        "reading": None,
    }


def _capped(items: List[tuple], cap: float, name: str) -> List[tuple]:
    total = sum(p for _, p in items)
    return items + [(name, cap - total)] if total > cap else items


def _skill_points(cfg: ScoringConfig, fbi: Dict[str, Any], r: TurnReading) -> List[tuple]:
    w = cfg["skills"]
    items = [(f"fbi.{part}", w["fbi"][part]) for part in ("feature", "benefit", "impact") if fbi.get(part)]
    if all(fbi.get(p) for p in ("feature", "benefit", "impact")) and fbi.get("order_ok"):
        items.append(("fbi.order_ok", w["fbi"]["order_ok"]))
    if fbi.get("feature_dump"):
        items.append(("fbi.feature_dump", w["feature_dump"]))
    q = r.question
    if q.kind == "open":
        items.append(("question.open", w["question"]["open"]))
    if q.probe:
        items.append((f"question.probe.{q.probe}", w["question"]["probe"]))
    items += [(f"question.tmd.{t}", w["question"]["tmd_each"]) for t in q.tmd]
    items += [(f"objection.step{s}", w["objection"]["step_each"]) for s in r.objection.steps]
    if r.objection.technique:
        items.append((f"objection.{r.objection.technique}", w["objection"]["technique"]))
    if r.closing:
        items.append((f"closing.{r.closing}", w["closing"]["technique"]))
    return items


def _fallback_span(r: TurnReading, code: str) -> Tuple[int, int]:
    """Evidence for a detection the classifier is sure of but no rule phrase pinned down."""
    if code in ("guide", "rhetorical", "commit") and r.question.items:
        return r.question.items[-1].span
    return r.sentences[0] if r.sentences else (0, len(r.text))


def detect_patterns(r: TurnReading, cfg: ScoringConfig):
    """Detected pattern codes, their Contract-1 entries, evidence and missing parts.

    Detection is the key move (docs/annotation-guide.md): the rule found the key part and the classifier
    does not object (probability >= threshold_key), or the classifier is sure (>= threshold_sure) of a
    phrasing the rules do not know. Missing structural parts lower the quality; they never hide it."""
    rules = find_parts(r)
    probs = load_classifier().probabilities(r, rule_features(r, rules))
    hints = load_phrasebook().patterns
    techniques, patterns = [], {}
    evidence: List[Dict[str, Any]] = []
    missing: List[Dict[str, Any]] = []
    for code in PATTERN_CODES:
        res = rules[code]
        key = any(k in res.parts for k in KEY_PARTS[code])
        detected = not res.negative and (
            (key and probs[code] >= cfg.threshold_key(code)) or probs[code] >= cfg["threshold_sure"]
        )
        if not detected:
            continue
        techniques.append(code)
        if not key:
            res.parts[KEY_PARTS[code][0]] = _fallback_span(r, code)
        present = [p for p in PARTS[code] if p in res.parts]
        absent = [p for p in PARTS[code] if p not in res.parts]
        entry = {
            "parts_present": present,
            "parts_missing": absent,
            "quality": round(len(present) / len(PARTS[code]), 2),
            "confidence": round(probs[code], 3),
        }
        if code == "narrate":
            entry["form"] = res.detail
        if code == "guide":
            entry["style"] = res.detail
        patterns[code] = entry
        evidence.extend(e.as_dict() for e in res.evidence(r))
        missing.extend({"label": code, "part": p, "message": hints[code].missing.get(p, "")} for p in absent)
    return techniques, patterns, evidence, missing


def _skill_evidence(r: TurnReading) -> Tuple[List[dict], List[dict]]:
    cues = load_cues()
    ev = []
    if r.question.items:
        last = r.question.items[-1]
        ev.append(r.evidence("question", last.kind, *last.span))
    if r.question.probe and r.question.probe_span:
        ev.append(r.evidence("probe", r.question.probe, *r.question.probe_span))
    ev += [r.evidence("tmd", t, *span) for t, span in r.question.tmd_spans]
    ev += [r.evidence("objection", f"step{s}", *span) for s, span in r.objection.step_spans]
    if r.objection.technique and r.objection.technique_span:
        ev.append(r.evidence("objection", r.objection.technique, *r.objection.technique_span))
    if r.closing and r.closing_span:
        ev.append(r.evidence("closing", r.closing, *r.closing_span))
    ev += [r.evidence("anti", c, *r.anti[c]) for c in r.anti_patterns]
    missing = [Missing("anti", c, cues.anti_messages[c]) for c in r.anti_patterns]
    if r.objection.customer_objects and r.objection.steps:
        missing += [Missing("objection", f"step{s}", cues.step_missing[s]) for s in STEPS if s not in r.objection.steps]
    return [e.as_dict() for e in ev], [m.as_dict() for m in missing]


def score_turn(r: TurnReading) -> Dict[str, Any]:
    """Judge a turn that has been read (ssp_coach.reading.read_turn)."""
    cfg = load_scoring_config()
    if not r.original.strip():
        return _empty_result(cfg.messages["empty"])
    if not r.readable:
        return _empty_result(cfg.messages["not_chinese"])

    techniques, patterns, evidence, missing = detect_patterns(r, cfg)
    fbi = detect_fbi(r)
    evidence += [e.as_dict() for e in fbi.evidence]
    missing += [m.as_dict() for m in fbi.missing]
    skill_ev, skill_missing = _skill_evidence(r)
    evidence += skill_ev
    missing += skill_missing
    anti = r.anti_patterns
    hostile = is_hostile(r)

    # Every contribution is listed, so the score can be explained line by line (weights: scoring.yml).
    breakdown = [("base", cfg["base"])]
    breakdown += _capped(
        [(f"pattern.{c}", cfg["per_pattern"] * p["quality"]) for c, p in patterns.items()],
        cfg["patterns_cap"],
        "patterns_cap",
    )
    if r.stage and set(techniques) & set(cfg.stage_patterns.get(r.stage, [])):
        breakdown.append(("stage_fit", cfg["stage_bonus"]))
    breakdown += _capped(_skill_points(cfg, fbi.data, r), cfg["skills_cap"], "skills_cap")
    pen = cfg["penalties"]
    by_type = pen["by_customer_type"].get(r.customer_type or "", {})
    for code in anti:
        points = pen.get("anti_pattern_points", {}).get(code, pen["anti_pattern"])
        breakdown.append((f"anti.{code}", -(points + by_type.get(code, 0))))
    if hostile and not anti:
        breakdown.append(("hostile", -pen["hostile"]))
    if len(r.original) > pen["long_reply"]["chars"]:
        breakdown.append(("long_reply", -pen["long_reply"]["points"]))
        missing.append({"label": "reply", "part": "length", "message": cfg.messages["too_long"]})
    score = int(round(max(0.0, min(100.0, sum(p for _, p in breakdown)))))

    summary = r.summary()
    evidence.sort(key=lambda e: (e["start"], e["end"]))
    strike = bool(set(anti) & load_cues().strike)
    return {
        "techniques": techniques,
        "patterns": patterns,
        "fbi": {**EMPTY_FBI, **fbi.data},
        "question": {k: summary["question"][k] for k in ("kind", "probe", "tmd")},
        "objection": summary["objection"],
        "closing": summary["closing"],
        "anti_patterns": anti,
        "hostile": hostile,
        "tone_breaker": likely_kind(r) if hostile and not strike else None,
        "score": score,
        "evidence": evidence,
        "missing": missing,
        "feedback": compose(cfg, r.stage, patterns, missing, anti, hostile, fbi.data, r, strike),
        "breakdown": [{"item": k, "points": round(float(v), 1)} for k, v in breakdown],
        "reading": summary,
    }


def score_reply(
    reply: str, context: Optional[str] = None, stage: Optional[str] = None, customer_type: Optional[str] = None
) -> Dict[str, Any]:
    """Read and judge one reply (the CLI and the corpus evaluation use this)."""
    cfg = load_scoring_config()
    reading = read_turn(reply, context, stage, customer_type, max_chars=int(cfg["max_analysed_chars"]))
    return score_turn(reading)
