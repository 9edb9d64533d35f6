"""Inter-annotator agreement on the writers' corpus: two annotators labelled every item independently by
docs/annotation-guide.md (content/corpus/annotations/{A,B}.yml); Cohen's kappa per label."""

from typing import Dict, List

from ..codes import FBI_PARTS, PATTERN_CODES, TRUST_BREAKERS
from ..content import ContentError, load_yaml
from .metrics import kappa

ANNOTATORS = ("A", "B")


def _labels(name: str) -> Dict[str, dict]:
    rel = f"corpus/annotations/{name}.yml"
    data = load_yaml(rel) or []
    if not isinstance(data, list):
        raise ContentError(f"{rel}: expected a list of items")
    return {str(row["id"]): row for row in data}


def agreement() -> Dict[str, Dict[str, float]]:
    a, b = (_labels(n) for n in ANNOTATORS)
    ids = sorted(set(a) & set(b))
    out: Dict[str, Dict[str, float]] = {}
    for key, codes in (("labels", PATTERN_CODES), ("fbi", FBI_PARTS), ("anti", TRUST_BREAKERS)):
        for code in codes:
            xa = [code in (a[i].get(key) or []) for i in ids]
            xb = [code in (b[i].get(key) or []) for i in ids]
            name = code if key == "labels" else f"{key}.{code}"
            out[name] = {
                "kappa": kappa(xa, xb),
                "items": len(ids),
                "A": sum(xa),
                "B": sum(xb),
                "agree": sum(x == y for x, y in zip(xa, xb)) / len(ids) if ids else 0.0,
            }
    none_a = [not (a[i].get("labels") or []) for i in ids]
    none_b = [not (b[i].get("labels") or []) for i in ids]
    out["none"] = {
        "kappa": kappa(none_a, none_b),
        "items": len(ids),
        "A": sum(none_a),
        "B": sum(none_b),
        "agree": sum(x == y for x, y in zip(none_a, none_b)) / len(ids) if ids else 0.0,
    }
    return out


def format_agreement(rows: Dict[str, Dict[str, float]]) -> List[str]:
    lines = [f"{'label':<26}{'kappa':>7}{'agree':>8}{'A':>6}{'B':>6}{'items':>7}"]
    for name, m in rows.items():
        lines.append(f"{name:<26}{m['kappa']:>7.3f}{m['agree']:>8.3f}{m['A']:>6}{m['B']:>6}{m['items']:>7}")
    return lines
