"""Measured quality on a corpus split: per-label precision/recall/F1 for the six patterns and the FBI
parts, and the false-positive rate on negatives (share of `labels: []` items where any pattern fired)."""
from typing import Dict, Iterable, List, Optional, Tuple

from .corpus import FBI_PARTS, load_corpus
from .engine import score_reply
from .phrases import PATTERN_CODES


def prf(pairs: Iterable[Tuple[bool, bool]]) -> Dict[str, float]:
    """Precision, recall, F1 and support from (predicted, gold) pairs."""
    tp = fp = fn = support = 0
    for pred, gold in pairs:
        tp += pred and gold
        fp += pred and not gold
        fn += gold and not pred
        support += gold
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "support": support}


def evaluate_patterns(split: str = "test") -> Dict[str, object]:
    items = [it for it in load_corpus(split) if it.labels is not None or it.fbi is not None]
    results = [score_reply(it.reply, it.context, it.stage, it.customer_type) for it in items]
    labelled = [(it, r) for it, r in zip(items, results) if it.labels is not None]
    fbi_items = [(it, r) for it, r in zip(items, results) if it.fbi is not None]
    negatives = [r for it, r in labelled if not it.labels]
    errors: List[dict] = []
    for it, r in labelled:
        if set(it.labels) != set(r["techniques"]):
            errors.append({"id": it.id, "gold": sorted(it.labels), "predicted": r["techniques"], "reply": it.reply})
    return {
        "split": split,
        "items": len(labelled),
        "patterns": {c: prf((c in r["techniques"], c in it.labels) for it, r in labelled) for c in PATTERN_CODES},
        "fbi": {p: prf((bool(r["fbi"].get(p)), p in it.fbi) for it, r in fbi_items) for p in FBI_PARTS},
        "fbi_items": len(fbi_items),
        "negatives": len(negatives),
        "negative_fp_rate": (sum(bool(r["techniques"]) for r in negatives) / len(negatives)) if negatives else 0.0,
        "errors": errors,
    }


def skills_report(split: str) -> Optional[dict]:
    """The skills engineer's own per-label figures, when their evaluator is installed."""
    try:
        from .skills_eval import evaluate_skills
    except ImportError:
        return None
    return evaluate_skills(split)


def format_report(report: Dict[str, object], skills: Optional[dict] = None, show_errors: bool = False) -> str:
    lines = [f"split: {report['split']}  pattern items: {report['items']}  FBI items: {report['fbi_items']}",
             f"{'label':<22}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}"]

    def row(name, m):
        lines.append(f"{name:<22}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}{m['support']:>6}")

    for code, m in report["patterns"].items():
        row(code, m)
    for part, m in report["fbi"].items():
        row(f"fbi.{part}", m)
    lines.append(f"negatives: {report['negatives']}  false-positive rate: {report['negative_fp_rate']:.3f}")
    if skills:
        lines.append("skills (ssp_coach.scoring.skills_eval):")
        for name, m in skills.items():
            if isinstance(m, dict) and {"precision", "recall", "f1"} <= set(m):
                row(str(name), {"support": m.get("support", ""), **m})
            else:
                lines.append(f"  {name}: {m}")
    if show_errors:
        for e in report["errors"]:
            lines.append(f"  {e['id']}: gold={e['gold']} predicted={e['predicted']} {e['reply'][:50]}")
    return "\n".join(lines)
