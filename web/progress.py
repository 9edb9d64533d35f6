"""My progress (/progress): a trainee's own past role-plays, score trend, read-only transcripts with the
trainer's comments and score overrides, and a link to practise the same scenario/type again.

Who is asking comes only from the signed trainee cookie, as for the chat API (web/auth.py); a role-play
is the trainee's when its `trainee` slot (set by /start from that same session identity) is their name.
Anything else answers 404, exactly as an id that does not exist."""

import asyncio
import base64
import time
from typing import Any, Dict, List, Optional
from urllib.parse import urlencode

from sanic import Blueprint, response

from ssp_coach.roleplay.catalog import CUSTOMER_TYPES, MODES

from . import auth, charts
from . import review_corrections as corr
from .cohort import Corrections, corrections_in_force, judged_uses
from .feedback_notice import new_feedback, seen_now
from .follow_ups import follow_up_rows
from .labels import PATTERNS, label, p_level_text, scenarios
from .paging import page_of
from .session_list import Row
from .tracker_reader import RolePlay
from .transcript_view import lines_view

bp = Blueprint("progress", url_prefix="/progress")
ROLEPLAYS_PER_PAGE = 20


def _who(request) -> Optional[str]:
    who = auth.trainee_session(request).get("who")
    return who if isinstance(who, str) and who else None


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else ""


def again_link(rp: RolePlay) -> str:
    """The chat, told to start the same customer type, scenario and mode (known codes only), or ""."""
    if rp.customer_type not in CUSTOMER_TYPES or rp.scenario not in scenarios():
        return ""
    query = {"customer_type": rp.customer_type, "scenario": rp.scenario}
    if rp.mode in MODES:
        query["mode"] = rp.mode
    return "/?" + urlencode(query)


def own_rows(request, who: str) -> List[Row]:
    """The trainee's role-plays, newest first."""
    review = request.app.ctx.review
    overrides, marks = review.latest_overrides(), review.latest_marks()
    rows = [
        Row(rp, overrides.get(rp.roleplay_id), marks.get(rp.roleplay_id))
        for rp in request.app.ctx.reader.roleplays_of(who)
    ]
    return sorted(rows, key=lambda r: r.rp.started_at, reverse=True)


def trend_chart(rows: List[Row]) -> str:
    """Overall score (the trainer's override where there is one) per finished role-play, oldest first."""
    scored = [r for r in reversed(rows) if r.final_score is not None]
    labels = [time.strftime("%m-%d", time.localtime(r.rp.started_at)) for r in scored]
    return charts.line_chart([("", [r.final_score for r in scored])], labels, "每次练习总分", width=360, height=180)


def pattern_chart(rows: List[Row], corrections: Corrections) -> str:
    """Per finished role-play, oldest first: each pattern's quality (0-100) when it was used (trainers'
    corrections counting, as in the cohort views); a role-play that did not use a pattern has no point for
    it (not a 0)."""
    scored = [r for r in reversed(rows) if r.rp.finished and r.rp.assessments]
    labels = [time.strftime("%m-%d", time.localtime(r.rp.started_at)) for r in scored]
    series = []
    for code, name in PATTERNS.items():
        values = []
        for r in scored:
            used = [q for q in judged_uses(r.rp, code, corrections) if q is not None]
            values.append(round(100 * sum(used) / len(used), 1) if used else None)
        series.append((name, values))
    return charts.line_chart(series, labels, "各话术质量（用到时；没用到的那次不画点）", width=360, height=220)


def _render(request, template: str, who: str, **ctx: Any):
    html = request.app.ctx.render(
        template,
        trainee=who,
        label=label,
        p_level_text=p_level_text,
        patterns=PATTERNS,
        when=_when,
        again_link=again_link,
        **ctx,
    )
    return response.html(html)


@bp.get("")
async def progress_page(request):
    who = _who(request)
    if who is None:
        return response.redirect("/")
    rows = own_rows(request, who)
    new_ids = await asyncio.to_thread(new_feedback, request.app.ctx.reader, request.app.ctx.review, who)
    seen_now(request.app.ctx.review, who)
    follow_ups = await asyncio.to_thread(follow_up_rows, [r.rp for r in rows], request.app.ctx.config.tracker_db_url)
    page = page_of(rows, request.args.get("page"), ROLEPLAYS_PER_PAGE)
    return _render(
        request,
        "progress.html",
        who,
        rows=page.items,
        total=len(rows),
        page=page,
        page_query="",
        chart=trend_chart(rows),
        pattern_chart=pattern_chart(rows, await asyncio.to_thread(corrections_in_force, request.app.ctx.review)),
        new_ids=new_ids,
        follow_ups=follow_ups,
    )


@bp.get("/<roleplay_id>")
async def progress_session(request, roleplay_id: str):
    who = _who(request)
    if who is None:
        return response.redirect("/")
    rp = request.app.ctx.reader.get_roleplay(roleplay_id)
    if rp is None or rp.trainee != who:
        return response.text("404 练习记录不存在", status=404)
    review = request.app.ctx.review
    history = review.override_history(roleplay_id)
    ctx: Dict[str, Any] = {
        "rp": rp,
        "lines": lines_view(rp.lines),
        "comments": review.live_comments_for(roleplay_id),
        "corrections": corr.corrections_view(rp, review.correction_history(roleplay_id)),
        "override": history[0] if history else None,
        "trust_svg": charts.trust_chart(rp.trust),
        "card": rp.scorecard,
        # As on the review page: the stored radar SVG only ever as an <img>, which never runs scripts.
        "radar_uri": (
            "data:image/svg+xml;base64," + base64.b64encode(rp.radar_svg.encode()).decode() if rp.radar_svg else ""
        ),
    }
    return _render(request, "progress_session.html", who, **ctx)
