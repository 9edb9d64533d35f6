"""Objection handling: which of the four steps the reply performs, and which technique it uses.

Steps are only looked for when the customer's previous line raises an objection (price, doubt, delay…):
"我理解" in ordinary conversation is not step 1. Prevention (pre-empting an objection) needs no context.
"""
from .analysis import Analysis, Missing
from .skill_phrases import OBJECTION_TECHNIQUES, STEPS, first_match, load_skill_phrases
from .skill_result import SkillResult


def customer_objects(context: str) -> bool:
    return bool(context) and first_match(load_skill_phrases()["objection_cues"], context) is not None


def detect_objection_handling(a: Analysis) -> SkillResult:
    cues = load_skill_phrases()
    steps, evidence, missing = [], [], []
    objection = customer_objects(a.context)
    if objection:
        for step in STEPS:
            m = first_match(cues["steps"][step], a.text)
            if m:
                steps.append(step)
                evidence.append(a.evidence("objection", f"step{step}", m.start(), m.end()))
    technique = None
    for name in OBJECTION_TECHNIQUES:
        if name != "prevention" and not objection:
            continue
        m = first_match(cues["objection_techniques"][name], a.text)
        if m:
            technique = name
            evidence.append(a.evidence("objection", name, m.start(), m.end()))
            break
    if objection and steps:
        missing = [Missing("objection", f"step{s}", cues["step_missing"][s]) for s in STEPS if s not in steps]
    return SkillResult(data={"steps": steps, "technique": technique}, evidence=evidence, missing=missing)
