"""Per-label precision/recall/F1 of the SSP-skills detectors on a corpus split.

FBI parts are judged on the FBI-labelled items (presentations.yml); the other skills on skills.yml, where
an absent key means "none" (no question, no probe, no closing technique, no anti-pattern).
"""
from typing import Dict, Iterable, List, Tuple

from ..content import ContentError, load_yaml, require_choice
from .analysis import analyse
from .anti_patterns import detect_anti_patterns
from .closing import detect_closing
from .corpus import SPLITS, load_corpus
from .fbi import detect_fbi
from .objections import detect_objection_handling
from .questions import detect_question
from .skill_phrases import ANTI_CODES, CLOSING_TECHNIQUES, FBI_PARTS, OBJECTION_TECHNIQUES, PROBES, STEPS, TMD

SKILLS_FILE = "corpus/{split}/skills.yml"


def prf(pairs: Iterable[Tuple[bool, bool]]) -> Dict[str, float]:
    """pairs of (predicted, gold) -> precision, recall, f1, support (gold positives)."""
    tp = fp = fn = 0
    for pred, gold in pairs:
        tp += pred and gold
        fp += pred and not gold
        fn += gold and not pred
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "support": tp + fn}


def load_skill_items(split: str) -> List[dict]:
    require_choice(split, SPLITS, "skills split")
    rel = SKILLS_FILE.format(split=split)
    data = load_yaml(rel) or []
    if not isinstance(data, list):
        raise ContentError(f"{rel}: expected a list of items")
    for i, raw in enumerate(data):
        where = f"{rel}: item {i + 1}"
        if not isinstance(raw, dict) or not isinstance(raw.get("reply"), str):
            raise ContentError(f"{where}: expected a mapping with a 'reply' string")
        require_choice(raw.get("question", "none"), ("open", "closed", "none"), f"{where}.question")
        if "probe" in raw:
            require_choice(raw["probe"], PROBES, f"{where}.probe")
        for t in raw.get("tmd", []):
            require_choice(t, TMD, f"{where}.tmd")
        for s in raw.get("objection_steps", []):
            require_choice(s, STEPS, f"{where}.objection_steps")
        if "objection_technique" in raw:
            require_choice(raw["objection_technique"], OBJECTION_TECHNIQUES, f"{where}.objection_technique")
        if "closing" in raw:
            require_choice(raw["closing"], CLOSING_TECHNIQUES, f"{where}.closing")
        for c in raw.get("anti_patterns", []):
            require_choice(c, ANTI_CODES, f"{where}.anti_patterns")
    return data


def skill_predictions(item: dict) -> dict:
    a = analyse(item["reply"], item.get("context"), item.get("stage"), item.get("customer_type"))
    return {"question": detect_question(a).data, "objection": detect_objection_handling(a).data,
            "closing": detect_closing(a).data["technique"],
            "anti_patterns": detect_anti_patterns(a).data["anti_patterns"]}


def evaluate_skills(split: str) -> Dict[str, Dict[str, float]]:
    report: Dict[str, Dict[str, float]] = {}
    fbi_items = [it for it in load_corpus(split) if it.fbi is not None]
    fbi_preds = [detect_fbi(analyse(it.reply, it.context, it.stage, it.customer_type)).data for it in fbi_items]
    for part in FBI_PARTS:
        report[f"fbi.{part}"] = prf((bool(p[part]), part in it.fbi) for it, p in zip(fbi_items, fbi_preds))

    items = load_skill_items(split)
    preds = [skill_predictions(it) for it in items]
    pairs = list(zip(items, preds))
    for kind in ("open", "closed"):
        report[f"question.{kind}"] = prf((p["question"]["kind"] == kind, it.get("question") == kind) for it, p in pairs)
    for probe in PROBES:
        report[f"probe.{probe}"] = prf((p["question"]["probe"] == probe, it.get("probe") == probe) for it, p in pairs)
    for topic in TMD:
        report[f"tmd.{topic}"] = prf((topic in p["question"]["tmd"], topic in it.get("tmd", [])) for it, p in pairs)
    for step in STEPS:
        report[f"objection.step{step}"] = prf((step in p["objection"]["steps"], step in it.get("objection_steps", []))
                                              for it, p in pairs)
    for name in OBJECTION_TECHNIQUES:
        report[f"objection.{name}"] = prf((p["objection"]["technique"] == name, it.get("objection_technique") == name)
                                          for it, p in pairs)
    for name in CLOSING_TECHNIQUES:
        report[f"closing.{name}"] = prf((p["closing"] == name, it.get("closing") == name) for it, p in pairs)
    for code in ANTI_CODES:
        report[f"anti.{code}"] = prf((code in p["anti_patterns"], code in it.get("anti_patterns", []))
                                     for it, p in pairs)
    return report


def errors(split: str) -> List[str]:
    """One line per disagreement on skills.yml, for tuning the cue lists."""
    out = []
    for it in load_skill_items(split):
        p = skill_predictions(it)
        gold = {"question": it.get("question", "none"), "probe": it.get("probe"), "tmd": it.get("tmd", []),
                "steps": it.get("objection_steps", []), "technique": it.get("objection_technique"),
                "closing": it.get("closing"), "anti": it.get("anti_patterns", [])}
        pred = {"question": p["question"]["kind"] or "none", "probe": p["question"]["probe"],
                "tmd": p["question"]["tmd"], "steps": p["objection"]["steps"],
                "technique": p["objection"]["technique"], "closing": p["closing"], "anti": p["anti_patterns"]}
        diff = {k: (gold[k], pred[k]) for k in gold if sorted(map(str, gold[k] or [])) != sorted(map(str, pred[k] or []))
                if isinstance(gold[k], list) or isinstance(pred[k], list)}
        diff.update({k: (gold[k], pred[k]) for k in gold if not isinstance(gold[k], list) and gold[k] != pred[k]})
        if diff:
            out.append(f"{it['id']}: {diff} {it['reply'][:40]}")
    return out
