"""Questioning and listening: open vs closed question, the active-listening probe, TMD questions.

The kind is read from the LAST question of the reply (the one the customer will answer): yes/no forms,
A-not-A forms and 还是 alternatives are closed; question words (什么, 怎么, 哪, 多少…) make it open.
"""
from .analysis import Analysis
from .skill_phrases import PROBES, TMD, first_match, load_skill_phrases
from .skill_result import SkillResult
from .skill_sentences import question_spans


def detect_question(a: Analysis) -> SkillResult:
    cues = load_skill_phrases()
    questions = question_spans(a)
    data = {"kind": None, "probe": None, "tmd": []}
    evidence = []
    if not questions:
        return SkillResult(data=data)

    s, e = questions[-1]
    closed = first_match(cues["closed"], a.text, s, e)
    open_ = first_match(cues["open"], a.text, s, e)
    data["kind"] = "open" if open_ and not closed else "closed"
    evidence.append(a.evidence("question", data["kind"], s, e))

    # A probe may sit in the lead-in before the question ("我记得您提过……，对吧？"); TMD only inside questions.
    for probe in PROBES:
        m = first_match(cues["probes"][probe], a.text, 0, e)
        if m:
            data["probe"] = probe
            evidence.append(a.evidence("probe", probe, m.start(), m.end()))
            break
    for topic in TMD:
        for qs, qe in questions:
            m = first_match(cues["tmd"][topic], a.text, qs, qe)
            if m:
                data["tmd"].append(topic)
                evidence.append(a.evidence("tmd", topic, m.start(), m.end()))
                break
    return SkillResult(data=data, evidence=evidence)
