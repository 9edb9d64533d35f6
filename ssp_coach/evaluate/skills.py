"""Per-label precision/recall/F1 of what the reading decides (questions, probes, TMD, objection steps and
techniques, closing, anti-patterns) on the labelled skills items (content/corpus/{train,test}/skills.yml).
An absent key means "none". The reading has no fitted model, so its training-side figures need no CV."""

from typing import Dict, List

from ..content import ContentError, load_yaml, require_choice
from ..learn.corpus import SPLITS
from ..reading import read_turn
from ..reading.phrases import ANTI_CODES, CLOSING_TECHNIQUES, OBJECTION_TECHNIQUES, PROBES, STEPS, TMD
from .metrics import with_interval

SKILLS_FILE = "corpus/{split}/skills.yml"


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


def evaluate_skills(split: str) -> Dict[str, Dict[str, float]]:
    items = load_skill_items(split)
    reads = [read_turn(it["reply"], it.get("context"), it.get("stage"), it.get("customer_type")) for it in items]
    pairs = list(zip(items, reads))
    report: Dict[str, Dict[str, float]] = {}
    for kind in ("open", "closed"):
        report[f"question.{kind}"] = with_interval(
            [(r.question.kind == kind, it.get("question") == kind) for it, r in pairs]
        )
    for probe in PROBES:
        report[f"probe.{probe}"] = with_interval(
            [(r.question.probe == probe, it.get("probe") == probe) for it, r in pairs]
        )
    for topic in TMD:
        report[f"tmd.{topic}"] = with_interval(
            [(topic in r.question.tmd, topic in it.get("tmd", [])) for it, r in pairs]
        )
    for step in STEPS:
        report[f"objection.step{step}"] = with_interval(
            [(step in r.objection.steps, step in it.get("objection_steps", [])) for it, r in pairs]
        )
    for name in OBJECTION_TECHNIQUES:
        report[f"objection.{name}"] = with_interval(
            [(r.objection.technique == name, it.get("objection_technique") == name) for it, r in pairs]
        )
    for name in CLOSING_TECHNIQUES:
        report[f"closing.{name}"] = with_interval([(r.closing == name, it.get("closing") == name) for it, r in pairs])
    for code in ANTI_CODES:
        report[f"anti.{code}"] = with_interval(
            [(code in r.anti, code in it.get("anti_patterns", [])) for it, r in pairs]
        )
    return report
