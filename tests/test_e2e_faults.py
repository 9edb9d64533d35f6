"""Faults against the real servers (own stack: this module stops the action server on purpose):
the Rasa token never on a command line, request size limits in front of Rasa's channels, and the
web chat when the action server is down."""
import asyncio
import json
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest
import socketio

from stack import ServerStack
from test_web_app import Client

pytestmark = pytest.mark.e2e
START = '/start_roleplay{"customer_type":"social","scenario":"needs","mode":"practice"}'


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    servers = ServerStack(tmp_path_factory.mktemp("faults"))
    try:
        servers.start_actions()
        servers.start_rasa()
        servers.start_web()
        yield servers
    finally:
        servers.stop_all()


def post_raw(url: str, body: bytes, timeout: float = 30):
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except (ConnectionError, OSError) as error:   # the server may close before reading a huge body
        return 413 if "Broken pipe" in str(error) or "reset" in str(error) else -1, str(error)


def test_rasa_token_is_on_no_command_line(faults):
    pid = faults.procs["rasa"].pid
    cmdline = open(f"/proc/{pid}/cmdline", "rb").read().decode()
    assert "--auth-token" not in cmdline and faults.rasa_token not in cmdline
    ps = subprocess.run(["ps", "-eww", "-o", "args"], capture_output=True, text=True).stdout
    assert faults.rasa_token not in ps
    # and the token still protects the HTTP API
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(f"{faults.rasa_url}/conversations/x/tracker?token=wrong", timeout=10)
    assert denied.value.code == 401
    assert faults.tracker("nobody")["sender_id"] == "nobody"


@pytest.mark.parametrize("megabytes", [1, 10])
def test_huge_rest_bodies_are_refused_fast_and_rasa_keeps_serving(faults, megabytes):
    sender = f"big-{uuid.uuid4().hex[:8]}"
    body = json.dumps({"sender": sender, "message": "您好" * (megabytes * 1024 * 1024 // 6)}).encode()
    results = {}

    def huge():
        t0 = time.time()
        results["huge"] = post_raw(f"{faults.rasa_url}/webhooks/rest/webhook", body)
        results["huge_s"] = time.time() - t0

    thread = threading.Thread(target=huge)
    thread.start()
    t0 = time.time()
    answer = faults.say(f"ok-{uuid.uuid4().hex[:8]}", START)   # another trainee, at the same time
    normal_s = time.time() - t0
    thread.join(60)
    assert results["huge"][0] == 413, results["huge"]
    assert results["huge_s"] < 5 and normal_s < 20 and any(m.get("text") for m in answer)
    assert not faults.tracker(sender)["events"] or all(e.get("event") != "user" for e in faults.tracker(sender)["events"])


def test_a_message_over_2000_characters_gets_a_chinese_error_and_is_not_processed(faults):
    sender = f"long-{uuid.uuid4().hex[:8]}"
    t0 = time.time()
    status, body = post_raw(f"{faults.rasa_url}/webhooks/rest/webhook",
                            json.dumps({"sender": sender, "message": "车" * 2001}).encode())
    assert status == 200 and "消息太长" in json.loads(body)[0]["text"] and time.time() - t0 < 5
    assert all(e.get("event") != "user" for e in faults.tracker(sender)["events"])
    status, _ = post_raw(f"{faults.rasa_url}/webhooks/rest/webhook",
                         json.dumps({"sender": sender, "message": "车" * 2000}).encode())
    assert status == 200
    longest = max(len(line) for line in faults.log_tail("rasa", 100000).splitlines() or [""])
    assert longest < 20000, "no huge log line"


def test_socketio_message_over_the_limit_gets_a_chinese_bot_message(faults):
    async def exchange():
        client = socketio.AsyncClient()
        answers = []
        got = asyncio.Event()

        @client.on("bot_uttered")
        async def on_bot(data):
            answers.append(data)
            got.set()

        await client.connect(faults.rasa_url, transports=["polling"])
        session = f"sio-{uuid.uuid4().hex[:8]}"
        await client.emit("session_request", {"session_id": session})
        await asyncio.sleep(0.3)
        await client.emit("user_uttered", {"message": "车" * 3000, "session_id": session})
        await asyncio.wait_for(got.wait(), timeout=20)
        await client.disconnect()
        return session, answers

    session, answers = asyncio.run(exchange())
    assert "消息太长" in answers[0]["text"]
    assert all(e.get("event") != "user" for e in faults.tracker(session)["events"])


def _chat(client: Client, csrf: str, text: str):
    req = urllib.request.Request(client.base + "/api/chat", data=json.dumps({"message": text}).encode(),
                                 method="POST", headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    try:
        with client.opener.open(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read().decode())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode())


def test_action_server_down_the_chat_gets_a_coach_note_and_nothing_is_lost(faults):
    client = Client(faults.web_url)
    csrf = client.csrf_from("/")
    _, _, body = client.request("POST", "/api/identify", json_body={"trainee": "故障学员"},
                                headers={"X-CSRF-Token": csrf})
    assert _chat(client, csrf, json.loads(body)["start"])[0] == 200
    status, answer = _chat(client, csrf, START)
    assert status == 200 and answer["messages"]
    faults.stop("actions")
    try:
        for text in ("您好，请问您平时用车主要做什么？", "/end"):
            status, answer = _chat(client, csrf, text)
            assert status == 503, (text, status, answer)
            assert answer["coach"].startswith("【教练】") and "保留" in answer["coach"] and answer["retry"] is True
    finally:
        faults.start_actions()
    status, answer = _chat(client, csrf, "您好，请问您平时用车主要做什么？")   # the retry
    assert status == 200 and answer["messages"]
    history = json.loads(client.request("GET", "/api/history")[2])
    typed = [m["text"] for m in history["messages"] if m["sender"] == "trainee"]
    assert typed.count("您好，请问您平时用车主要做什么？") == 1, "the failed attempt was not stored"
    status, answer = _chat(client, csrf, "/end")
    assert status == 200 and any("成绩单" in (m.get("text") or "") for m in answer["messages"])
