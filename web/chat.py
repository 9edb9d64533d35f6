"""The trainee chat window (/) and its JSON API, forwarding to Rasa's REST channel."""
import json
import re

from sanic import Blueprint, response

from . import auth, csrf, rasa_client

bp = Blueprint("chat")
MAX_MESSAGE = 2000
IDENTITY_RE = re.compile(r"^[^\x00-\x1f<>\"'`{}\\]{1,40}$")


def _json(resp_data, status: int = 200):
    return response.json(resp_data, status=status, ensure_ascii=False, dumps=json.dumps)


def _csrf_failed(request, session):
    return None if csrf.valid(request, session["csrf"]) else _json({"error": "页面已过期，请刷新后重试。"}, 403)


@bp.get("/")
async def chat_page(request):
    session = auth.trainee_session(request)
    html = request.app.ctx.render("chat.html", csrf_token=session["csrf"], trainee=session.get("who") or "")
    resp = response.html(html)
    auth.save_trainee_session(request, resp, session)
    return resp


@bp.post("/api/identify")
async def identify(request):
    session = auth.trainee_session(request)
    failed = _csrf_failed(request, session)
    if failed:
        return failed
    who = str((request.json or {}).get("trainee") or "").strip()
    if not IDENTITY_RE.match(who):
        return _json({"error": "请输入姓名或工号（最多 40 个字，不含特殊符号）。"}, 400)
    session.update(who=who)
    return _fresh_conversation(request, session)


@bp.post("/api/new")
async def new_conversation(request):
    session = auth.trainee_session(request)
    failed = _csrf_failed(request, session)
    if failed:
        return failed
    if not session.get("who"):
        return _json({"error": "请先输入姓名或工号。"}, 401)
    return _fresh_conversation(request, session)


def _fresh_conversation(request, session: dict):
    """A new conversation id for this trainee, and the /start message that opens the coach menu."""
    session["conv"] = auth.new_conversation_id()
    resp = _json({"trainee": session["who"],
                  "start": "/start" + json.dumps({"trainee": session["who"]}, ensure_ascii=False)})
    auth.save_trainee_session(request, resp, session)
    return resp


@bp.post("/api/chat")
async def chat(request):
    session = auth.trainee_session(request)
    failed = _csrf_failed(request, session)
    if failed:
        return failed
    if not session.get("who") or not session.get("conv"):
        return _json({"error": "请先输入姓名或工号。"}, 401)
    text = str((request.json or {}).get("message") or "")
    if not text.strip():
        return _json({"error": "消息不能为空。"}, 400)
    if len(text) > MAX_MESSAGE:
        return _json({"error": f"消息太长（最多 {MAX_MESSAGE} 字）。"}, 400)
    message = rasa_client.safe_message(text, session["who"])
    try:
        answers = await rasa_client.send(request.app.ctx.config, session["conv"], message, session["who"])
    except rasa_client.RasaUnavailable as error:
        return _json({"error": str(error)}, 503)
    return _json({"messages": answers})


@bp.get("/api/history")
async def history(request):
    session = auth.trainee_session(request)
    if not session.get("who") or not session.get("conv"):
        return _json({"trainee": None, "messages": [], "mode": ""})
    try:
        events = await rasa_client.tracker_events(request.app.ctx.config, session["conv"])
    except rasa_client.RasaUnavailable as error:
        return _json({"error": str(error), "trainee": session["who"]}, 503)
    return _json({"trainee": session["who"], "messages": rasa_client.history_items(events),
                  "mode": rasa_client.current_mode(events)})
