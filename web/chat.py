"""The trainee chat window (/) and its JSON API, forwarding to Rasa's REST channel."""

import asyncio
import json
import re
from typing import Any, Dict, List, Optional

from sanic import Blueprint, response

from ssp_coach.coach_menu import COMMANDS
from ssp_coach.roleplay import coaching
from ssp_coach.roleplay.catalog import CUSTOMER_TYPES, MODES, OUTCOMES, load_catalog, parse_choice
from ssp_coach.roleplay.session import SessionState
from ssp_coach.text import has_lone_surrogate

from . import auth, class_join, csrf, rasa_client
from .feedback_notice import new_feedback
from .labels import p_levels

bp = Blueprint("chat")
MAX_MESSAGE = 2000
IDENTITY_RE = re.compile(r"^[^\x00-\x1f<>\"'`{}\\]{1,40}$")


def _json(resp_data, status: int = 200):
    return response.json(resp_data, status=status, ensure_ascii=False, dumps=json.dumps)


class BadBody(Exception):
    """The request body is not the JSON object this endpoint expects; the message is for the trainee."""


def json_field(request, key: str) -> str:
    """A string field of the JSON object body ("" when absent or null). BadBody for malformed JSON,
    a body that is not an object (a list, string, number), a field that is not a string, or text
    that cannot be stored (a lone surrogate such as "\ud800")."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly deep nesting
        raise BadBody("请求内容不是有效的 JSON。") from None
    if not isinstance(body, dict):
        raise BadBody("请求内容须为 JSON 对象。")
    value = body.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadBody(f"“{key}”须为文字。")
    if has_lone_surrogate(value):
        raise BadBody("内容包含无法识别的字符，请删除后重试。")
    return value


def _csrf_failed(request, session):
    return None if csrf.valid(request, session["csrf"]) else _json({"error": "页面已过期，请刷新后重试。"}, 403)


# -- each browser tab holds its own conversation ------------------------------------------------
CONVERSATION_HEADER = "x-conversation"


def conversation_token(request, session: dict) -> str:
    """The tab's conversation, signed with the identity it belongs to (kept in the tab's sessionStorage
    and sent back in the X-Conversation header), so a second tab's 新对话 leaves this tab's role-play alone."""
    return auth.sign(request.app.ctx.config.secret_key, {"conv": session["conv"], "who": session["who"]})


def stale_tab(request, session: dict) -> bool:
    """The tab holds a conversation of another identity (切换学员 in another tab of this browser): its
    messages must not go into the new identity's conversation."""
    header = request.headers.get(CONVERSATION_HEADER)
    token = auth.unsign(request.app.ctx.config.secret_key, header) if header else None
    return token is not None and token.get("who") != session.get("who")


def tab_conversation(request, session: dict) -> Optional[str]:
    """The conversation of the calling tab: its signed token when it has one for the current identity,
    else the one last opened on this device (the cookie)."""
    token = auth.unsign(request.app.ctx.config.secret_key, request.headers.get(CONVERSATION_HEADER))
    if token and token.get("who") == session.get("who") and isinstance(token.get("conv"), str):
        return token["conv"]
    return session.get("conv")


TMD_EXPLAIN = "TMD：需求分析要问清的三件事——购车时间（T）、预算（M）、谁来拍板（D，决策人）。"


def explanations() -> str:
    """Short Chinese explanations the scorecard shows in place (P-levels from content/prospect_levels.yml)."""
    return json.dumps({"p_levels": p_levels(), "tmd": TMD_EXPLAIN}, ensure_ascii=False)


@bp.get("/")
async def chat_page(request):
    session = auth.trainee_session(request)
    class_join.sync_identity(request, session)
    who = session.get("who") or ""
    fresh = await asyncio.to_thread(new_feedback, request.app.ctx.reader, request.app.ctx.review, who) if who else set()
    html = request.app.ctx.render(
        "chat.html", csrf_token=session["csrf"], trainee=who, new_feedback=bool(fresh), explain=explanations()
    )
    resp = response.html(html)
    auth.save_trainee_session(request, resp, session)
    return resp


@bp.post("/api/identify")
async def identify(request):
    session = auth.trainee_session(request)
    failed = _csrf_failed(request, session)
    if failed:
        return failed
    try:
        who = json_field(request, "trainee").strip()
    except BadBody as error:
        return _json({"error": str(error)}, 400)
    if not IDENTITY_RE.match(who):
        return _json({"error": "请输入姓名或工号（最多 40 个字，不含特殊符号）。"}, 400)
    if class_join.reserved_identity(request, who):
        return _json({"error": "这是班级学员的名字格式，请直接输入您的姓名或工号；课堂练习请从班级页面加入。"}, 400)
    session.update(who=who, member=None)
    return _fresh_conversation(request, session)


