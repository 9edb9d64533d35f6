"""The trainee's side of a class (/class): join with the code + name (+ employee number), see the class's
assignments and start one with one tap.

Joining binds the membership to this browser: a random device token in the `ssp_member` cookie (only
its hash is stored, web/class_store.py), and the trainee's chat identity (the signed trainee session,
web/auth.py) becomes the member's name within the class. Wrong codes count against the client address
within a window, so codes cannot be guessed (same idea as web/login_guard.py, simpler: no hashing).
"""

import json
import os
import re
import secrets
import time
from typing import Any, Dict, List, Optional, Tuple

from sanic import Blueprint, response

from ssp_coach.roleplay.catalog import CUSTOMER_TYPES
from ssp_coach.text import has_lone_surrogate

from . import auth, csrf
from .class_store import Assignment, ClassStore, Member, NameTaken, normalise_code
from .labels import assignment_summary

bp = Blueprint("class_join", url_prefix="/class")
MEMBER_COOKIE = "ssp_member"
NAME_RE = re.compile(r"^[^\x00-\x1f<>\"'`{}\\（）()]{1,20}$")
EMPLOYEE_RE = re.compile(r"^[A-Za-z0-9\-]{0,20}$")
# wrong codes per address per window: a whole class may share one Wi-Fi address, so not too few
JOIN_LIMIT = int(os.environ.get("SSP_JOIN_LIMIT", "30"))
JOIN_WINDOW = float(os.environ.get("SSP_JOIN_WINDOW", "600"))


def store(request) -> ClassStore:
    return request.app.ctx.classes


def identity(member: Member, klass: Dict[str, Any]) -> str:
    """The member's name in the chat and in the trainer's lists: unique within the class, and marked with
    the class so the same name in another class (or in open practice) is someone else."""
    return f"{member.display}（{klass['name']}）"


def current_member(request) -> Optional[Member]:
    return store(request).member_for_token(request.cookies.get(MEMBER_COOKIE))


def sync_identity(request, session: Dict[str, Any]) -> Optional[Member]:
    """A session joined to a class speaks as its member (renamed or merged by the trainer: the new name);
    a member removed by the trainer no longer speaks as anyone."""
    if not session.get("member"):
        return None
    member = current_member(request)
    if member is None:
        session.update(member=None, who=None, conv=None)
        return None
    klass = store(request).get_class(member.class_id)
    if klass:  # merged by the trainer: this device now belongs to the member it was merged into
        session.update(member=member.id, who=identity(member, klass))
    return member


def reserved_identity(request, who: str) -> bool:
    """Open practice may not take a name of the form 「名字（班级名）」 of an existing class."""
    if not who.endswith("）") or "（" not in who:
        return False
    class_name = who[who.rindex("（") + 1 : -1]
    return any(k["name"] == class_name for k in store(request).list_classes())


def _json(data, status: int = 200):
    return response.json(data, status=status, ensure_ascii=False)


def _body(request) -> Dict[str, Any]:
    body = request.json if request.body else {}
    return body if isinstance(body, dict) else {}


def _text(body: Dict[str, Any], key: str) -> str:
    """The field as text; "" when absent, not text, or not storable (a lone surrogate such as "\ud800"),
    so the caller's format check answers with its Chinese message."""
    value = body.get(key)
    if not isinstance(value, str) or has_lone_surrogate(value):
        return ""
    return value.strip()


@bp.get("")
async def class_page(request):
    session = auth.trainee_session(request)
    member = sync_identity(request, session) or current_member(request)
    if member is not None and not session.get("member"):  # the device joined before, e.g. after 切换学员
        klass = store(request).get_class(member.class_id)
        if klass:
            session.update(member=member.id, who=identity(member, klass), conv=None)
    html = request.app.ctx.render(
        "class_join.html", csrf_token=session["csrf"], code=normalise_code(request.args.get("c", ""))[:8]
    )
    resp = response.html(html)
    auth.save_trainee_session(request, resp, session)
    return resp


@bp.post("/api/join")
async def join(request):
    session = auth.trainee_session(request)
    if not csrf.valid(request, session["csrf"]):
        return _json({"error": "页面已过期，请刷新后重试。"}, 403)
    try:
        body = _body(request)
    except Exception:  # noqa: BLE001 - any unreadable body
        return _json({"error": "请求内容不是有效的 JSON。"}, 400)
    code, name, number = _text(body, "code"), _text(body, "name"), _text(body, "employee_no")
    address = auth.client_address(request)
    classes = store(request)
    if classes.join_failures_since(address, time.time() - JOIN_WINDOW) >= JOIN_LIMIT:
        return _json({"error": "输错班级码的次数太多，请稍后再试，或请培训师协助。"}, 429)
    if not NAME_RE.match(name):
        return _json({"error": "请输入姓名（最多 20 个字，不含括号和特殊符号）。"}, 400)
    if not EMPLOYEE_RE.match(number):
        return _json({"error": "工号只能包含字母、数字和短横线（最多 20 位）。"}, 400)
    klass = classes.class_by_code(code) if code else None
    if klass is None:
        classes.record_join_failure(address, keep_seconds=max(JOIN_WINDOW, 3600))
        return _json({"error": "班级码不正确，请核对投影上的 6 位班级码。"}, 404)
    token = secrets.token_urlsafe(32)
    try:
        member = classes.join(klass["id"], name, number, token)
    except NameTaken:
        return _json({"error": "本班已有同名学员，请加上工号以便区分。"}, 409)
    session.update(member=member.id, who=identity(member, klass), conv=None)
    resp = _json({"trainee": session["who"], "class": klass["name"]})
    auth.save_trainee_session(request, resp, session)
    auth.set_cookie(resp, MEMBER_COOKIE, token, auth.TRAINEE_COOKIE_DAYS * 86400)
    return resp


