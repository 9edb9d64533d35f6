"""Pair and trio work (/class/pair): members of a class in a shared room, one the consultant, one the customer
(who alone sees the persona card with hidden needs and objections), optionally an observer who ticks the
six patterns heard in each consultant line. Consultant lines are judged by the same scorer as against the
bot (ssp_coach.roleplay.engine.read_and_score); the observer's ticks are kept beside that judgement and
their agreement is shown. Roles rotate with one click. The trainer forms the rooms on the class page."""

import asyncio
import json
from typing import Any, Dict, List, Optional

from sanic import Blueprint, response

from ssp_coach.reading.phrases import PROBES
from ssp_coach.reports.checklist import evaluate
from ssp_coach.roleplay import engine
from ssp_coach.roleplay.catalog import load_catalog
from ssp_coach.roleplay.session import SessionState
from ssp_coach.text import has_lone_surrogate

from . import auth, csrf
from .class_join import store, sync_identity
from .labels import EXTRA_PARTS, LISTENING_LEVELS, PATTERNS, label
from .pair_store import ChecklistStore, PairStore, agreement, probe_agreement, role_of, step_agreement

bp = Blueprint("class_pairs")
ROLE_NAMES = {"consultant": "销售顾问", "customer": "客户", "observer": "观察员"}
MAX_LINE = 500
# The course's five levels of listening (ssp-course.md), lowest first; only the observer judges them.
PROBE_NAMES = {p: EXTRA_PARTS[p] for p in PROBES}


def pairs(request) -> PairStore:
    return request.app.ctx.pairs


def checks(request) -> ChecklistStore:
    return request.app.ctx.pair_checks


def _json(data, status: int = 200):
    return response.json(data, status=status, ensure_ascii=False)


# -- the trainer forms the rooms ---------------------------------------------------------------------
@bp.post("/review/classes/<class_id>/pairs")
@auth.trainer_required()
async def form_rooms(request, class_id: str):
    """Members in join order, in rooms of `size` (2 or 3); one left over joins the last room."""
    from .class_admin import _back

    scenario, persona, size = (request.form.get(k) or "" for k in ("scenario", "persona", "size"))
    catalog = load_catalog()
    if scenario not in catalog.scenarios or persona not in catalog.personas or size not in ("2", "3"):
        return _back(class_id, "请选择场景、客户和每组人数。")
    members = store(request).members_of(class_id)
    n = int(size)
    groups = [members[i : i + n] for i in range(0, len(members), n)]
    if len(groups) > 1 and len(groups[-1]) == 1:
        groups[-2].extend(groups.pop())
    if not groups or len(groups[0]) < 2:
        return _back(class_id, "至少需要 2 名学员才能分组练习。")
    for group in groups:
        pairs(request).create_room(class_id, scenario, persona, [m.id for m in group])
    return _back(class_id)


def rooms_view(request, class_id: str) -> List[Dict[str, Any]]:
    """For the class page: each room's members with their current role, and the observer agreement."""
    names = {m.id: m.display for m in store(request).members_of(class_id)}
    out = []
    for row in pairs(request).rooms_of(class_id):
        room = pairs(request).get_room(row["id"]) or {}
        seated = sorted(room["seats"], key=room["seats"].get)
        said = pairs(request).lines_of(row["id"])
        out.append(
            {
                "people": [
                    f"{names.get(m, '（已移出）')}·{ROLE_NAMES[role_of(room, m) or 'observer']}" for m in seated
                ],
                "lines": len(said),
                "agreement": agreement(said),
                "probe_agreement": probe_agreement(said, checks(request).line_checks_of(row["id"])),
                "step_agreement": stage_steps(request, room, said)["step_agreement"],
            }
        )
    return out


# -- the trainee's room --------------------------------------------------------------------------
def _my_room(request):
    session = auth.trainee_session(request)
    member = sync_identity(request, session)
    if member is None:
        return session, None, None
    return session, member, pairs(request).room_of_member(member.id)


def persona_card(persona_id: str) -> Dict[str, Any]:
    catalog = load_catalog()
    p = catalog.personas[persona_id]
    return {
        "name": p.name,
        "type": label("customer_type", p.type),
        "about": f"{p.age} 岁，{p.occupation}；现在开{p.current_car}；{p.usage}",
        "needs": [need for group in p.hidden_needs.values() for need in group],
        "objections": [catalog.objections[o].label for o in p.objections if o in catalog.objections],
    }


