"""Rasa's socket.io channel with session persistence: a reconnecting client resumes its conversation."""
import asyncio
import uuid

import pytest
import socketio

pytestmark = pytest.mark.e2e


async def _exchange(url: str, session_id: str, message: str) -> list:
    """Connect, claim the session, send one message, collect the bot's answers, disconnect."""
    client = socketio.AsyncClient()
    answers: list = []
    got_answer = asyncio.Event()

    @client.on("bot_uttered")
    async def on_bot(data):
        answers.append(data)
        got_answer.set()

    # long-polling: python-engineio 4.15's websocket client needs a newer aiohttp than Rasa pins
    await client.connect(url, transports=["polling"])
    await client.emit("session_request", {"session_id": session_id})
    await asyncio.sleep(0.3)
    await client.emit("user_uttered", {"message": message, "session_id": session_id})
    await asyncio.wait_for(got_answer.wait(), timeout=30)
    await asyncio.sleep(1.0)  # the customer's and the coach's lines arrive one after another
    await client.disconnect()
    return answers


def test_reconnect_with_the_same_session_resumes_the_roleplay(stack):
    session_id = f"sio-{uuid.uuid4().hex[:10]}"
    opening = asyncio.run(_exchange(
        stack.rasa_url, session_id,
        '/start_roleplay{"customer_type":"social","scenario":"needs","mode":"practice"}'))
    assert any(a.get("text") for a in opening)
    # a new connection (page reload) with the same session id continues the same conversation
    reply = asyncio.run(_exchange(stack.rasa_url, session_id, "您好，我是销售顾问小刘，您平时用车主要做什么？"))
    assert any(a.get("text") for a in reply)
    slots = stack.tracker(session_id)["slots"]
    assert slots["phase"] == "roleplay" and slots["turns"] == 1
