"""Results and debrief of a class assignment (/review/classes/<class>/results/<assignment>): leaderboards
(overall and per pattern), the class's distribution per pattern and per checklist item, the most common
misses with the best trainee replies as examples (the trainer picks which to show; names can be hidden),
a printable page and a CSV export with Chinese headers.

Scores, checklists and the per-reply judgement are the scorer's (the role-plays' scorecards and
last_assessment in the tracker store); nothing is re-scored here."""

import asyncio
import csv
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from sanic import Blueprint, response

from ssp_coach.text import spreadsheet_cell

from . import auth
from .class_board import attempt_roleplays, final_scores
from .class_join import store
from .class_store import Assignment, Member
from .labels import PATTERNS, assignment_summary, evidence_name, group_name, label
from .tracker_reader import RolePlay

bp = Blueprint("class_results", url_prefix="/review/classes")
BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))
TOP_MISSES = 5
EXAMPLES_PER_MISS = 3


@dataclass
class Result:
    member: Member
    rp: Optional[RolePlay]
    override: Optional[float] = None  # the trainer's score override of the role-play

    @property
    def finished(self) -> bool:
        return self.rp is not None and self.rp.finished

    @property
    def overall(self) -> Optional[float]:
        if not self.finished or self.rp is None:
            return None
        return self.override if self.override is not None else self.rp.overall

    def pattern(self, code: str) -> Optional[float]:
        return self.rp.pattern_scores.get(code) if self.finished and self.rp else None


def results(request, a: Assignment) -> List[Result]:
    rps = attempt_roleplays(request, a)
    overrides = final_scores(request, rps)
    members = [m for m in store(request).members_of(a.class_id) if a.for_member(m)]
    return [Result(m, rps.get(m.id), overrides.get(m.id)) for m in members]


def leaderboard(rows: List[Result], code: Optional[str] = None) -> List[Dict[str, Any]]:
    """Finished members by overall score (code=None) or by one pattern's score, best first, with rank."""
    scored = [(r, r.overall if code is None else r.pattern(code)) for r in rows]
    scored = sorted([x for x in scored if x[1] is not None], key=lambda x: -x[1])  # type: ignore[operator]
    board, rank = [], 0
    for i, (r, score) in enumerate(scored):
        if i == 0 or score != scored[i - 1][1]:
            rank = i + 1
        board.append({"rank": rank, "name": r.member.display, "group": group_name(r.member.group_no), "score": score})
    return board


def distribution(values: List[float]) -> List[Dict[str, Any]]:
    return [
        {"band": f"{lo}-{min(hi, 100) if hi > 100 else hi - 1}", "count": sum(1 for v in values if lo <= v < hi)}
        for lo, hi in BANDS
    ]


def pattern_distribution(rows: List[Result]) -> Dict[str, List[Dict[str, Any]]]:
    return {code: distribution([v for r in rows if (v := r.pattern(code)) is not None]) for code in PATTERNS}


def checklist_rates(rows: List[Result]) -> List[Dict[str, Any]]:
    """Per checklist item of the scenario: how many finished members did it."""
    done: Counter = Counter()
    seen: Dict[str, str] = {}
    finished = [r for r in rows if r.finished and r.rp]
    for r in finished:
        for item in (r.rp.scorecard.get("checklist") if r.rp else None) or []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                seen.setdefault(item["id"], str(item.get("label") or ""))
                done[item["id"]] += bool(item.get("done"))
    return [{"label": text or "（未命名项目）", "done": done[i], "of": len(finished)} for i, text in seen.items()]


