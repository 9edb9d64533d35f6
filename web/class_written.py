"""The course's written group exercises as class tasks (content/exercises.yml, ssp_coach/exercises).

The trainer assigns an exercise to the class or a group; trainees answer each prompt on their phones
(/class/written/<task>), every answer is graded at once by ssp_coach.exercises.grade_answer and stored with
its grade (history kept, the latest answer to a prompt counts). The trainer's board shows the answers as
they come in (server-sent events, the live board's stream), names hidden on request, the best answers per
prompt (best_answers) highlighted; the results page and its CSV reuse the batch grading's summary and rows.
"""

import asyncio
import csv
import io
import time
from typing import Any, Dict, List, Optional, Tuple

from sanic import Blueprint, response

from ssp_coach.exercises import ExerciseError, ExerciseGrade, best_answers, describe, grade_answer, load_exercises
from ssp_coach.exercises.batch import GradedRow, summarise
from ssp_coach.exercises.catalog import Exercise, prompt_text
from ssp_coach.exercises.grading import RequirementResult
from ssp_coach.exercises.report import CSV_HEADER, result_rows
from ssp_coach.exercises.sheet import SheetRow

from . import auth, csrf
from .chat import MAX_MESSAGE
from .class_board import stream_events
from .class_join import _body, _json, _text, store, sync_identity
from .class_store import Member, WrittenStore, WrittenTask
from .labels import group_name

bp = Blueprint("class_written")
BEST_PER_PROMPT = 3
HIDDEN_NAME = "匿名"


def written(request) -> WrittenStore:
    return request.app.ctx.written


def exercise_choices() -> Dict[str, str]:
    """exercise id -> its Chinese title, for the trainer's form."""
    try:
        return {e.id: e.title for e in load_exercises().exercises.values()}
    except Exception:  # noqa: BLE001 - content errors must not take the class page down
        return {}


def exercise_of(task: WrittenTask) -> Optional[Exercise]:
    try:
        return load_exercises().exercises.get(task.exercise)
    except Exception:  # noqa: BLE001
        return None


def task_title(task: WrittenTask) -> str:
    exercise = exercise_of(task)
    title = "书面练习：" + (exercise.title if exercise else "（练习已从题库删除）")
    return title + (f" · {group_name(task.group_no)}" if task.group_no else "")


def stored_grade(data: Dict[str, Any]) -> ExerciseGrade:
    """An ExerciseGrade back from its stored JSON (as_dict)."""
    values = dict(data)
    values["requirements"] = [RequirementResult(**r) for r in values.get("requirements") or []]
    return ExerciseGrade(**values)


def answer_view(row: Dict[str, Any]) -> Dict[str, Any]:
    """What the trainee sees of one graded answer: no ids, Chinese feedback."""
    g = row["grade"]
    return {
        "text": row["text"],
        "score": g["score"],
        "passed": g["passed"],
        "feedback": g["feedback"],
        "missing": g["missing"],
    }


# -- the trainee's side ---------------------------------------------------------------------------------
def _member_task(request, task_id: str) -> Tuple[Optional[Member], Optional[WrittenTask], str, int]:
    session = auth.trainee_session(request)
    member = sync_identity(request, session)
    if member is None:
        return None, None, "请先用班级码加入班级。", 401
    task = written(request).get(task_id)
    if task is None or task.class_id != member.class_id or not task.for_member(member):
        return member, None, "没有找到这个练习任务。", 404
    return member, task, "", 200


def trainee_view(request, member: Member, task: WrittenTask) -> Dict[str, Any]:
    exercise = exercise_of(task)
    mine = {r["prompt_index"]: answer_view(r) for r in written(request).answers(task.id, member.id)}
    shown = describe(exercise) if exercise else {"title": "", "instructions": "", "prompts": [], "required": []}
    prompts = []
    for i, text in enumerate(shown["prompts"]):
        prompt = exercise.prompts[i] if exercise else None
        prompts.append(
            {
                "number": i + 1,
                "situation": (prompt.situation or "") if prompt else "",
                "customer": (prompt.customer or "") if prompt else "",
                "text": text,
                "answer": mine.get(i),
            }
        )
    return {
        "title": shown["title"],
        "instructions": shown["instructions"],
        "required": shown["required"],
        "prompts": prompts,
        "ended": task.ended(),
        "max_chars": MAX_MESSAGE,
    }


@bp.get("/class/written/<task_id>")
async def trainee_page(request, task_id: str):
    session = auth.trainee_session(request)
    html = request.app.ctx.render("class_written.html", csrf_token=session["csrf"], task_id=task_id)
    resp = response.html(html)
    auth.save_trainee_session(request, resp, session)
    return resp


