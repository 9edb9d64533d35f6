"""The live board of a class assignment (/review/classes/<class>/board/<assignment>): a projector page that
updates itself from server-sent events, no reload. Each member's state (not started / stage reached /
finished), turn count and live score (in exam mode hidden until the trainer reveals), a per-group view;
the trainer can end the exercise for everyone (the trainees' chats then send /end, web/static/chat.js).

Role-play state comes from the tracker store through web/tracker_reader.py, found by the conversation
each member started for the assignment (web/class_store.py attempts)."""

import asyncio
import json
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from sanic import Blueprint, response

from ssp_coach.roleplay.catalog import load_catalog

from . import auth
from .class_join import store
from .class_store import Assignment, Member
from .labels import MEMBER_STATES, assignment_summary, group_name, label
from .tracker_reader import RolePlay

bp = Blueprint("class_board", url_prefix="/review/classes")
BOARD_INTERVAL = 1.0  # seconds between two looks at the tracker store for one open board
KEEPALIVE = 15.0
START_SLACK = 5.0  # the role-play starts just after the attempt is recorded (clocks of two processes)


def _stage(rp: RolePlay) -> Tuple[Optional[int], Optional[int], str]:
    """(stage number, stage count, stage title) of a running role-play, from the content catalog."""
    try:
        scenario = load_catalog().scenarios.get(rp.scenario)
    except Exception:  # noqa: BLE001 - content errors must not take the board down
        scenario = None
    if scenario is None:
        return None, None, ""
    index = scenario.stage_index(rp.slots.get("stage") if isinstance(rp.slots.get("stage"), str) else "")
    return index + 1, len(scenario.stages), scenario.stages[index].title


def attempt_roleplays(request, a: Assignment) -> Dict[str, RolePlay]:
    """member id -> the role-play of their newest attempt at the assignment (when it has started)."""
    attempts = store(request).attempts_of(a.id)
    by_conv: Dict[str, List[RolePlay]] = {}
    for rp in request.app.ctx.reader.roleplays_in(x["conversation_id"] for x in attempts.values()):
        by_conv.setdefault(rp.conversation_id, []).append(rp)
    found = {}
    for member_id, attempt in attempts.items():
        after = [
            rp
            for rp in by_conv.get(attempt["conversation_id"], [])
            if rp.started_at >= attempt["started_at"] - START_SLACK
        ]
        if after:
            found[member_id] = after[0]
    return found


def final_scores(request, rps: Dict[str, RolePlay]) -> Dict[str, float]:
    """member id -> the trainer's score override of that role-play, where there is one (it counts on the
    board and in the results as everywhere else)."""
    overrides = request.app.ctx.review.latest_overrides()
    return {
        member_id: float(overrides[rp.roleplay_id]["score"])
        for member_id, rp in rps.items()
        if rp.roleplay_id in overrides
    }


def live_score(rp: RolePlay, override: Optional[float] = None) -> Optional[float]:
    """The trainer's override or the scorecard's overall score once finished, else the mean of the replies
    scored so far."""
    if rp.finished and override is not None:
        return round(override, 1)
    if rp.finished and rp.overall is not None:
        return round(rp.overall, 1)
    return round(sum(rp.turn_scores) / len(rp.turn_scores), 1) if rp.turn_scores else None


def member_row(
    member: Member, rp: Optional[RolePlay], show_scores: bool, override: Optional[float] = None
) -> Dict[str, Any]:
    row: Dict[str, Any] = {"name": member.display, "group": group_name(member.group_no), "group_no": member.group_no}
    if rp is None:
        return dict(row, state="waiting", state_text=MEMBER_STATES["waiting"], turns=0, score=None, stage="")
    state = "finished" if rp.finished else "running"
    number, count, title = _stage(rp)
    stage = f"阶段 {number}/{count} {title}" if number else ""
    score = live_score(rp, override) if show_scores else None
    return dict(
        row,
        state=state,
        state_text=MEMBER_STATES[state],
        turns=rp.turns,
        score=score,
        stage=stage,
        customer_type=label("customer_type", rp.customer_type),
        outcome=label("outcome", rp.outcome) if rp.finished and rp.outcome else "",
    )


