"""Rasa input channels with a guard in front: Rasa's own REST and socket.io channels, plus size and
shape checks, registered in credentials.yml instead of `rest:` and `socketio:`.

- Request bodies over SSP_RASA_MAX_BODY bytes (default 64 KiB) are refused by Sanic with 413 before
  they are read (REQUEST_MAX_SIZE for the whole Rasa server), socket.io packets likewise.
- A message over SSP_MAX_MESSAGE characters (default 2,000) never reaches NLU: the REST and socket.io
  channels answer at once with a bot message saying so, in Chinese (nothing is stored). One huge message can therefore no
  longer stall every conversation, nor write a huge log line.
- A REST body that is not a JSON object, or whose fields have the wrong type, gets 400 (Rasa 3.6
  answers 500 to a list body and stores a non-string message).
Same URLs as the built-in channels: /webhooks/rest/webhook and /socket.io.
"""
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request

logger = logging.getLogger(__name__)

MAX_MESSAGE = int(os.environ.get("SSP_MAX_MESSAGE", "2000"))
MAX_BODY = int(os.environ.get("SSP_RASA_MAX_BODY", str(64 * 1024)))
MAX_SENDER = 128
TOO_LONG = f"消息太长（最多 {MAX_MESSAGE} 字），请精简后分几次发送。"
BAD_BODY = "请求格式不正确：需要一个 JSON 对象，sender 和 message 为字符串，metadata 为对象。"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def check_fields(body: Any) -> Optional[str]:
    """None when a REST body is acceptable, else the Chinese error to answer with."""
    if not isinstance(body, dict):
        return BAD_BODY
    sender, message = body.get("sender"), body.get("message")
    metadata, channel = body.get("metadata"), body.get("input_channel")
    if sender is not None and (not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER):
        return f"sender 必须是 1–{MAX_SENDER} 个字符的字符串。"
    if message is not None and not isinstance(message, str):
        return BAD_BODY
    if metadata is not None and not isinstance(metadata, dict):
        return BAD_BODY
    if channel is not None and not isinstance(channel, str):
        return BAD_BODY
    if any(isinstance(v, str) and _has_lone_surrogate(v) for v in (sender, message, channel)):
        return "消息包含无效字符（不成对的代理字符），请重新输入。"
    if isinstance(message, str) and len(message) > MAX_MESSAGE:
        return TOO_LONG
    return None


def _limit_request_size(bp: Blueprint) -> None:
    @bp.listener("before_server_start")
    async def limit(app, _loop) -> None:
        if app.config.REQUEST_MAX_SIZE > MAX_BODY:
            app.config.REQUEST_MAX_SIZE = MAX_BODY


def guarded(on_new_message: OnNewMessage) -> OnNewMessage:
    """on_new_message that refuses over-long or non-text messages with a bot message instead."""
    async def handler(message: UserMessage) -> Any:
        text = message.text
        if text is not None and (not isinstance(text, str) or len(text) > MAX_MESSAGE
                                 or _has_lone_surrogate(text)):
            shown = len(text) if isinstance(text, str) else type(text).__name__
            logger.warning("refused a message from %.64s (%s characters)", message.sender_id, shown)
            await message.output_channel.send_text_message(message.sender_id, TOO_LONG)
            return None
        return await on_new_message(message)
    return handler


class GuardedRestInput(RestInput):
    """Rasa's REST channel (/webhooks/rest/webhook) behind the checks above."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = super().blueprint(guarded(on_new_message))
        _limit_request_size(bp)

        @bp.middleware("request")
        async def check(request: Request):
            if request.method != "POST":
                return None
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError, RecursionError):
                return response.json({"error": "请求体不是有效的 JSON。"}, status=400, ensure_ascii=False)
            error = check_fields(body)
            if error == TOO_LONG:  # a well-formed but over-long message: the bot says so, NLU never sees it
                sender = body.get("sender") or "default"
                return response.json([{"recipient_id": sender, "text": TOO_LONG}], ensure_ascii=False)
            if error:
                return response.json({"error": error}, status=400, ensure_ascii=False)
            return None

        return bp


class GuardedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel behind the same checks (and a packet size limit)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = super().blueprint(guarded(on_new_message))
        _limit_request_size(bp)
        self.sio.eio.max_http_buffer_size = MAX_BODY
        handlers: Dict[str, Any] = self.sio.handlers.get(self.namespace or "/", {})
        original = handlers.get(self.user_message_evt)
        if original is not None:
            async def handle_message(sid: str, data: Any = None) -> None:
                if not isinstance(data, dict) or not isinstance(data.get("message", ""), (str, type(None))):
                    logger.warning("refused a malformed socket.io message from %.64s", sid)
                    return
                await original(sid, data)
            handlers[self.user_message_evt] = handle_message
        return bp