@bp.get("/class/api/written/<task_id>")
async def trainee_data(request, task_id: str):
    member, task, error, status = _member_task(request, task_id)
    if task is None or member is None:
        return _json({"error": error}, status)
    return _json(trainee_view(request, member, task))


@bp.post("/class/api/written/<task_id>/answer")
async def submit_answer(request, task_id: str):
    session = auth.trainee_session(request)
    if not csrf.valid(request, session["csrf"]):
        return _json({"error": "页面已过期，请刷新后重试（您写的内容仍在输入框里）。"}, 403)
    member, task, error, status = _member_task(request, task_id)
    if task is None or member is None:
        return _json({"error": error}, status)
    if task.ended():
        return _json({"error": "这个练习已经结束，不能再提交。"}, 409)
    try:
        body = _body(request)
    except Exception:  # noqa: BLE001 - any unreadable body
        return _json({"error": "请求内容不是有效的 JSON。"}, 400)
    text, number = _text(body, "text"), body.get("prompt")
    exercise = exercise_of(task)
    if exercise is None:
        return _json({"error": "这道练习已从题库删除，请联系培训师。"}, 404)
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= len(exercise.prompts):
        return _json({"error": f"题号应为 1 到 {len(exercise.prompts)}。"}, 400)
    if not text:
        return _json({"error": "请先写下您的回答再提交。"}, 400)
    if len(text) > MAX_MESSAGE:
        return _json({"error": f"回答太长（最多 {MAX_MESSAGE} 字），请精简后再提交。"}, 400)
    try:
        g = await asyncio.get_running_loop().run_in_executor(None, grade_answer, task.exercise, number - 1, text)
    except ExerciseError as problem:
        return _json({"error": str(problem)}, 400)
    written(request).add_answer(task.id, member.id, task.exercise, number - 1, text, g.as_dict())
    return _json(trainee_view(request, member, task))


# -- the trainer's side ---------------------------------------------------------------------------------
def _task(request, class_id: str, task_id: str) -> Optional[WrittenTask]:
    task = written(request).get(task_id)
    return task if task is not None and task.class_id == class_id else None


def _names(request, task: WrittenTask) -> Dict[str, Member]:
    return {m.id: m for m in store(request).members_of(task.class_id) if task.for_member(m)}


def prompt_answers(request, task: WrittenTask) -> List[List[Tuple[Dict[str, Any], ExerciseGrade]]]:
    """Per prompt: the latest answer of each member, in the order they came in, with its grade."""
    exercise = exercise_of(task)
    per: List[List[Tuple[Dict[str, Any], ExerciseGrade]]] = [[] for _ in (exercise.prompts if exercise else ())]
    for row in written(request).answers(task.id):
        if row["prompt_index"] < len(per):
            per[row["prompt_index"]].append((row, stored_grade(row["grade"])))
    return per


def board_data(request, task: WrittenTask, hide_names: Optional[bool] = None) -> Dict[str, Any]:
    exercise = exercise_of(task)
    members = _names(request, task)
    hidden = task.names_hidden if hide_names is None else hide_names
    prompts, answered = [], set()
    for i, pairs in enumerate(prompt_answers(request, task)):
        best = {id(g) for g in best_answers([g for _, g in pairs], BEST_PER_PROMPT)}
        rows = []
        for row, g in pairs:
            member = members.get(row["member_id"])
            if member is None:  # removed from the class, or not in the task's group any more
                continue
            answered.add(member.id)
            rows.append(
                {
                    "name": HIDDEN_NAME if hidden else member.display,
                    "text": row["text"],
                    "score": g.score,
                    "passed": g.passed,
                    "best": id(g) in best,
                }
            )
        prompts.append(
            {
                "number": i + 1,
                "text": prompt_text(exercise.prompts[i]) if exercise else "",
                "answers": rows,
                "passed": sum(1 for r in rows if r["passed"]),
            }
        )
    return {
        "title": task_title(task),
        "ended": task.ended(),
        "names_hidden": hidden,
        "members": len(members),
        "answered": len(answered),
        "prompts": prompts,
    }


def _render(request, template: str, **ctx):
    trainer = request.ctx.trainer
    return response.html(request.app.ctx.render(template, trainer=trainer, csrf_token=trainer["csrf_token"], **ctx))


