"""Talking to Rasa: the REST channel for messages, the token-protected HTTP API for the history."""

import asyncio
import json
import time
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import aiohttp


class RasaUnavailable(Exception):
    """Rasa did not answer (down, slow or an error); the message says which, in Chinese."""


# Shown as a coach note in the chat when the customer cannot answer (the action server is down or a
# reply came back empty); the trainee's text stays in the input box and the turn can be retried.
COACH_DOWN = (
    "【教练】客户暂时无法回应（陪练服务正在重启），您刚才输入的内容已保留，"
    "请稍等几秒后点“重试”。本轮不会计分，也不会丢失之前的对话。"
)
COACH_EMPTY = "【教练】这一轮没有收到客户的回应（陪练服务可能刚刚重启），您输入的内容已保留，请点“重试”再发送一次。"


# Rasa answered nothing although the action server is up (a command with nothing to do in this phase).
COACH_NO_REPLY = "【教练】这句话客户没有回应。可以换个说法继续，或输入 /help 查看可用的命令。"


_health_ok_until: Dict[str, float] = {}


async def action_server_up(config, cache_seconds: float = 0.0) -> bool:
    """Whether the action server answers its /health (about 1 ms on the same machine; a good answer
    may be trusted for `cache_seconds`).
    Asked before a message goes to Rasa: with the action server down Rasa would store the turn
    unscored and answer with nothing at all."""
    url = getattr(config, "action_health_url", "")
    if not url:
        return True
    now = time.monotonic()
    if _health_ok_until.get(url, 0) > now:
        return True
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as http:
            async with http.get(url) as resp:
                ok = resp.status < 400
    except (asyncio.TimeoutError, aiohttp.ClientError):
        ok = False
    _health_ok_until[url] = now + cache_seconds if ok else 0
    return ok


async def rasa_up(config) -> bool:
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as http:
            async with http.get(f"{config.rasa_url}/") as resp:
                return resp.status < 400
    except (asyncio.TimeoutError, aiohttp.ClientError):
        return False


def forget_action_server_health(config) -> None:
    _health_ok_until.pop(getattr(config, "action_health_url", ""), None)


async def _request(method: str, url: str, timeout: float, **kwargs) -> Any:
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http:
            async with http.request(method, url, **kwargs) as resp:
                if resp.status >= 400:
                    raise RasaUnavailable(f"对话服务出错（HTTP {resp.status}），请稍后重试。")
                return await resp.json(content_type=None)
    except asyncio.TimeoutError:
        raise RasaUnavailable("客户思考太久没有回应（对话服务超时），请稍后重试。") from None
    except aiohttp.ClientError:
        raise RasaUnavailable("暂时连接不上对话服务，请稍后重试。") from None


async def send(
    config, sender: str, text: str, trainee: str, extra: Optional[Dict[str, str]] = None
) -> List[Dict[str, Any]]:
    """`extra`: more channel metadata (e.g. a class exercise's fixed persona); the trainee always wins."""
    answer = await _request(
        "POST",
        f"{config.rasa_url}/webhooks/rest/webhook",
        config.rasa_timeout,
        json={"sender": sender, "message": text, "metadata": dict(extra or {}, trainee=trainee)},
    )
    return answer if isinstance(answer, list) else []


async def intent_of(config, text: str) -> str:
    """The intent Rasa's NLU reads in a typed text (the HTTP API's /model/parse; nothing is recorded)."""
    parsed = await _request(
        "POST",
        f"{config.rasa_url}/model/parse?token={quote(config.rasa_token, safe='')}",
        config.rasa_timeout,
        json={"text": text},
    )
    intent = parsed.get("intent") if isinstance(parsed, dict) else None
    return str(intent.get("name") or "") if isinstance(intent, dict) else ""


async def tracker_events(config, sender: str) -> List[Dict[str, Any]]:
    url = (
        f"{config.rasa_url}/conversations/{quote(sender, safe='')}/tracker"
        f"?include_events=ALL&token={quote(config.rasa_token, safe='')}"
    )
    tracker = await _request("GET", url, 15)
    events = tracker.get("events") if isinstance(tracker, dict) else None
    return events if isinstance(events, list) else []


async def tracker_slots(config, sender: str) -> Dict[str, Any]:
    """The conversation's current slot values (no events: a small answer)."""
    url = (
        f"{config.rasa_url}/conversations/{quote(sender, safe='')}/tracker"
        f"?include_events=NONE&token={quote(config.rasa_token, safe='')}"
    )
    tracker = await _request("GET", url, 15)
    slots = tracker.get("slots") if isinstance(tracker, dict) else None
    return slots if isinstance(slots, dict) else {}


def _payload_titles(events: List[Dict[str, Any]]) -> Dict[Any, Any]:
    return {
        b.get("payload"): b.get("title")
        for e in events
        if e.get("event") == "bot"
        for b in ((e.get("data") or {}).get("buttons") or [])
        if isinstance(b, dict)
    }


def history_items(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The chat as the trainee saw it: their lines (button payloads shown as the button title) and
    the bot's messages in the same shape as the REST channel's answers."""
    titles = _payload_titles(events)
    items: List[Dict[str, Any]] = []
    for e in events:
        if e.get("event") == "user":
            text = str(e.get("text") or "")
            if text.startswith("/start{"):
                continue  # the automatic identification message, never typed by the trainee
            items.append({"sender": "trainee", "text": titles.get(text, text)})
        elif e.get("event") == "bot":
            data = e.get("data") or {}
            item: Dict[str, Any] = {"sender": "bot", "text": e.get("text") or ""}
            if data.get("buttons"):
                item["buttons"] = data["buttons"]
            items.append(item)
            if isinstance(data.get("image"), str):
                items.append({"sender": "bot", "image": data["image"]})
    return items


def current_mode(events: List[Dict[str, Any]]) -> str:
    mode = ""
    for e in events:
        if e.get("event") == "slot" and e.get("name") == "mode":
            mode = e.get("value") or ""
    return mode if isinstance(mode, str) else ""


def safe_message(text: str, trainee: str) -> str:
    """Intent payloads may not choose the trainee identity: /start always carries the session's."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return text
    name, brace, rest = stripped.partition("{")
    entities: Dict[str, Any] = {}
    if brace:
        try:
            parsed = json.loads("{" + rest)
            entities = parsed if isinstance(parsed, dict) else {}
        except ValueError:
            return text
    if "trainee" not in entities and name != "/start":
        return text
    entities.pop("trainee", None)
    if name == "/start":
        entities["trainee"] = trainee
    return name + (json.dumps(entities, ensure_ascii=False) if entities else "")
