"""Batch grading: every row of a sheet graded against one exercise, then the class summary.

A row that cannot be graded (no name, a prompt number that is not one of the exercise's) gets a Chinese
message and the rest is still graded. A trainee's score is the mean over the exercise's prompts, a prompt
left unanswered counting 0; when a trainee answered a prompt twice, the later row counts.
"""

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from .catalog import Exercise
from .grading import ExerciseGrade, grade
from .sheet import SheetRow

BUCKETS: Tuple[Tuple[int, int], ...] = ((0, 59), (60, 69), (70, 79), (80, 89), (90, 100))


@dataclass
class GradedRow:
    row: SheetRow
    prompt_index: Optional[int]  # 0-based, None when the row could not be graded
    grade: Optional[ExerciseGrade]
    problem: Optional[str] = None  # Chinese, why the row was not graded (or a note about it)


@dataclass
class TraineeResult:
    name: str
    score: int  # mean over the exercise's prompts, unanswered = 0
    passed: int  # prompts passed
    answers: Dict[int, GradedRow]  # prompt index -> the row that counts

    def all_passed(self, prompts: int) -> bool:
        return self.passed == prompts


@dataclass
class ClassSummary:
    trainees: List[TraineeResult]
    graded: int  # rows graded
    rejected: List[GradedRow]  # rows not graded, with their message
    mean: float  # mean trainee score
    answer_pass_rate: float  # share of graded answers that passed (0..1)
    trainee_pass_rate: float  # share of trainees who passed every prompt (0..1)
    distribution: List[Tuple[str, int]]  # ("60-69", number of trainees)


def _prompt_index(row: SheetRow, exercise: Exercise) -> Tuple[Optional[int], Optional[str]]:
    n = len(exercise.prompts)
    if not row.prompt:
        if n == 1:
            return 0, None
        return None, f"第{row.row}行：缺少题号（这道练习的题号是 1 到 {n}），这一行没有评分。"
    text = row.prompt.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.endswith(".0"):  # Excel sometimes writes 1 as 1.0
        text = text[:-2]
    if not text.isdigit():
        return None, f"第{row.row}行：题号“{row.prompt}”不是数字（这道练习的题号是 1 到 {n}），这一行没有评分。"
    number = int(text)
    if not 1 <= number <= n:
        return None, f"第{row.row}行：没有第{number}题（这道练习的题号是 1 到 {n}），这一行没有评分。"
    return number - 1, None


def grade_sheet(
    exercise: Exercise, rows: Sequence[SheetRow], messages: Optional[Dict[str, str]] = None
) -> List[GradedRow]:
    out = []
    for row in rows:
        if not row.name:
            out.append(GradedRow(row, None, None, f"第{row.row}行：缺少姓名，这一行没有评分。"))
            continue
        index, problem = _prompt_index(row, exercise)
        if index is None:
            out.append(GradedRow(row, None, None, problem))
            continue
        out.append(GradedRow(row, index, grade(exercise, index, row.answer, messages)))
    return out


def _score(row: Optional[GradedRow]) -> int:
    return row.grade.score if row is not None and row.grade is not None else 0


def summarise(exercise: Exercise, graded: Sequence[GradedRow]) -> ClassSummary:
    by_name: Dict[str, Dict[int, GradedRow]] = {}
    for g in graded:
        if g.grade is None or g.prompt_index is None:
            continue
        answers = by_name.setdefault(g.row.name, {})
        earlier = answers.get(g.prompt_index)
        if earlier is not None:
            earlier.problem = (
                f"第{earlier.row.row}行：{g.row.name}的第{g.prompt_index + 1}题又出现在第{g.row.row}行，按后一行计分。"
            )
        answers[g.prompt_index] = g
    n = len(exercise.prompts)
    trainees = []
    for name, answers in by_name.items():
        scores = [_score(answers.get(i)) for i in range(n)]
        passed = sum(1 for a in answers.values() if a.grade and a.grade.passed)
        trainees.append(TraineeResult(name, int(round(sum(scores) / n)), passed, answers))
    trainees.sort(key=lambda t: (-t.score, t.name))
    counted = [g for g in graded if g.grade is not None]
    return ClassSummary(
        trainees=trainees,
        graded=len(counted),
        rejected=[g for g in graded if g.grade is None],
        mean=round(sum(t.score for t in trainees) / len(trainees), 1) if trainees else 0.0,
        answer_pass_rate=sum(1 for g in counted if g.grade and g.grade.passed) / len(counted) if counted else 0.0,
        trainee_pass_rate=sum(1 for t in trainees if t.all_passed(n)) / len(trainees) if trainees else 0.0,
        distribution=[(f"{lo}-{hi}", sum(1 for t in trainees if lo <= t.score <= hi)) for lo, hi in BUCKETS],
    )
