"""The trainer review area (/review): login, session list, transcript, comments, overrides and exports
(the cohort views are in cohort_views.py). Every route needs a trainer login (pages redirect, data answers 401)."""

import asyncio
import base64
import re
import time
from typing import Any, Dict, List, Optional, Tuple

from sanic import Blueprint, response

from ssp_coach.roleplay.catalog import CUSTOMER_TYPES

from . import accounts, auth, charts, csrf
from . import review_corrections as corr
from .export import sessions_csv, turns_csv
from .follow_ups import follow_up_rows
from .labels import PATTERNS, label, p_level_text, scenarios
from .login_guard import Busy
from .paging import Page, page_of
from .session_list import OUTCOME_FILTERS, SORT_KEYS, STATUS_FILTERS, Filters, Row, load_rows
from .transcript_view import lines_view

bp = Blueprint("review", url_prefix="/review")
MAX_COMMENT = 2000


def _render(request, template: str, **ctx):
    trainer = getattr(request.ctx, "trainer", None)
    return response.html(
        request.app.ctx.render(
            template,
            trainer=trainer,
            csrf_token=trainer["csrf_token"] if trainer else "",
            label=label,
            p_level_text=p_level_text,
            scenarios=scenarios(),
            patterns=PATTERNS,
            customer_types=list(CUSTOMER_TYPES),
            outcomes=OUTCOME_FILTERS,
            **ctx,
        )
    )


def _ctx(request):
    return request.app.ctx


# -- login / logout ------------------------------------------------------------------------------
@bp.get("/login")
async def login_form(request):
    return _login_page(request)


def _login_page(request, error: str = "", status: int = 200):
    token = csrf.new_token()
    resp = response.html(
        request.app.ctx.render("login.html", csrf_token=token, error=error, trainer=None), status=status
    )
    auth.set_cookie(resp, auth.LOGIN_CSRF_COOKIE, token, 3600, path="/review")
    return resp


@bp.post("/login")
async def login(request):
    expected = request.cookies.get(auth.LOGIN_CSRF_COOKIE) or ""
    given = request.form.get(csrf.FIELD) or ""
    if not (expected and csrf.same_token(given, expected) and csrf.same_origin(request)):
        return _login_page(request, "页面已过期，请重新登录。", 403)
    name = (request.form.get("username") or "").strip()[:64]
    password = (request.form.get("password") or "")[:1024]
    guard = _ctx(request).login_guard
    address = auth.client_address(request)
    verdict = await guard.check(name, address)
    if not verdict.allowed:
        minutes = round(guard.window / 60)
        why = "这台电脑登录失败次数过多" if verdict.reason == "address" else "该账号从这台电脑登录失败次数过多"
        return _login_page(request, f"{why}，请 {minutes} 分钟后再试，或请其他培训师在“账号”页解锁。", 429)
    stored = _ctx(request).review.get_password_hash(name)
    try:
        ok = await guard.pool.run(address, accounts.verify_password, password, stored)
    except Busy:
        return _login_page(request, "登录请求过多，服务器正忙，请稍后再试。", 503)
    if not ok:
        await guard.failed(name, address)
        return _login_page(request, "用户名或密码错误。", 401)
    await guard.succeeded(name, address)
    resp = response.redirect("/review")
    auth.start_trainer_session(request, resp, name)
    auth.clear_cookie(resp, auth.LOGIN_CSRF_COOKIE, path="/review")
    return resp


@bp.post("/logout")
@auth.trainer_required()
async def logout(request):
    resp = response.redirect("/review/login")
    auth.end_trainer_session(request, resp)
    return resp


# -- session list and export ---------------------------------------------------------------------
def _matching(reader, filters: Filters, every: List[Row]) -> List[Row]:
    rows = filters.apply(every)
    if filters.q:
        found = reader.search_text(filters.q)
        rows = [r for r in rows if r.rp.roleplay_id in found]
    return rows


def _filtered(request) -> Tuple[Filters, List[Row]]:
    filters = Filters.from_args(request.args)
    return filters, _matching(_ctx(request).reader, filters, load_rows(_ctx(request).reader, _ctx(request).review))


SESSIONS_PER_PAGE = 50


def review_tags(review) -> List[List[str]]:
    return [m["tags"] for m in review.latest_marks().values()]