@bp.post("/review/classes/<class_id>/written")
@auth.trainer_required()
async def assign(request, class_id: str):
    from .class_admin import _back  # the class page's redirect with its error message

    klass = store(request).get_class(class_id)
    if klass is None:
        return response.text("404 班级不存在", status=404)
    exercise, group = (request.form.get("exercise") or "").strip(), (request.form.get("group") or "0").strip()
    if exercise not in exercise_choices():
        return _back(class_id, "请选择一道书面练习。")
    if not group.isdigit() or int(group) > klass["groups"]:
        return _back(class_id, "请选择全班或一个小组。")
    task = written(request).create(class_id, int(group) or None, exercise)
    return response.redirect(f"/review/classes/{class_id}/written/{task.id}")


@bp.get("/review/classes/<class_id>/written/<task_id>")
@auth.trainer_required()
async def board_page(request, class_id: str, task_id: str):
    task = _task(request, class_id, task_id)
    if task is None:
        return response.text("404 练习不存在", status=404)
    return _render(
        request, "class_written_board.html", klass=store(request).get_class(class_id), task=task, title=task_title(task)
    )


@bp.get("/review/classes/<class_id>/written/<task_id>/data")
@auth.trainer_required(api=True)
async def board_json(request, class_id: str, task_id: str):
    task = _task(request, class_id, task_id)
    if task is None:
        return _json({"error": "练习不存在"}, 404)
    return _json(board_data(request, task))


@bp.get("/review/classes/<class_id>/written/<task_id>/events")
@auth.trainer_required(api=True)
async def board_events(request, class_id: str, task_id: str):
    task = _task(request, class_id, task_id)
    if task is None:
        return response.text("404", status=404)

    def produce() -> Dict[str, Any]:
        return board_data(request, written(request).get(task_id) or task)

    await stream_events(request, produce)


@bp.post("/review/classes/<class_id>/written/<task_id>/end")
@auth.trainer_required()
async def end_task(request, class_id: str, task_id: str):
    if _task(request, class_id, task_id) is None:
        return response.text("404 练习不存在", status=404)
    written(request).end(task_id)
    return response.redirect(f"/review/classes/{class_id}/written/{task_id}")


@bp.post("/review/classes/<class_id>/written/<task_id>/names")
@auth.trainer_required()
async def toggle_names(request, class_id: str, task_id: str):
    if _task(request, class_id, task_id) is None:
        return response.text("404 练习不存在", status=404)
    written(request).hide_names(task_id, (request.form.get("hide") or "1") == "1")
    return response.redirect(f"/review/classes/{class_id}/written/{task_id}")


# -- results and debrief ------------------------------------------------------------------------------------
def graded_rows(request, task: WrittenTask) -> List[GradedRow]:
    """The latest answers as the batch grader's rows (one per member and prompt), for its summary and CSV."""
    members = _names(request, task)
    rows: List[GradedRow] = []
    for row in written(request).answers(task.id):
        member = members.get(row["member_id"])
        if member is None:
            continue
        sheet = SheetRow(len(rows) + 1, member.display, str(row["prompt_index"] + 1), row["text"])
        rows.append(GradedRow(sheet, row["prompt_index"], stored_grade(row["grade"])))
    return rows


def results_csv(exercise: Exercise, graded: List[GradedRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    writer.writerows(result_rows(exercise, graded, summarise(exercise, graded)))
    return "\ufeff" + out.getvalue()  # the BOM lets Excel read the Chinese headers as UTF-8


@bp.get("/review/classes/<class_id>/written/<task_id>/results")
@auth.trainer_required()
async def results_page(request, class_id: str, task_id: str):
    task = _task(request, class_id, task_id)
    exercise = exercise_of(task) if task else None
    if task is None or exercise is None:
        return response.text("404 练习不存在", status=404)
    hide = request.args.get("names") == "0"
    graded = graded_rows(request, task)
    return _render(
        request,
        "class_written_results.html",
        klass=store(request).get_class(class_id),
        task=task,
        title=task_title(task),
        board=board_data(request, task, hide_names=hide),
        summary=summarise(exercise, graded),
        hide_names=hide,
        when=lambda ts: time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else "",
    )


@bp.get("/review/classes/<class_id>/written/<task_id>/results.csv")
@auth.trainer_required(api=True)
async def results_export(request, class_id: str, task_id: str):
    task = _task(request, class_id, task_id)
    exercise = exercise_of(task) if task else None
    if task is None or exercise is None:
        return response.text("404", status=404)
    return response.text(
        results_csv(exercise, graded_rows(request, task)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="written-results-{task_id}.csv"'},
    )
