"""Batch-grading outputs: a results CSV (Chinese headers, UTF-8 with BOM so Excel opens it) and a
self-contained printable HTML report (Jinja2, autoescaped)."""

import csv
from pathlib import Path
from typing import List, Sequence

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..scoring.patterns.phrases import load_phrasebook
from ..text import spreadsheet_cell
from .batch import ClassSummary, GradedRow
from .catalog import Exercise, prompt_text

CSV_HEADER = [
    "行号",
    "姓名",
    "题号",
    "题目",
    "答案",
    "得分",
    "是否通过",
    "用到的话术",
    "还缺少",
    "反馈",
    "个人总分",
    "说明",
]
TEMPLATES = Path(__file__).resolve().parent / "templates"


def technique_names(codes: Sequence[str]) -> str:
    book = load_phrasebook().patterns
    return "、".join(book[c].name for c in codes if c in book)


def result_rows(exercise: Exercise, graded: Sequence[GradedRow], summary: ClassSummary) -> List[List[str]]:
    """The CSV rows, every cell safe to open in a spreadsheet (a typed answer may start with =)."""
    totals = {t.name: t.score for t in summary.trainees}
    rows = []
    for g in graded:
        r = g.row
        if g.grade is None or g.prompt_index is None:
            rows.append([str(r.row), r.name, r.prompt, "", r.answer, "", "未评分", "", "", "", "", g.problem or ""])
            continue
        grade = g.grade
        rows.append(
            [
                str(r.row),
                r.name,
                str(g.prompt_index + 1),
                prompt_text(exercise.prompts[g.prompt_index]),
                r.answer,
                str(grade.score),
                "通过" if grade.passed else "未通过",
                technique_names(grade.techniques),
                "；".join(grade.missing),
                grade.feedback.replace("\n", " "),
                str(totals.get(r.name, "")),
                g.problem or "",
            ]
        )
    return [[spreadsheet_cell(cell) for cell in row] for row in rows]


def write_results_csv(path: Path, exercise: Exercise, graded: Sequence[GradedRow], summary: ClassSummary) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_HEADER)
        writer.writerows(result_rows(exercise, graded, summary))


def render_report(exercise: Exercise, summary: ClassSummary) -> str:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"], default=True))
    biggest = max((count for _, count in summary.distribution), default=0) or 1
    return env.get_template("grade_report.html").render(
        exercise=exercise,
        prompts=[prompt_text(p) for p in exercise.prompts],
        summary=summary,
        biggest=biggest,
        technique_names=technique_names,
    )


def write_report(path: Path, exercise: Exercise, summary: ClassSummary) -> None:
    path.write_text(render_report(exercise, summary), encoding="utf-8")