def _list_view(reader, review, args) -> Tuple[Filters, Page, List[str]]:
    every = load_rows(reader, review)
    filters = Filters.from_args(args)
    page = page_of(_matching(reader, filters, every), args.get("page"), SESSIONS_PER_PAGE)
    return filters, page, sorted({r.rp.trainee for r in every if r.rp.trainee})


def _flagged_follow_ups(ctx) -> List[Dict[str, Any]]:
    """Overdue, locked and due A卡 follow-ups of every trainee, shown to the trainer above the list."""
    # the role-plays alone (the reader keeps the list until the tracker store changes), not load_rows:
    # overrides and review marks play no part here
    return [f for f in follow_up_rows(ctx.reader.list_roleplays(), ctx.config.tracker_db_url) if f["flagged"]]


@bp.get("")
@auth.trainer_required()
async def session_list(request):
    filters, page, trainees = await asyncio.to_thread(
        _list_view, _ctx(request).reader, _ctx(request).review, request.args
    )
    follow_ups = await asyncio.to_thread(_flagged_follow_ups, _ctx(request))
    return _render(
        request,
        "review_list.html",
        filters=filters,
        rows=page.items,
        page=page,
        status_filters=STATUS_FILTERS,
        all_tags=sorted({t for tags in review_tags(_ctx(request).review) for t in tags}),
        sort_keys=SORT_KEYS,
        trainees=trainees,
        when=_when,
        follow_ups=follow_ups,
    )


@bp.get("/export.csv")
@auth.trainer_required(api=True)
async def export_csv(request):
    _, rows = await asyncio.to_thread(_filtered, request)  # a text search reads transcripts
    stamp = time.strftime("%Y%m%d-%H%M")
    return _csv(sessions_csv(rows), f"ssp-sessions-{stamp}.csv")


