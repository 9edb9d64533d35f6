"""score_reply: the whole assessment of one trainee reply (Contract 1 in docs/design.md).

Pipeline: normalise + tokenise once (analysis.py) -> rule parts of the six patterns (patterns.py) ->
classifier probabilities (classifier.py) -> skill detectors (skills_adapter.py) -> score from the weights
in content/scoring.yml -> Chinese feedback (feedback.py). Never raises on odd input.
"""
from typing import Any, Dict, List, Optional

from ..text import cjk_ratio
from .analysis import analyse
from .classifier import load_classifier
from .feedback import compose
from .patterns import KEY_PARTS, PARTS, find_parts, is_hostile, rule_features
from .phrases import PATTERN_CODES, load_phrasebook
from .skills_adapter import run_skills
from .weights import ScoringConfig, load_scoring_config

EMPTY_FBI = {"feature": False, "benefit": False, "impact": False, "order_ok": False, "feature_dump": False}


def _empty_result(message: str) -> Dict[str, Any]:
    return {
        "techniques": [], "patterns": {}, "fbi": dict(EMPTY_FBI),
        "question": {"kind": None, "probe": None, "tmd": []}, "objection": {"steps": [], "technique": None},
        "closing": {"technique": None}, "anti_patterns": [], "score": 0, "evidence": [],
        "missing": [{"label": "reply", "part": "text", "message": message}], "feedback": message,
        "breakdown": [{"item": "unusable", "points": 0}],
    }


def _capped(items: List[tuple], cap: float, name: str) -> List[tuple]:
    total = sum(p for _, p in items)
    return items + [(name, cap - total)] if total > cap else items


def _skill_points(cfg: ScoringConfig, frag: Dict[str, Any]) -> List[tuple]:
    w = cfg["skills"]
    items = []
    fbi = frag["fbi"]
    for part in ("feature", "benefit", "impact"):
        if fbi.get(part):
            items.append((f"fbi.{part}", w["fbi"][part]))
    if all(fbi.get(p) for p in ("feature", "benefit", "impact")) and fbi.get("order_ok"):
        items.append(("fbi.order_ok", w["fbi"]["order_ok"]))
    if fbi.get("feature_dump"):
        items.append(("fbi.feature_dump", w["feature_dump"]))
    q = frag["question"]
    if q.get("kind") == "open":
        items.append(("question.open", w["question"]["open"]))
    if q.get("probe"):
        items.append((f"question.probe.{q['probe']}", w["question"]["probe"]))
    for t in q.get("tmd") or []:
        items.append((f"question.tmd.{t}", w["question"]["tmd_each"]))
    o = frag["objection"]
    for s in o.get("steps") or []:
        items.append((f"objection.step{s}", w["objection"]["step_each"]))
    if o.get("technique"):
        items.append((f"objection.{o['technique']}", w["objection"]["technique"]))
    if frag["closing"].get("technique"):
        items.append((f"closing.{frag['closing']['technique']}", w["closing"]["technique"]))
    return items


def _detect_patterns(a, cfg: ScoringConfig):
    """Detected pattern codes, their Contract-1 entries, evidence and missing parts."""
    rules = find_parts(a)
    probs = load_classifier().probabilities(a, rule_features(a, rules))
    hints = load_phrasebook().patterns
    techniques, patterns, evidence, missing = [], {}, [], []
    for code in PATTERN_CODES:
        r = rules[code]
        # The classifier decides; a complete rule structure lowers the bar. Either way a key part must be
        # present (it is the evidence) and no disqualifying cue (sarcasm, negation, pressure) may be.
        complete = all(p in r.parts for p in PARTS[code])
        needed = cfg["threshold_complete"] if complete else cfg["threshold"]
        credible = any(k in r.parts for k in KEY_PARTS[code]) and not r.negative
        if probs[code] < needed or not credible:
            if credible and r.parts:  # a near miss (e.g. 您真有眼光 with nothing to praise): say what is lacking
                missing.extend({"label": code, "part": p, "message": hints[code].missing.get(p, "")}
                               for p in PARTS[code] if p not in r.parts)
            continue
        techniques.append(code)
        present = [p for p in PARTS[code] if p in r.parts]
        absent = [p for p in PARTS[code] if p not in r.parts]
        entry = {"parts_present": present, "parts_missing": absent,
                 "quality": round(len(present) / len(PARTS[code]), 2), "confidence": round(probs[code], 3)}
        if code == "narrate":
            entry["form"] = r.detail
        if code == "guide":
            entry["style"] = r.detail
        patterns[code] = entry
        evidence.extend(e.as_dict() for e in r.evidence(a))
        missing.extend({"label": code, "part": p, "message": hints[code].missing.get(p, "")} for p in absent)
    return techniques, patterns, evidence, missing


def score_reply(reply: str, context: Optional[str] = None, stage: Optional[str] = None,
                customer_type: Optional[str] = None) -> Dict[str, Any]:
    cfg = load_scoring_config()
    if not isinstance(reply, str) or not reply.strip():
        return _empty_result(cfg.messages["empty"])
    if cjk_ratio(reply) < 0.3:
        return _empty_result(cfg.messages["not_chinese"])

    # A very long reply is analysed up to the limit; offsets into that prefix are offsets into the reply.
    a = analyse(reply[:int(cfg["max_analysed_chars"])], context if isinstance(context, str) else None,
                stage, customer_type)
    techniques, patterns, evidence, missing = _detect_patterns(a, cfg)

    skills = run_skills(a)
    frag = skills.fragments
    evidence.extend(e.as_dict() for e in skills.evidence)
    missing.extend(m.as_dict() for m in skills.missing)
    anti = list(frag["anti_patterns"])
    hostile = is_hostile(a)

    # Every contribution is listed, so the score can be explained line by line (weights: scoring.yml).
    breakdown = [("base", cfg["base"])]
    breakdown += _capped([(f"pattern.{c}", cfg["per_pattern"] * p["quality"]) for c, p in patterns.items()],
                         cfg["patterns_cap"], "patterns_cap")
    if stage and set(techniques) & set(cfg.stage_patterns.get(stage, [])):
        breakdown.append(("stage_fit", cfg["stage_bonus"]))
    breakdown += _capped(_skill_points(cfg, frag), cfg["skills_cap"], "skills_cap")
    pen = cfg["penalties"]
    by_type = pen["by_customer_type"].get(customer_type or "", {})
    for code in anti:
        points = pen.get("anti_pattern_points", {}).get(code, pen["anti_pattern"])
        breakdown.append((f"anti.{code}", -(points + by_type.get(code, 0))))
    if hostile and not anti:
        breakdown.append(("hostile", -pen["hostile"]))
    if len(reply) > pen["long_reply"]["chars"]:
        breakdown.append(("long_reply", -pen["long_reply"]["points"]))
        missing.append({"label": "reply", "part": "length", "message": cfg.messages["too_long"]})
    score = int(round(max(0.0, min(100.0, sum(p for _, p in breakdown)))))

    evidence.sort(key=lambda e: (e["start"], e["end"]))
    return {
        "techniques": techniques,
        "patterns": patterns,
        "fbi": {**EMPTY_FBI, **frag["fbi"]},
        "question": frag["question"],
        "objection": frag["objection"],
        "closing": frag["closing"],
        "anti_patterns": anti,
        "score": score,
        "evidence": evidence,
        "missing": missing,
        "feedback": compose(cfg, stage, patterns, missing, anti, hostile, frag),
        "breakdown": [{"item": k, "points": round(float(v), 1)} for k, v in breakdown],
    }
