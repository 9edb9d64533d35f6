"""FBI detector: Feature 配备 → Benefit 利益 → Impact 冲击, their spans, order and feature-dumping.

Presence of each part: the cue lists' verdict, which the statistical layer (skill_fbi_model: char n-grams +
cue features, trained on the TRAIN split) overrides only when it is confident. The evidence span is the
clause holding the part's first cue, or else the clause the model rates highest.
"""
import re
from typing import Dict, List, Optional, Tuple

from .analysis import Analysis, Missing
from .skill_fbi_model import clause_scores, part_scores
from .skill_phrases import FBI_PARTS, first_match, load_skill_phrases
from .skill_result import SkillResult

_CLAUSE = re.compile(r"[^，,。！？!?；;：:\n]+")


def clauses(text: str) -> List[Tuple[int, int]]:
    return [(m.start(), m.end()) for m in _CLAUSE.finditer(text) if m.group().strip()]


def _cue_clause(patterns, text: str, spans) -> Optional[Tuple[int, int]]:
    for start, end in spans:
        if first_match(patterns, text, start, end):
            return start, end
    return None


def detect_fbi(a: Analysis) -> SkillResult:
    cues = load_skill_phrases()
    spans = clauses(a.text)
    present = {p: s > 0 for p, s in part_scores([a.text])[0].items()} if spans else dict.fromkeys(FBI_PARTS, False)

    where: Dict[str, Tuple[int, int]] = {}
    unplaced = []
    for part in FBI_PARTS:
        if present[part]:
            span = _cue_clause(cues["fbi"][part], a.text, spans)
            if span:
                where[part] = span
            else:
                unplaced.append(part)
    if unplaced:  # no cue for this part: point at the clause the model finds most like it
        rows = clause_scores([a.text[s:e] for s, e in spans])
        for part in unplaced:
            where[part] = spans[max(range(len(spans)), key=lambda i: rows[i][part])]

    n_feature_clauses = sum(1 for s, e in spans if first_match(cues["fbi"]["feature"], a.text, s, e))
    feature_dump = present["feature"] and not present["benefit"] and not present["impact"] and n_feature_clauses >= 2
    order = [where[p][0] for p in FBI_PARTS if p in where]
    order_ok = len(order) >= 2 and order == sorted(order)

    evidence = [a.evidence("fbi", part, *where[part]) for part in FBI_PARTS if part in where]
    missing = []
    if any(present.values()):
        msgs = cues["fbi_missing"]
        for part in FBI_PARTS:
            if not present[part]:
                missing.append(Missing("fbi", part, msgs[part]))
        if len(order) >= 2 and not order_ok:
            missing.append(Missing("fbi", "order", msgs["order"]))
        if feature_dump:
            missing.append(Missing("fbi", "feature_dump", msgs["feature_dump"]))
    data = {**present, "order_ok": order_ok, "feature_dump": feature_dump}
    return SkillResult(data=data, evidence=evidence, missing=missing)