def _csv(body: str, filename: str):
    return response.text(
        body,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/turns.csv")
@auth.trainer_required(api=True)
async def export_turns_csv(request):
    """Every trainee reply of the (filtered) sessions: automatic and corrected techniques and FBI parts."""
    _, rows = _filtered(request)
    turns = []
    for row in rows:
        rp = _ctx(request).reader.get_roleplay(row.rp.roleplay_id)
        if rp is not None:
            turns += corr.turn_rows(rp, _ctx(request).review.correction_history(rp.roleplay_id))
    return _csv(turns_csv(turns), f"ssp-turns-{time.strftime('%Y%m%d-%H%M')}.csv")


# -- one session -------------------------------------------------------------------------------
def _session_context(request, roleplay_id: str) -> Optional[Dict]:
    rp = _ctx(request).reader.get_roleplay(roleplay_id)
    if rp is None:
        return None
    history = _ctx(request).review.override_history(roleplay_id)
    return {
        "rp": rp,
        "lines": lines_view(rp.lines),
        "comments": _ctx(request).review.live_comments_for(roleplay_id),
        "marks": _ctx(request).review.marks_history(roleplay_id),
        "corrections": corr.corrections_view(rp, _ctx(request).review.correction_history(roleplay_id)),
        "overrides": history,
        "override": history[0] if history else None,
        "trust_svg": charts.trust_chart(rp.trust),
        "card": rp.scorecard,
        "when": _when,
        # The stored radar SVG is shown as an image: an <img> never runs scripts inside an SVG.
        "radar_uri": (
            "data:image/svg+xml;base64," + base64.b64encode(rp.radar_svg.encode()).decode() if rp.radar_svg else ""
        ),
    }


@bp.get("/sessions/<roleplay_id>")
@auth.trainer_required()
async def session_page(request, roleplay_id: str):
    ctx = _session_context(request, roleplay_id)
    if ctx is None:
        return response.text("404 会话不存在", status=404)
    return _render(request, "review_session.html", **ctx)


@bp.get("/sessions/<roleplay_id>/report")
@auth.trainer_required()
async def session_report(request, roleplay_id: str):
    ctx = _session_context(request, roleplay_id)
    if ctx is None:
        return response.text("404 会话不存在", status=404)
    return _render(request, "report.html", **ctx)


@bp.post("/sessions/<roleplay_id>/comments")
@auth.trainer_required()
async def add_comment(request, roleplay_id: str):
    text = (request.form.get("text") or "").strip()
    try:
        event_id = int(request.form.get("event_id") or "")
    except ValueError:
        return response.text("400 缺少对应的对话轮次", status=400)
    rp = _ctx(request).reader.get_roleplay(roleplay_id)
    if rp is None or event_id not in {line.event_id for line in rp.lines}:
        return response.text("404 会话或轮次不存在", status=404)
    if not text or len(text) > MAX_COMMENT:
        return response.text(f"400 评语不能为空且不超过 {MAX_COMMENT} 字", status=400)
    _ctx(request).review.add_comment(roleplay_id, event_id, request.ctx.trainer["trainer"], text)
    return response.redirect(f"/review/sessions/{roleplay_id}#turn-{event_id}")


@bp.get("/sessions/<roleplay_id>/turns.csv")
@auth.trainer_required(api=True)
async def session_turns_csv(request, roleplay_id: str):
    rp = _ctx(request).reader.get_roleplay(roleplay_id)
    if rp is None:
        return response.text("404 会话不存在", status=404)
    rows = corr.turn_rows(rp, _ctx(request).review.correction_history(roleplay_id))
    return _csv(turns_csv(rows), f"ssp-turns-{roleplay_id[:12]}.csv")


@bp.post("/sessions/<roleplay_id>/corrections")
@auth.trainer_required()
async def correct_turn(request, roleplay_id: str):
    """A trainer's correction of one trainee reply: the techniques and FBI parts it really has (the ticked
    boxes; none ticked = no technique), or `clear` to withdraw the correction in force."""
    try:
        event_id = int(request.form.get("event_id") or "")
    except ValueError:
        return response.text("400 缺少对应的对话轮次", status=400)
    labels = corr.pick(request.form.getlist("labels") or [], tuple(PATTERNS))
    fbi = corr.pick(request.form.getlist("fbi") or [], tuple(corr.FBI_NAMES))
    if labels is None or fbi is None:
        return response.text("400 话术或 FBI 选项无效", status=400)
    rp = _ctx(request).reader.get_roleplay(roleplay_id)
    line = next((x for x in rp.lines if x.event_id == event_id), None) if rp else None
    if line is None:
        return response.text("404 会话或轮次不存在", status=404)
    if not corr.correctable(line):
        return response.text("400 只能更正学员的回复", status=400)
    auto_labels, auto_fbi = corr.auto_judgement(line)
    cleared = request.form.get("action") == "clear"
    _ctx(request).review.add_correction(
        roleplay_id,
        event_id,
        request.ctx.trainer["trainer"],
        **corr.training_fields(_ctx(request).reader, rp, line),
        labels=[] if cleared else labels,
        fbi=[] if cleared else fbi,
        auto_labels=auto_labels,
        auto_fbi=auto_fbi,
        cleared=cleared,
    )
    return response.redirect(f"/review/sessions/{roleplay_id}#turn-{event_id}")


@bp.post("/sessions/<roleplay_id>/override")
@auth.trainer_required()
async def override_score(request, roleplay_id: str):
    reason = (request.form.get("reason") or "").strip()
    score = parse_score(request.form.get("score") or "")
    if score is None or not reason or len(reason) > MAX_COMMENT:
        return response.text("400 分数须为 0–100 之间的数字（不带正负号，最多两位小数），并写明理由", status=400)
    if _ctx(request).reader.get_roleplay(roleplay_id) is None:
        return response.text("404 会话不存在", status=404)
    _ctx(request).review.add_override(roleplay_id, score, reason, request.ctx.trainer["trainer"])
    return response.redirect(f"/review/sessions/{roleplay_id}#score")


SCORE_RE = re.compile(r"^(?:100(?:\.0{1,2})?|\d{1,2}(?:\.\d{1,2})?)$")


def parse_score(text: str) -> Optional[float]:
    """An override score: plain decimal 0–100 with at most two decimals and no sign (so no -0, 1e2,
    nan, inf or ０ full-width digits); None when the text is not one."""
    text = text.strip()
    return float(text) if text.isascii() and SCORE_RE.match(text) else None


# -- trainer accounts: unlock after failed logins ------------------------------------------------
@bp.get("/accounts")
@auth.trainer_required()
async def accounts_page(request):
    return _render(
        request,
        "accounts.html",
        locked=_ctx(request).login_guard.locked_accounts(),
        names=_ctx(request).review.trainer_names(),
        when=_when,
    )


@bp.post("/accounts/<name>/unlock")
@auth.trainer_required()
async def unlock_account(request, name: str):
    _ctx(request).login_guard.unlock(name[:64])
    return response.redirect("/review/accounts")


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else ""