@bp.post("/api/new")
async def new_conversation(request):
    session = auth.trainee_session(request)
    failed = _csrf_failed(request, session)
    if failed:
        return failed
    class_join.sync_identity(request, session)
    if not session.get("who"):
        return _json({"error": "请先输入姓名或工号。"}, 401)
    try:
        assignment = json_field(request, "assignment")
    except BadBody as error:
        return _json({"error": str(error)}, 400)
    if not assignment:
        return _fresh_conversation(request, session)
    conv = auth.new_conversation_id()
    choice, problem = class_join.start_attempt(request, session, assignment, conv)
    if choice is None:
        return _json({"error": problem}, 409)
    return _fresh_conversation(request, session, conv, "/start_roleplay" + json.dumps(choice))


def _fresh_conversation(request, session: dict, conv: Optional[str] = None, then: str = ""):
    """A new conversation id for this trainee, and the /start message that opens the coach menu
    (`then`: the message that follows it, e.g. an assignment's /start_roleplay)."""
    session["conv"] = conv or auth.new_conversation_id()
    body = {
        "trainee": session["who"],
        "start": "/start" + json.dumps({"trainee": session["who"]}, ensure_ascii=False),
        "conversation": conversation_token(request, session),
    }
    if then:
        body["then"] = then
    resp = _json(body)
    auth.save_trainee_session(request, resp, session)
    return resp


@bp.post("/api/chat")
async def chat(request):
    session = auth.trainee_session(request)
    failed = _csrf_failed(request, session)
    if failed:
        return failed
    class_join.sync_identity(request, session)  # a member the trainer removed or renamed
    if session.get("who") and stale_tab(request, session):
        return _json({"error": "已在另一个标签页切换了学员，请刷新本页后再继续。您输入的内容已保留。"}, 409)
    conv = tab_conversation(request, session)
    if not session.get("who") or not conv:
        return _json({"error": "请先输入姓名或工号。"}, 401)
    try:
        text = json_field(request, "message")
    except BadBody as error:
        return _json({"error": str(error)}, 400)
    if not text.strip():
        return _json({"error": "消息不能为空。"}, 400)
    if len(text) > MAX_MESSAGE:
        return _json({"error": f"消息太长（最多 {MAX_MESSAGE} 字）。"}, 400)
    message = rasa_client.safe_message(text, session["who"])
    refused = class_join.refuse_in_assignment(request, conv, message)
    if refused:
        return _json({"error": refused}, 409)
    config = request.app.ctx.config
    if not await rasa_client.action_server_up(config):
        if not await rasa_client.rasa_up(config):  # both down: say the conversation service is down
            return _json({"error": "暂时连接不上对话服务，请稍后重试。您输入的内容已保留。", "retry": True}, 503)
        return _coach_error(rasa_client.COACH_DOWN)
    try:
        if not text.strip().startswith("/") and await _roleplay_over(config, conv):
            if not await _asks_for_what_follows(config, text):
                return _json({"messages": await _new_setup(config, session["who"], conv, text)})
        extra = class_join.start_metadata(request, conv) if message.lstrip().startswith("/start_roleplay") else {}
        answers = await rasa_client.send(config, conv, message, session["who"], extra)
    except rasa_client.RasaUnavailable as error:
        return _json({"error": str(error), "retry": True}, 503)
    if not answers:  # never show the trainee nothing
        rasa_client.forget_action_server_health(config)
        if not await rasa_client.action_server_up(config):  # it died during the turn
            return _coach_error(rasa_client.COACH_EMPTY)
        answers = [{"recipient_id": conv, "text": rasa_client.COACH_NO_REPLY}]
    return _json({"messages": answers})


def _coach_error(coach_text: str):
    """503 with a coach note for the chat and a plain-text error for the status line."""
    return _json({"error": "客户暂时无法回应，请稍后点“重试”。", "coach": coach_text, "retry": True}, 503)


@bp.get("/api/history")
async def history(request):
    session = auth.trainee_session(request)
    conv = tab_conversation(request, session)
    if not session.get("who") or not conv:  # a class member who just joined has a name but no conversation
        return _json({"trainee": session.get("who") or None, "messages": [], "mode": ""})
    try:
        events = await rasa_client.tracker_events(request.app.ctx.config, conv)
    except rasa_client.RasaUnavailable as error:
        return _json({"error": str(error), "trainee": session["who"]}, 503)
    return _json(
        {
            "trainee": session["who"],
            "messages": rasa_client.history_items(events),
            "mode": rasa_client.current_mode(events),
            "conversation": auth.sign(request.app.ctx.config.secret_key, {"conv": conv, "who": session["who"]}),
        }
    )


# -- after a role-play has ended, typing starts the set-up of the next one ------------------------
AFTER_END = "【教练】上一轮练习已经结束。已为您打开新练习的设置：请选择客户类型、场景和模式。"
MENU_ANSWER_CHARS = 12  # longer typed text is a sentence for the customer, not a menu answer


