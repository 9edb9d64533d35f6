"""Grading one written answer against its exercise: the answer is read once (read_turn) and judged by the
scorer (score_turn); this module only checks the exercise's requirements against that judgement.

Grade score = 100 x the mean fulfilment of the requirements (a pattern: the share of its structural
parts present; FBI: the share of the required parts; a question kind: 0 or 1; a list: named items over the
minimum, at most 1), minus the scorer's own penalties (anti-patterns, hostile tone, over-long reply; for a
written list only the anti-patterns that would hurt a customer), each named in the hints.
An answer passes when every requirement is met, the score reaches the exercise's `min_score`, and
nothing in it breaks the customer's trust (the role-play's strike anti-patterns).
"""

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from ..reading import TurnReading, read_turn
from ..reading.cues import find
from ..reading.phrases import load_cues
from ..scoring import score_turn
from ..scoring.feedback import FBI_NAMES, FORM_NAMES, PART_NAMES
from ..scoring.patterns.phrases import load_phrasebook
from ..scoring.patterns.rules import KEY_PARTS
from ..scoring.weights import load_scoring_config
from ..text import normalise
from .catalog import Exercise, Requirement, load_exercises, prompt_text

PENALTY_ITEMS = ("anti.", "hostile", "long_reply")  # the scorer's breakdown items that take points away
LIST_MAX_CHARS = 4000  # a written list is read whole (a spoken reply: the scorer's max_analysed_chars)
QUESTION_NAMES = {"open": "开放式提问", "closed": "封闭式提问"}


class ExerciseError(ValueError):
    """An unknown exercise or prompt; the message is Chinese, for the trainer."""


@dataclass
class RequirementResult:
    label: str  # Chinese, e.g. 认同法, FBI, 开放式提问, 真实一刻
    met: bool
    fulfilment: float  # 0..1
    done: str = ""  # what the answer showed, for the feedback: 认同法（复述+认同语）
    evidence: List[Dict[str, Any]] = field(default_factory=list)  # offsets into the answer as written
    missing: List[str] = field(default_factory=list)  # Chinese hints
    listed: bool = False  # a list answer's items (写到了……) rather than a technique used


@dataclass
class ExerciseGrade:
    exercise_id: str
    prompt_index: int  # 0-based
    answer: str
    passed: bool
    score: int  # 0-100
    requirements: List[RequirementResult]
    missing: List[str]  # Chinese hints, most useful first
    feedback: str  # one or two Chinese sentences
    techniques: List[str]  # speech patterns the scorer found (codes)

    @property
    def found(self) -> List[RequirementResult]:
        return [r for r in self.requirements if r.met]

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


def _technique(req: Requirement, result: Dict[str, Any], messages: Dict[str, str]) -> RequirementResult:
    book = load_phrasebook().patterns
    code = req.technique or ""
    name = book[code].name
    pattern = result["patterns"].get(code)
    if pattern is None:
        used = [book[c].name for c in result["techniques"]]
        lead = (
            messages["wrong_technique"].format(used="、".join(used), name=name)
            if used
            else messages["technique_absent"].format(name=name)
        )
        return RequirementResult(name, False, 0.0, missing=[lead + book[code].missing[KEY_PARTS[code][0]]])
    kind = FORM_NAMES.get(pattern.get("form") or pattern.get("style") or "")
    parts = "+".join(PART_NAMES.get(p, p) for p in pattern["parts_present"])
    return RequirementResult(
        name,
        pattern["quality"] >= req.min_quality,
        float(pattern["quality"]),
        f"{name}{'（' + kind + '）' if kind else ''}（{parts}）",
        [e for e in result["evidence"] if e["label"] == code],
        [m["message"] for m in result["missing"] if m["label"] == code and m["message"]],
    )


def _fbi(req: Requirement, result: Dict[str, Any], messages: Dict[str, str]) -> RequirementResult:
    present = [p for p in req.fbi_parts if result["fbi"].get(p)]
    hints = load_cues().fbi_missing
    return RequirementResult(
        "FBI",
        len(present) == len(req.fbi_parts),
        len(present) / len(req.fbi_parts),
        messages["fbi_found"].format(parts="+".join(FBI_NAMES[p] for p in present)) if present else "",
        [e for e in result["evidence"] if e["label"] == "fbi" and e["part"] in req.fbi_parts],
        [hints[p] for p in req.fbi_parts if p not in present],
    )


def _question(req: Requirement, result: Dict[str, Any], messages: Dict[str, str]) -> RequirementResult:
    wanted = req.question_kind or "open"
    met = result["question"]["kind"] == wanted
    return RequirementResult(
        QUESTION_NAMES[wanted],
        met,
        1.0 if met else 0.0,
        QUESTION_NAMES[wanted] if met else "",
        [e for e in result["evidence"] if e["label"] == "question" and e["part"] == wanted],
        [] if met else [messages[f"question_{wanted}"]],
    )


def _concepts(req: Requirement, r: TurnReading, messages: Dict[str, str]) -> RequirementResult:
    evidence, named, unnamed = [], [], []
    for concept in req.concepts:
        span = find(concept.cues, r.text)
        if span:
            named.append(concept.label)
            evidence.append(r.evidence("concept", concept.label, *span).as_dict())
        else:
            unnamed.append(concept.label)
    met = len(named) >= req.min_count
    missing = []
    if not met:
        missing.append(messages["concepts_short"].format(min=req.min_count, label=req.label, found=len(named)))
    if unnamed and not met:
        missing.append(messages["concepts_more"].format(labels="、".join(unnamed[:3])))
    return RequirementResult(
        req.label,
        met,
        min(1.0, len(named) / req.min_count),
        messages["concepts_found"].format(count=len(named), label=req.label, labels="、".join(named)) if named else "",
        evidence,
        missing,
        listed=True,
    )


