"""Cohort analytics pages (/review/cohort): the trainee × pattern table with heat map, summary figures and
score trends, and the replies of one technique across sessions. Every view reads the same filters
(web/cohort_filters.py) and aggregates once per request, off the event loop so other requests go on."""

import asyncio
import time
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlencode

from sanic import Blueprint, response

from ssp_coach.roleplay.catalog import CUSTOMER_TYPES, MODES

from . import auth, charts
from .class_admin import MAX_GROUPS
from .class_join import identity
from .cohort import SORTS, corrections_in_force, replies_using, sort_table, summary, trainee_table
from .cohort_filters import CohortFilters
from .labels import PATTERNS, label, scenarios
from .paging import page_of
from .review import _render
from .session_list import Row, load_rows
from .transcript_view import highlight

bp = Blueprint("cohort", url_prefix="/review/cohort")
REPLIES_PER_PAGE = 25
DEFAULT_PASS_MARK = 60.0


def _filters(request) -> Tuple[CohortFilters, Dict[str, Any]]:
    """The filters from the query string, and what the shared filter form shows (the classes read once)."""
    classes = request.app.ctx.classes
    every_class = classes.list_classes()
    known = {
        "scenario": list(scenarios()),
        "customer_type": list(CUSTOMER_TYPES),
        "mode": list(MODES),
        "class_id": [k["id"] for k in every_class],
        "group": [str(n) for n in range(1, MAX_GROUPS + 1)],
    }
    filters = CohortFilters.from_args(request.args, known)
    if filters.class_id:
        klass = classes.get_class(filters.class_id)
        members = [
            m for m in classes.members_of(filters.class_id) if not filters.group or str(m.group_no) == filters.group
        ]
        filters.members = {identity(m, klass) for m in members} if klass else set()
    elif filters.group:
        filters.errors.append("按小组筛选时请先选择班级，已忽略小组。")
        filters.group = ""
    choices = [  # newest first, with their group numbers
        {"id": k["id"], "title": f"{k['name']}（{k['day']}）", "groups": list(range(1, int(k["groups"] or 0) + 1))}
        for k in every_class
    ]
    return filters, {"modes": MODES, "classes": choices, "query": _query, "when": _when}


def _pass_mark(request, errors: List[str]) -> float:
    raw = (request.args.get("pass_mark") or "").strip()
    if not raw:
        return DEFAULT_PASS_MARK
    try:
        value = float(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= 100:
        errors.append(f"及格线须为 0–100 之间的数字，已按 {DEFAULT_PASS_MARK:g} 分计算。")
        return DEFAULT_PASS_MARK
    return value


def _trend_charts(rows: List[Row], names: List[str]) -> List[Tuple[str, str]]:
    """One small chart per trainee (small multiples: readable for 30 trainees, no shared legend)."""
    scored: Dict[str, List[Row]] = {n: [] for n in names}
    for r in sorted(rows, key=lambda r: r.rp.started_at):
        if r.final_score is not None and r.rp.trainee in scored:
            scored[r.rp.trainee].append(r)
    out = []
    for name in names:
        points = scored[name]
        labels = [time.strftime("%m-%d", time.localtime(r.rp.started_at)) for r in points]
        chart = charts.line_chart([("", [r.final_score for r in points])], labels, name, width=320, height=150)
        out.append((name, chart))
    return out


def _overview(reader, review, filters: CohortFilters, sort: str, descending: bool, pass_mark: float) -> Dict:
    everything = load_rows(reader, review)
    everyone = sorted({r.rp.trainee for r in everything if r.rp.trainee})
    rows = filters.apply(everything)
    table = sort_table(trainee_table(rows, corrections_in_force(review)), sort, descending)

    def link(name: str, code: str) -> str:
        pairs = filters.pairs(trainees=[name]) + [("pattern", code), ("order", "worst")]
        return "/review/cohort/replies?" + _query(pairs)

    heat = charts.heat_map(
        [s.trainee for s in table],
        list(PATTERNS.values()),
        [[s.patterns[c].quality for c in PATTERNS] for s in table],
        [[link(s.trainee, c) if s.patterns[c].uses else "" for c in PATTERNS] for s in table],
        "各话术使用质量（未使用的单独标出；点格子看回复）",
    )
    stats = summary(rows, pass_mark)
    bands = [f"{10 * i}–{10 * i + 9}" if i < 9 else "90–100" for i in range(10)]
    return {
        "everyone": everyone,
        "table": table,
        "heat": heat,
        "summary": stats,
        "distribution": charts.bar_chart(bands, stats.buckets, "总分分布（会话数）"),
        "trends": _trend_charts(rows, [s.trainee for s in sorted(table, key=lambda s: s.trainee)]),
    }


def _query(pairs) -> str:
    return urlencode(pairs)


@bp.get("")
@auth.trainer_required()
async def cohort(request):
    filters, form = _filters(request)
    errors = list(filters.errors)
    pass_mark = _pass_mark(request, errors)
    sort = request.args.get("sort") or "trainee"
    sort = sort if sort in SORTS else "trainee"
    descending = request.args.get("order") == "desc"
    ctx = request.app.ctx
    view = await asyncio.to_thread(_overview, ctx.reader, ctx.review, filters, sort, descending, pass_mark)
    return _render(
        request,
        "cohort.html",
        f=filters,
        errors=errors,
        pass_mark=pass_mark,
        sort=sort,
        descending=descending,
        **form,
        **view,
    )


def _replies(reader, review, filters: CohortFilters, code: str, worst_first: bool) -> List[Any]:
    rows = filters.apply(load_rows(reader, review))
    wanted = {r.rp.roleplay_id for r in rows}
    plays = [rp for rp in reader.with_replies({r.rp.conversation_id for r in rows}) if rp.roleplay_id in wanted]
    return replies_using(plays, code, worst_first, corrections_in_force(review))


@bp.get("/replies")
@auth.trainer_required()
async def replies(request):
    filters, form = _filters(request)
    code = request.args.get("pattern") or ""
    if code not in PATTERNS:
        return response.text("400 请选择一种话术（认同法、赞美法等）", status=400)
    worst_first = request.args.get("order") != "best"
    ctx = request.app.ctx
    found = await asyncio.to_thread(_replies, ctx.reader, ctx.review, filters, code, worst_first)
    page = page_of(found, request.args.get("page"), REPLIES_PER_PAGE)
    shown = [{"reply": r, "segments": highlight(r.text, r.assessment.get("evidence"))} for r in page.items]
    return _render(
        request,
        "cohort_replies.html",
        f=filters,
        errors=filters.errors,
        code=code,
        worst_first=worst_first,
        page=page,
        shown=shown,
        **form,
        pattern_name=label("pattern", code),
    )


def _when(ts: Optional[float]) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else ""