def common_misses(request, rows: List[Result]) -> List[Dict[str, Any]]:
    """The parts the scorer most often found missing in the class's replies, each with the best replies
    (highest scored) that did use that pattern, as examples."""
    misses: Counter = Counter()
    messages: Dict[str, str] = {}
    replies: List[Dict[str, Any]] = []
    for r in rows:
        if r.rp is None:
            continue
        full = request.app.ctx.reader.get_roleplay(r.rp.roleplay_id)
        for line in full.lines if full else []:
            a = line.assessment
            if line.role != "trainee" or not isinstance(a, dict):
                continue
            for m in a.get("missing") or []:
                if isinstance(m, dict):
                    key = evidence_name(m.get("label"), m.get("part"))
                    misses[key] += 1
                    messages.setdefault(key, str(m.get("message") or ""))
            score = a.get("score")
            if isinstance(score, (int, float)):
                names = {
                    evidence_name(e.get("label"), e.get("part")) for e in a.get("evidence") or [] if isinstance(e, dict)
                }
                replies.append(
                    {
                        "id": str(line.event_id),
                        "text": line.text,
                        "score": score,
                        "name": r.member.display,
                        "parts": names,
                    }
                )
    out = []
    for key, count in misses.most_common(TOP_MISSES):
        good = sorted((x for x in replies if key in x["parts"]), key=lambda x: -x["score"])[:EXAMPLES_PER_MISS]
        out.append({"name": key, "count": count, "message": messages.get(key, ""), "examples": good})
    return out


def results_csv(a: Assignment, rows: List[Result]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["学员", "工号", "小组", "练习", "客户类型", "状态", "轮数", "结果", "总分"] + [PATTERNS[c] for c in PATTERNS]
    )
    for r in rows:
        rp = r.rp
        state = "已完成" if r.finished else ("进行中" if rp else "未开始")
        writer.writerow(
            [
                spreadsheet_cell(x)
                for x in (
                    r.member.name,
                    r.member.employee_no,
                    group_name(r.member.group_no) if r.member.group_no else "",
                    assignment_summary(a),
                    label("customer_type", rp.customer_type) if rp else "",
                    state,
                    rp.turns if rp else 0,
                    label("outcome", rp.outcome) if r.finished and rp and rp.outcome else "",
                    "" if r.overall is None else r.overall,
                )
            ]
            + ["" if r.pattern(c) is None else r.pattern(c) for c in PATTERNS]
        )
    return "\ufeff" + out.getvalue()  # the BOM lets Excel read the Chinese headers as UTF-8


def _assignment(request, class_id: str, assignment_id: str) -> Optional[Assignment]:
    a = store(request).get_assignment(assignment_id)
    return a if a is not None and a.class_id == class_id else None


@bp.get("/<class_id>/results/<assignment_id>")
@auth.trainer_required()
async def results_page(request, class_id: str, assignment_id: str):
    a = _assignment(request, class_id, assignment_id)
    if a is None:
        return response.text("404 练习不存在", status=404)
    # many transcripts are read: off the event loop, so the class's chats go on meanwhile
    rows = await asyncio.to_thread(results, request, a)
    misses = await asyncio.to_thread(common_misses, request, rows)
    picked = set(request.args.getlist("show") or [])
    trainer = request.ctx.trainer
    html = request.app.ctx.render(
        "class_results.html",
        trainer=trainer,
        csrf_token=trainer["csrf_token"],
        klass=store(request).get_class(class_id),
        a=a,
        title=assignment_summary(a),
        overall=leaderboard(rows),
        by_pattern={code: leaderboard(rows, code)[:3] for code in PATTERNS},
        patterns=PATTERNS,
        dist=pattern_distribution(rows),
        checklist=checklist_rates(rows),
        misses=misses,
        picked=picked,
        hide_names=request.args.get("names") == "0",
        finished=sum(1 for r in rows if r.finished),
        total=len(rows),
    )
    return response.html(html)


@bp.get("/<class_id>/results/<assignment_id>/results.csv")
@auth.trainer_required(api=True)
async def results_export(request, class_id: str, assignment_id: str):
    a = _assignment(request, class_id, assignment_id)
    if a is None:
        return response.text("404", status=404)
    return response.text(
        results_csv(a, await asyncio.to_thread(results, request, a)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="class-results-{assignment_id}.csv"'},
    )
