"""My progress (/progress): a trainee's own past role-plays, score trend, read-only transcripts with the
trainer's comments and score overrides, and a link to practise the same scenario/type again.

Who is asking comes only from the signed trainee cookie, as for the chat API (web/auth.py); a role-play
is the trainee's when its `trainee` slot (set by /start from that same session identity) is their name.
Anything else answers 404, exactly as an id that does not exist."""

import base64
import time
from typing import Any, Dict, List, Optional
from urllib.parse import urlencode

from sanic import Blueprint, response

from ssp_coach.roleplay.catalog import CUSTOMER_TYPES, MODES

from . import auth, charts
from . import review_corrections as corr
from .follow_ups import follow_up_rows
from .labels import PATTERNS, label, scenarios
from .session_list import Row, load_rows
from .tracker_reader import RolePlay
from .transcript_view import lines_view

bp = Blueprint("progress", url_prefix="/progress")


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
    rows = [r for r in load_rows(request.app.ctx.reader, request.app.ctx.review) if r.rp.trainee == who]
    return sorted(rows, key=lambda r: r.rp.started_at, reverse=True)


def trend_chart(rows: List[Row]) -> str:
    """Overall score (the trainer's override where there is one) per finished role-play, oldest first."""
    scored = [r for r in reversed(rows) if r.final_score is not None]
    labels = [time.strftime("%m-%d", time.localtime(r.rp.started_at)) for r in scored]
    return charts.line_chart([("", [r.final_score for r in scored])], labels, "每次练习总分", height=200)


def _render(request, template: str, who: str, **ctx: Any):
    html = request.app.ctx.render(
        template, trainee=who, label=label, patterns=PATTERNS, when=_when, again_link=again_link, **ctx
    )
    return response.html(html)


@bp.get("")
async def progress_page(request):
    who = _who(request)
    if who is None:
        return response.redirect("/")
    rows = own_rows(request, who)
    follow_ups = follow_up_rows([r.rp for r in rows], request.app.ctx.config.tracker_db_url)
    return _render(request, "progress.html", who, rows=rows, chart=trend_chart(rows), follow_ups=follow_ups)


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
        "comments": review.comments_for(roleplay_id),
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
