"""FBI detector: Feature 配备 → Benefit 利益 → Impact 冲击, their spans, order and feature-dumping.

Judged only when the trainee talks about the product: the reading says so, or the model finds a feature
in the reply (a safety system named in an answer to a worry, a warranty in a price talk; a greeting, a needs
question or a price ultimatum has no FBI). Presence of each part: the cue lists' verdict, which the statistical layer
(model.py) overrides only when it is confident. The evidence span is the clause holding the part's first
cue, or else the clause the model rates highest.
"""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from ...codes import FBI_PARTS
from ...reading import TurnReading
from ...reading.cues import find
from ...reading.phrases import load_cues
from ...reading.turn import Evidence, Missing
from .model import clause_scores, part_scores

EMPTY = {"feature": False, "benefit": False, "impact": False, "order_ok": False, "feature_dump": False}


@dataclass
class FbiResult:
    data: Dict[str, Any]
    evidence: List[Evidence] = field(default_factory=list)
    missing: List[Missing] = field(default_factory=list)


def _cue_clause(pattern, text: str, spans) -> Optional[Tuple[int, int]]:
    return next(((s, e) for s, e in spans if find(pattern, text, s, e)), None)


def detect_fbi(r: TurnReading) -> FbiResult:
    if not r.clauses:
        return FbiResult(dict(EMPTY))
    scores = part_scores([r.text])[0]
    if not r.product_talk and scores["feature"] <= 0:
        return FbiResult(dict(EMPTY))
    cues = load_cues()
    spans = r.clauses
    present = {p: s > 0 for p, s in scores.items()}

    where: Dict[str, Tuple[int, int]] = {}
    unplaced = []
    for part in FBI_PARTS:
        if present[part]:
            span = _cue_clause(cues.fbi[part], r.text, spans)
            if span:
                where[part] = span
            else:
                unplaced.append(part)
    if unplaced:  # no cue for this part: point at the clause the model finds most like it
        rows = clause_scores([r.text[s:e] for s, e in spans])
        for part in unplaced:
            where[part] = spans[max(range(len(spans)), key=lambda i: rows[i][part])]

    n_feature_clauses = sum(1 for s, e in spans if find(cues.fbi["feature"], r.text, s, e))
    feature_dump = present["feature"] and not present["benefit"] and not present["impact"] and n_feature_clauses >= 2
    order = [where[p][0] for p in FBI_PARTS if p in where]
    order_ok = len(order) >= 2 and order == sorted(order)

    evidence = [r.evidence("fbi", part, *where[part]) for part in FBI_PARTS if part in where]
    missing = []
    if any(present.values()):
        msgs = cues.fbi_missing
        missing = [Missing("fbi", part, msgs[part]) for part in FBI_PARTS if not present[part]]
        if len(order) >= 2 and not order_ok:
            missing.append(Missing("fbi", "order", msgs["order"]))
        if feature_dump:
            missing.append(Missing("fbi", "feature_dump", msgs["feature_dump"]))
    return FbiResult({**present, "order_ok": order_ok, "feature_dump": feature_dump}, evidence, missing)