async def _roleplay_over(config, conv: str) -> bool:
    """The conversation's last role-play has ended (phase `ended`); unknown when Rasa cannot say."""
    try:
        slots = await rasa_client.tracker_slots(config, conv)
    except rasa_client.RasaUnavailable:
        return False
    return slots.get("phase") == "ended"


# Typed requests after a role-play that go on to the coach instead of a new set-up (the A卡, its follow-up
# call): those the ended phase accepts (coach_menu.COMMANDS) that are not the menu itself.
AFTER_END_REQUESTS = set(COMMANDS["ended"]) - {"start", "start_roleplay", "help", "restart"}


async def _asks_for_what_follows(config, text: str) -> bool:
    """Rasa's NLU (the one reader of typed requests) reads a request for the A卡 or its follow-up call."""
    return await rasa_client.intent_of(config, text) in AFTER_END_REQUESTS


async def _new_setup(config, who: str, conv: str, text: str) -> List[Dict[str, Any]]:
    """/start (the set-up menu) instead of 「练习还没开始」; a typed menu answer such as 「社交型」 is
    passed on as the first answer."""
    answers = await rasa_client.send(config, conv, rasa_client.safe_message("/start", who), who)
    if len(text.strip()) <= MENU_ANSWER_CHARS and _menu_answer(text):
        answers += await rasa_client.send(config, conv, text, who)
    return [{"recipient_id": conv, "text": AFTER_END}] + answers


def _menu_answer(text: str) -> bool:
    try:
        return bool(parse_choice(text))
    except Exception:  # noqa: BLE001 - a content error must not stop the chat
        return False


# -- the header: where the trainee is in the role-play --------------------------------------------
@bp.get("/api/header")
async def header(request):
    """The chat header for the caller's own conversation (the id only ever comes from the signed
    cookie, as for /api/chat). Chinese titles only; the trust meter and next step only in practice."""
    session = auth.trainee_session(request)
    conv = tab_conversation(request, session)
    if not session.get("who") or not conv:
        return _json({"error": "没有进行中的对话。"}, 404)
    try:
        slots = await rasa_client.tracker_slots(request.app.ctx.config, conv)
    except rasa_client.RasaUnavailable as error:
        return _json({"error": str(error)}, 503)
    out = roleplay_header(slots)
    assignment = class_join.assignment_state(request, conv)
    if assignment is not None:
        out["assignment"] = assignment
    return _json(out)


def roleplay_header(slots: Dict[str, Any]) -> Dict[str, Any]:
    """What the header shows, from the conversation's slots (docs/design.md Contract 2)."""
    phase = slots.get("phase")
    if phase not in ("roleplay", "ended"):
        return {"phase": "setup"}
    try:
        catalog = load_catalog()
    except Exception:  # noqa: BLE001 - content errors must not take the chat down
        catalog = None
    practice = slots.get("mode") != "exam"
    persona = catalog.personas.get(_code(slots, "persona_id")) if catalog else None
    scenario = catalog.scenarios.get(_code(slots, "scenario")) if catalog else None
    ctype = persona.type if persona else _code(slots, "customer_type")
    out: Dict[str, Any] = {
        "phase": phase,
        "practice": practice,
        "mode": MODES.get(_code(slots, "mode"), ""),
        "customer": persona.name if persona else "客户",
        "customer_type": CUSTOMER_TYPES.get(ctype, ""),
        "scenario": scenario.title if scenario else "",
        "turns": _int(slots.get("turns")),
    }
    if scenario:
        index = scenario.stage_index(_code(slots, "stage"))
        stage = scenario.stages[index]
        out.update(stage=stage.title, stage_no=index + 1, stages=len(scenario.stages))
        if practice and phase == "roleplay":
            out.update(next=_course_next_step(catalog, slots), steps=list(stage.steps))
    if practice:
        out["trust"] = _trust(slots.get("trust"))
    if phase == "ended":
        out["outcome"] = OUTCOMES.get(_code(slots, "outcome"), "")
    return out


def _course_next_step(catalog, slots: Dict[str, Any]) -> str:
    """The coach's next course step for this role-play (ssp_coach.roleplay.coaching owns the rule)."""
    state = SessionState.from_slots(slots)
    try:
        return coaching.next_step(catalog, state)
    except (KeyError, TypeError, ValueError):  # odd slot values: fall back on the stage goal
        return catalog.scenarios[state.scenario].stage(state.stage).goal


def _code(slots: Dict[str, Any], name: str) -> str:
    value = slots.get(name)
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def _trust(value: Any) -> Optional[int]:
    try:
        return max(0, min(100, round(float(value))))
    except (TypeError, ValueError):
        return None
