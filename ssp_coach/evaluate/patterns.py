"""Per-label precision/recall/F1 (with 95% intervals) of the six patterns and the FBI parts on a list of
corpus items, and the share of negatives (`labels: []`) where any pattern fired."""

from typing import Any, Callable, Dict, List, Optional, Sequence

from ..codes import FBI_PARTS, PATTERN_CODES, TRUST_BREAKERS
from ..learn.corpus import CorpusItem
from .metrics import micro, wilson, with_interval

Scorer = Callable[[CorpusItem], dict]


def report(items: Sequence[CorpusItem], results: Sequence[dict], name: str) -> Dict[str, Any]:
    labelled = [(it, r) for it, r in zip(items, results) if it.labels is not None]
    fbi_items = [(it, r) for it, r in zip(items, results) if it.fbi is not None]
    pattern_pairs = {c: [(c in r["techniques"], c in (it.labels or ())) for it, r in labelled] for c in PATTERN_CODES}
    fbi_pairs = {p: [(bool(r["fbi"].get(p)), p in (it.fbi or ())) for it, r in fbi_items] for p in FBI_PARTS}
    anti_items = [(it, r) for it, r in zip(items, results) if it.anti is not None]
    anti_pairs = {c: [(c in r["anti_patterns"], c in (it.anti or ())) for it, r in anti_items] for c in TRUST_BREAKERS}
    # any trust breaker, as the scorer decides it (the reading's structures or the learned tone model)
    anti_pairs["any"] = [(bool(r.get("hostile")), bool(it.anti)) for it, r in anti_items]
    negatives = [r for it, r in labelled if not it.labels]
    false_pos = sum(bool(r["techniques"]) for r in negatives)
    patterns = {c: with_interval(pairs) for c, pairs in pattern_pairs.items()}
    return {
        "set": name,
        "items": len(labelled),
        "patterns": patterns,
        "macro_f1": sum(m["f1"] for m in patterns.values()) / len(patterns),
        "micro": micro(pattern_pairs),
        "fbi": {p: with_interval(pairs) for p, pairs in fbi_pairs.items()},
        "fbi_items": len(fbi_items),
        "trust_breakers": {c: with_interval(pairs) for c, pairs in anti_pairs.items()} if anti_items else {},
        "trust_breaker_items": len(anti_items),
        "negatives": len(negatives),
        "negative_fp_rate": false_pos / len(negatives) if negatives else 0.0,
        "negative_fp_interval": wilson(false_pos, len(negatives)),
    }


def errors(items: Sequence[CorpusItem], results: Sequence[dict]) -> List[dict]:
    """Disagreements, for tuning on the TRAINING side only (the CLI refuses this on frozen sets)."""
    out = []
    for it, r in zip(items, results):
        if it.labels is not None and set(it.labels) != set(r["techniques"]):
            out.append({"id": it.id, "gold": sorted(it.labels), "predicted": r["techniques"], "reply": it.reply})
    return out


def format_report(rep: Dict[str, Any], skills: Optional[dict] = None) -> str:
    lines = [
        f"set: {rep['set']}  pattern items: {rep['items']}  FBI items: {rep['fbi_items']}",
        f"{'label':<26}{'P':>7}{'R':>7}{'F1':>7}   {'95% CI':<13}{'n':>6}",
    ]

    def row(name, m):
        ci = f"{m['f1_low']:.2f}-{m['f1_high']:.2f}" if "f1_low" in m else ""
        lines.append(f"{name:<26}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}   {ci:<13}{m['support']:>6}")

    for code, m in rep["patterns"].items():
        row(code, m)
    row("micro (patterns)", rep["micro"])
    lines.append(f"{'macro F1 (patterns)':<26}{'':>14}{rep['macro_f1']:>7.3f}")
    for part, m in rep["fbi"].items():
        row(f"fbi.{part}", m)
    lo, hi = rep["negative_fp_interval"]
    lines.append(
        f"negatives: {rep['negatives']}  with a false technique: {rep['negative_fp_rate']:.3f} "
        f"(95% CI {lo:.3f}-{hi:.3f})"
    )
    if rep.get("trust_breakers"):
        lines.append(f"trust breakers (guide §9) on {rep['trust_breaker_items']} labelled items:")
        for code, m in rep["trust_breakers"].items():
            row(f"anti.{code}", m)
    if skills:
        lines.append("skills (questions, probes, TMD, objection steps, closing, anti-patterns):")
        for name, m in skills.items():
            row(str(name), m)
    return "\n".join(lines)