def room_state(request, member, room) -> Dict[str, Any]:
    names = {m.id: m.display for m in store(request).members_of(member.class_id)}
    role = role_of(room, member.id) or "observer"
    rows = pairs(request).lines_of(room["id"])
    line_checks = checks(request).line_checks_of(room["id"])
    scenario = load_catalog().scenarios.get(room["scenario"])
    state: Dict[str, Any] = {
        "role": role,
        "role_text": ROLE_NAMES[role],
        "scenario": scenario.title if scenario else "",
        "people": [
            {"name": names.get(m, ""), "role": ROLE_NAMES[role_of(room, m) or "observer"], "me": m == member.id}
            for m in sorted(room["seats"], key=room["seats"].get)
        ],
        "lines": [_line_view(row, names, line_checks.get(row["id"])) for row in rows],
        "agreement": agreement(rows),
        "patterns": PATTERNS,
        "probes": PROBE_NAMES,
        "listening_levels": LISTENING_LEVELS,
        "probe_agreement": probe_agreement(rows, line_checks),
        **stage_steps(request, room, rows),
    }
    if role == "customer":  # the hidden card: only in the customer's own view
        state["card"] = persona_card(room["persona"])
    return state


def stage_steps(request, room: Dict[str, Any], rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The scenario's checklist for this rotation's consultant: the checklist module's own judgement over
    the consultant's lines (not re-decided here), the observer's ticks beside it, and their agreement."""
    turns = [
        {"text": r["text"], "assessment": r["assessment"] or {}}
        for r in rows
        if r["role"] == "consultant" and r["rotation"] == room["rotation"]
    ]
    scenario = load_catalog().scenarios.get(room["scenario"])
    titles = {st.id: st.title for st in scenario.stages} if scenario else {}
    auto = {item["id"]: item for item in evaluate(room["scenario"], turns)}
    ticked = checks(request).steps_of(room["id"], room["rotation"])
    steps = [
        {
            "item": item_id,
            "label": item["label"],
            "stage": titles.get(item.get("stage") or "", ""),
            "auto": item["done"] if turns else None,
            "ticked": ticked.get(item_id),
        }
        for item_id, item in auto.items()
    ]
    done = {k: bool(v["done"]) for k, v in auto.items()} if turns else {}
    return {"steps": steps, "step_agreement": step_agreement(done, ticked)}


def _line_view(row: Dict[str, Any], names: Dict[str, str], check: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    out: Dict[str, Any] = {
        "id": row["id"],
        "role": row["role"],
        "role_text": ROLE_NAMES[row["role"]],
        "name": names.get(row["member_id"], ""),
        "text": row["text"],
    }
    a = row["assessment"]
    if a:
        out.update(
            score=a.get("score"),
            techniques=[PATTERNS.get(t, "") for t in a.get("techniques") or [] if t in PATTERNS],
            feedback=a.get("feedback") or "",
            probe=PROBE_NAMES.get((a.get("question") or {}).get("probe") or "", ""),
        )
    if check is not None:
        out.update(
            checked_probe=check["probe"],
            checked_listening=check["listening"],
            checked_text="、".join(
                x
                for x in (
                    PROBE_NAMES.get(check["probe"], "未提问探询"),
                    LISTENING_LEVELS.get(check["listening"] or 0, ""),
                )
                if x
            ),
        )
    if row["ticked"] is not None:
        out.update(ticked=[PATTERNS[t] for t in row["ticked"] if t in PATTERNS], comment=row["comment"] or "")
    return out


def _score(room: Dict[str, Any], text: str, context: Optional[str]) -> Dict[str, Any]:
    catalog = load_catalog()
    persona = catalog.personas[room["persona"]]
    scenario = catalog.scenarios[room["scenario"]]
    state = SessionState(
        phase="roleplay",
        customer_type=persona.type,
        scenario=scenario.id,
        persona_id=persona.id,
        stage=scenario.stages[0].id,
    )
    return engine.read_and_score(state, text, None, context)[1]


@bp.get("/class/pair")
async def pair_page(request):
    session = auth.trainee_session(request)
    html = request.app.ctx.render("class_pair.html", csrf_token=session["csrf"])
    return response.html(html)


@bp.get("/class/api/pair")
async def pair_state(request):
    _, member, room = _my_room(request)
    if member is None or room is None:
        return _json({"room": None})
    return _json({"room": room_state(request, member, room)})


def _body(request) -> Dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def _checked(request):
    session, member, room = _my_room(request)
    if not csrf.valid(request, session["csrf"]):
        return None, None, _json({"error": "页面已过期，请刷新后重试。"}, 403)
    if member is None or room is None:
        return None, None, _json({"error": "您还没有被分到练习小组。"}, 404)
    return member, room, None


@bp.post("/class/api/pair/say")
async def say(request):
    member, room, failed = _checked(request)
    if failed:
        return failed
    text = _body(request).get("text")
    role = role_of(room, member.id)
    if role == "observer":
        return _json({"error": "观察员不发言，请在下方勾选听到的话术。"}, 403)
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_LINE:
        return _json({"error": f"请输入要说的话（最多 {MAX_LINE} 字）。"}, 400)
    if has_lone_surrogate(text):
        return _json({"error": "内容包含无法识别的字符，请删除后重试。"}, 400)
    assessment = None
    if role == "consultant":
        said = [r for r in pairs(request).lines_of(room["id"]) if r["role"] == "customer"]
        context = said[-1]["text"] if said else None
        assessment = await asyncio.get_running_loop().run_in_executor(None, _score, room, text.strip(), context)
    pairs(request).add_line(room["id"], room["rotation"], role or "", member.id, text.strip(), assessment)
    return _json({"room": room_state(request, member, pairs(request).get_room(room["id"]))})


@bp.post("/class/api/pair/tick")
async def tick(request):
    member, room, failed = _checked(request)
    if failed:
        return failed
    if role_of(room, member.id) != "observer":
        return _json({"error": "只有观察员可以勾选。"}, 403)
    body = _body(request)
    line_id, codes, comment = body.get("line"), body.get("techniques"), body.get("comment") or ""
    ours = {r["id"]: r for r in pairs(request).lines_of(room["id"])}
    if not isinstance(line_id, int) or line_id not in ours or ours[line_id]["role"] != "consultant":
        return _json({"error": "请选择销售顾问说的一句话。"}, 400)
    if not isinstance(codes, list) or not all(c in PATTERNS for c in codes) or not isinstance(comment, str):
        return _json({"error": "勾选的话术不正确。"}, 400)
    pairs(request).tick(line_id, member.id, codes, comment[:500])
    return _json({"room": room_state(request, member, room)})


@bp.post("/class/api/pair/rotate")
async def rotate(request):
    member, room, failed = _checked(request)
    if failed:
        return failed
    pairs(request).rotate(room["id"])
    return _json({"room": room_state(request, member, pairs(request).get_room(room["id"]))})


def _observer(request):
    member, room, failed = _checked(request)
    if failed:
        return None, None, failed
    if role_of(room, member.id) != "observer":
        return None, None, _json({"error": "只有观察员可以勾选。"}, 403)
    return member, room, None


@bp.post("/class/api/pair/check")
async def check_line(request):
    """The observer's probe and listening level for one consultant line."""
    member, room, failed = _observer(request)
    if failed:
        return failed
    body = _body(request)
    line_id, probe, level = body.get("line"), body.get("probe") or "", body.get("listening")
    ours = {r["id"]: r for r in pairs(request).lines_of(room["id"])}
    if not isinstance(line_id, int) or line_id not in ours or ours[line_id]["role"] != "consultant":
        return _json({"error": "请选择销售顾问说的一句话。"}, 400)
    if probe not in PROBE_NAMES and probe != "":
        return _json({"error": "请选择听到的探询方法，或选“未提问探询”。"}, 400)
    if level is not None and (not isinstance(level, int) or isinstance(level, bool) or level not in LISTENING_LEVELS):
        return _json({"error": "倾听层次应为 1 到 5。"}, 400)
    checks(request).check_line(line_id, member.id, probe, level)
    return _json({"room": room_state(request, member, room)})


@bp.post("/class/api/pair/step")
async def tick_step(request):
    """The observer ticks (or unticks) one stage step of the scenario for the current consultant."""
    member, room, failed = _observer(request)
    if failed:
        return failed
    body = _body(request)
    item, done = body.get("item"), body.get("done")
    known = {i["id"] for i in evaluate(room["scenario"], [])}
    if not isinstance(item, str) or item not in known or not isinstance(done, bool):
        return _json({"error": "请选择本场景的一个步骤。"}, 400)
    checks(request).tick_step(room["id"], room["rotation"], item, member.id, done)
    return _json({"room": room_state(request, member, room)})