@bp.get("/api/me")
async def me(request):
    """The caller's class and its assignments open to them (for the class page)."""
    session = auth.trainee_session(request)
    member = sync_identity(request, session)
    if member is None:
        return _json({"member": None})
    classes = store(request)
    klass = classes.get_class(member.class_id) or {}
    tasks = [a for a in classes.assignments_of(member.class_id) if a.for_member(member)]
    resp = _json(
        {
            "member": {"name": member.display, "group": member.group_no},
            "class": {"name": klass.get("name", ""), "day": klass.get("day", "")},
            "assignments": [_task_view(a) for a in reversed(tasks)] + _written_views(request, member),
        }
    )
    auth.save_trainee_session(request, resp, session)
    return resp


def _task_view(a: Assignment) -> Dict[str, Any]:
    left = max(0, int(a.created_at + a.minutes * 60 - time.time())) if a.minutes and not a.ended() else None
    return {
        "id": a.id,
        "title": assignment_summary(a),
        "ended": a.ended(),
        "seconds_left": left,
        "href": f"/?assignment={a.id}",
    }


def _written_views(request, member: Member) -> List[Dict[str, Any]]:
    """The member's written exercises (web/class_written.py), newest first, opened on their own page."""
    from .class_written import task_title  # that module builds on this one

    tasks = [t for t in request.app.ctx.written.of_class(member.class_id) if t.for_member(member)]
    return [
        {"id": t.id, "title": task_title(t), "ended": t.ended(), "seconds_left": None, "href": f"/class/written/{t.id}"}
        for t in reversed(tasks)
    ]


# -- starting an assignment (called by the chat's /api/new, web/chat.py) -----------------------------
def customer_type_for(classes: ClassStore, a: Assignment, member: Member) -> str:
    """Fixed type, "random" (the engine picks), or rotated: the member's place in the class picks the type in turn."""
    types = sorted(CUSTOMER_TYPES)
    if a.customer_type == "rotate":
        ids = [m.id for m in classes.members_of(a.class_id) if a.for_member(m)]
        return types[ids.index(member.id) % len(types)] if member.id in ids else types[0]
    return a.customer_type


def _finished_before(request, classes: ClassStore, a: Assignment, member: Member) -> bool:
    """The member has already finished a role-play of this assignment (an attempt cut off before its end,
    e.g. a closed phone, may be started again)."""
    attempt = classes.attempts_of(a.id).get(member.id)
    if attempt is None:
        return False
    plays = request.app.ctx.reader.roleplays_in([attempt["conversation_id"]])
    return any(rp.finished for rp in plays)


def start_attempt(request, session: Dict[str, Any], assignment_id: str, conv: str) -> Tuple[Optional[Dict], str]:
    """The /start_roleplay choice for this member's attempt at the assignment (recorded against the new
    conversation), or None and the reason in Chinese."""
    member = sync_identity(request, session)
    if member is None:
        return None, "请先用班级码加入班级。"
    classes = store(request)
    a = classes.get_assignment(assignment_id)
    if a is None or a.class_id != member.class_id or not a.for_member(member):
        return None, "没有找到这个练习任务。"
    if a.ended():
        return None, "这个练习已经结束。"
    if a.mode == "exam" and _finished_before(request, classes, a, member):
        return None, "考核只有一次机会，你已经完成了这次考核。"
    ctype = customer_type_for(classes, a, member)
    classes.record_attempt(a.id, member.id, conv, ctype)
    return {"customer_type": ctype, "scenario": a.scenario, "mode": a.mode}, ""


def start_metadata(request, conv: str) -> Dict[str, str]:
    """Channel metadata for the /start_roleplay of an assignment with a fixed customer (the action server
    reads it; a typed payload cannot choose the persona)."""
    attempt = store(request).attempt_for_conversation(conv)
    a = store(request).get_assignment(attempt["assignment_id"]) if attempt else None
    return {"persona": a.persona} if a is not None and a.persona else {}


def refuse_in_assignment(request, conv: str, message: str) -> Optional[str]:
    """Why the server will not pass this message on in an assignment's conversation (Chinese), or None:
    after the trainer ends the exercise only /end goes through, and the role-play may only be started as
    assigned (scenario, customer type and mode recorded with the attempt)."""
    attempt = store(request).attempt_for_conversation(conv)
    a = store(request).get_assignment(attempt["assignment_id"]) if attempt else None
    if attempt is None or a is None:
        return None
    command = message.strip()
    if a.ended() and not command.startswith("/end"):
        return "这个练习已经结束，不能再发送消息。"
    if command.startswith("/start_roleplay"):
        try:
            payload = json.loads(command[len("/start_roleplay") :] or "{}")
        except ValueError:
            payload = None
        wanted = {"customer_type": attempt["customer_type"], "scenario": a.scenario, "mode": a.mode}
        if not isinstance(payload, dict) or any(payload.get(k) != v for k, v in wanted.items()):
            return "请按培训师布置的练习开始（场景、客户类型和模式已定）。"
    return None


def assignment_state(request, conv: Optional[str]) -> Optional[Dict[str, Any]]:
    """For the chat header: whether this conversation belongs to an assignment that has ended."""
    if not conv:
        return None
    attempt = store(request).attempt_for_conversation(conv)
    if attempt is None:
        return None
    a = store(request).get_assignment(attempt["assignment_id"])
    return {"ended": a.ended()} if a else None