def _judge(req: Requirement, r: TurnReading, result: Dict[str, Any], messages: Dict[str, str]) -> RequirementResult:
    if req.kind == "technique":
        return _technique(req, result, messages)
    if req.kind == "fbi":
        return _fbi(req, result, messages)
    if req.kind == "question_kind":
        return _question(req, result, messages)
    return _concepts(req, r, messages)


def _feedback(requirements: List[RequirementResult], warnings: List[str], missing: List[str]) -> str:
    """The scorer's voice (ssp_coach/scoring/feedback.py): what worked, then the one thing to fix."""
    msg = load_scoring_config().messages
    lines = []
    used = [r.done for r in requirements if r.done and not r.listed]
    listed = [r.done for r in requirements if r.done and r.listed]
    done = (["用了" + "、".join(used)] if used else []) + listed
    if done and not warnings:
        lines.append(f"{msg['good']}：" + "；".join(done) + "。")
    if warnings:
        lines.append(f"{msg['anti']}：{warnings[0]}")
    elif missing:
        lines.append(f"{msg['missing']}：{missing[0]}")
    return "\n".join(lines)


def grade(exercise: Exercise, prompt_index: int, text: Any, messages: Optional[Dict[str, str]] = None) -> ExerciseGrade:
    """Grade one answer to prompt `prompt_index` (0-based) of `exercise`. Never raises on odd text."""
    if not 0 <= prompt_index < len(exercise.prompts):
        raise ExerciseError(f"题号 {prompt_index + 1} 不存在：这道练习共有 {len(exercise.prompts)} 题。")
    messages = messages or load_exercises().messages
    cfg = load_scoring_config()
    answer = text if isinstance(text, str) else ""
    prompt = exercise.prompts[prompt_index]
    written_list = exercise.is_list
    limit = LIST_MAX_CHARS if written_list else int(cfg["max_analysed_chars"])
    reading = read_turn(answer, prompt.customer, exercise.stage, max_chars=limit)
    result = score_turn(reading)
    if result["reading"] is None:  # empty or not Chinese: the scorer's own message
        unmet = [_judge(req, reading, result, messages) for req in exercise.requires] if answer.strip() else []
        return ExerciseGrade(
            exercise.id, prompt_index, answer, False, 0, unmet, [result["feedback"]], result["feedback"], []
        )
    requirements = [_judge(req, reading, result, messages) for req in exercise.requires]
    cues = load_cues()
    strikes = [a for a in result["anti_patterns"] if a in cues.strike]
    penalties = [b for b in result["breakdown"] if b["item"].startswith(PENALTY_ITEMS)]
    if written_list:  # a written list is not said to a customer: only what would hurt one counts
        penalties = [b for b in penalties if b["item"] in {f"anti.{a}" for a in strikes}]
    fulfilment = sum(r.fulfilment for r in requirements) / len(requirements)
    score = int(round(max(0.0, min(100.0, 100 * fulfilment + sum(b["points"] for b in penalties)))))
    counted = {b["item"] for b in penalties}
    warnings = [cues.anti_messages[a] for a in strikes]
    if strikes:
        warnings[0] = messages["strike"] + warnings[0]
    warnings += [cues.anti_messages[a] for a in result["anti_patterns"] if a not in strikes and f"anti.{a}" in counted]
    if "hostile" in counted:
        warnings.append(cfg.messages["hostile"])
    missing = [m for r in requirements for m in r.missing]
    if "long_reply" in counted:
        missing.append(cfg.messages["too_long"])
    passed = all(r.met for r in requirements) and score >= exercise.min_score and not strikes
    return ExerciseGrade(
        exercise.id,
        prompt_index,
        answer,
        passed,
        score,
        requirements,
        warnings + missing,
        _feedback(requirements, warnings, missing),
        list(result["techniques"]),
    )


def grade_answer(exercise_id: str, prompt_index: int, text: Any) -> ExerciseGrade:
    """Grade an answer to an exercise of content/exercises.yml (prompt_index is 0-based)."""
    book = load_exercises()
    exercise = book.exercises.get(exercise_id)
    if exercise is None:
        raise ExerciseError(f"没有这道练习：{exercise_id}")
    return grade(exercise, prompt_index, text, book.messages)


def describe(exercise: Exercise) -> Dict[str, Any]:
    """What a trainee is shown (no internal ids): title, instructions, the prompts, what is required."""
    book = load_phrasebook().patterns
    required = []
    for req in exercise.requires:
        if req.kind == "technique":
            required.append(book[req.technique or ""].name)
        elif req.kind == "fbi":
            required.append("FBI（" + "+".join(FBI_NAMES[p] for p in req.fbi_parts) + "）")
        elif req.kind == "question_kind":
            required.append(QUESTION_NAMES[req.question_kind or "open"])
        else:
            required.append(f"至少写出{req.min_count}个{req.label}")
    return {
        "title": exercise.title,
        "instructions": exercise.instructions,
        "prompts": [prompt_text(p) for p in exercise.prompts],
        "required": required,
    }


def best_answers(grades: Sequence[ExerciseGrade], n: int) -> List[ExerciseGrade]:
    """The n best answers for the board: passed first, then by score, shorter first on a tie; an answer
    written the same way twice is shown once, and an answer that scored nothing is never shown."""
    ranked = sorted((g for g in grades if g.score > 0), key=lambda g: (not g.passed, -g.score, len(g.answer.strip())))
    out: List[ExerciseGrade] = []
    seen = set()
    for g in ranked:
        key = normalise(g.answer).strip()
        if key in seen:
            continue
        seen.add(key)
        out.append(g)
        if len(out) >= n:
            break
    return out