def board_data(request, a: Assignment) -> Dict[str, Any]:
    show = a.mode != "exam" or a.revealed
    members = [m for m in store(request).members_of(a.class_id) if a.for_member(m)]
    rps = attempt_roleplays(request, a)
    overrides = final_scores(request, rps)
    rows = [member_row(m, rps.get(m.id), show, overrides.get(m.id)) for m in members]
    groups: Dict[str, Dict[str, Any]] = {}
    for row in rows:
        g = groups.setdefault(row["group"], {"group": row["group"], "members": 0, "finished": 0, "scores": []})
        g["members"] += 1
        g["finished"] += row["state"] == "finished"
        if row["score"] is not None:
            g["scores"].append(row["score"])
    group_rows = [
        {
            "group": g["group"],
            "members": g["members"],
            "finished": g["finished"],
            "score": round(sum(g["scores"]) / len(g["scores"]), 1) if g["scores"] else None,
        }
        for g in groups.values()
    ]
    left = None
    if a.minutes and not a.ended():
        left = max(0, int(a.created_at + a.minutes * 60 - time.time()))
    return {
        "title": assignment_summary(a),
        "ended": a.ended(),
        "scores_hidden": not show,
        "seconds_left": left,
        "members": rows,
        "groups": group_rows if len(group_rows) > 1 or (group_rows and group_rows[0]["group"] != "全班") else [],
        "counts": {s: sum(1 for r in rows if r["state"] == s) for s in MEMBER_STATES},
        "at": time.time(),
    }


def _assignment_or_404(request, class_id: str, assignment_id: str):
    a = store(request).get_assignment(assignment_id)
    if a is None or a.class_id != class_id:
        return None
    return a


@bp.get("/<class_id>/board/<assignment_id>")
@auth.trainer_required()
async def board_page(request, class_id: str, assignment_id: str):
    a = _assignment_or_404(request, class_id, assignment_id)
    if a is None:
        return response.text("404 练习不存在", status=404)
    trainer = request.ctx.trainer
    html = request.app.ctx.render(
        "class_board.html",
        trainer=trainer,
        csrf_token=trainer["csrf_token"],
        klass=store(request).get_class(class_id),
        a=a,
        title=assignment_summary(a),
    )
    return response.html(html)


@bp.get("/<class_id>/board/<assignment_id>/data")
@auth.trainer_required(api=True)
async def board_json(request, class_id: str, assignment_id: str):
    a = _assignment_or_404(request, class_id, assignment_id)
    if a is None:
        return response.json({"error": "练习不存在"}, status=404, ensure_ascii=False)
    return response.json(await _board_off_loop(request, a), ensure_ascii=False)


async def _board_off_loop(request, a: Assignment) -> Dict[str, Any]:
    # the database reads run in a thread, so many open boards do not hold up the chat
    return await asyncio.get_running_loop().run_in_executor(None, board_data, request, a)


@bp.get("/<class_id>/board/<assignment_id>/events")
@auth.trainer_required(api=True)
async def board_events(request, class_id: str, assignment_id: str):
    """Server-sent events: the board's data whenever it changes (checked every BOARD_INTERVAL)."""
    a = _assignment_or_404(request, class_id, assignment_id)
    if a is None:
        return response.text("404", status=404)

    def produce() -> Dict[str, Any]:
        data = board_data(request, store(request).get_assignment(assignment_id) or a)
        data.pop("at", None)
        return data

    await stream_events(request, produce)


async def stream_events(request, produce: Callable[[], Dict[str, Any]]) -> None:
    """A server-sent event stream of produce()'s data (run in a thread) whenever it changes, checked every
    BOARD_INTERVAL, with a keep-alive comment when quiet; shared by the boards of the classroom."""
    resp = await request.respond(content_type="text/event-stream", headers={"Cache-Control": "no-store"})
    last, quiet_since = "", time.monotonic()
    while True:
        data = await asyncio.get_running_loop().run_in_executor(None, produce)
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        if text != last:
            await resp.send(f"data: {text}\n\n")
            last, quiet_since = text, time.monotonic()
        elif time.monotonic() - quiet_since > KEEPALIVE:
            await resp.send(": still here\n\n")
            quiet_since = time.monotonic()
        await asyncio.sleep(BOARD_INTERVAL)


@bp.post("/<class_id>/board/<assignment_id>/end")
@auth.trainer_required()
async def end_assignment(request, class_id: str, assignment_id: str):
    if _assignment_or_404(request, class_id, assignment_id) is None:
        return response.text("404 练习不存在", status=404)
    store(request).end_assignment(assignment_id)
    return response.redirect(f"/review/classes/{class_id}/board/{assignment_id}")


@bp.post("/<class_id>/board/<assignment_id>/reveal")
@auth.trainer_required()
async def reveal_scores(request, class_id: str, assignment_id: str):
    if _assignment_or_404(request, class_id, assignment_id) is None:
        return response.text("404 练习不存在", status=404)
    store(request).reveal(assignment_id, (request.form.get("show") or "1") == "1")
    return response.redirect(f"/review/classes/{class_id}/board/{assignment_id}")
