"""`make run-scaled` (scripts/supervise.py --replicas): two Rasa replicas and two action servers behind
HAProxy, PostgreSQL tracker store, Redis lock store, real processes. One conversation through the proxy
goes round robin over both replicas, stays consistent, and every message sent is a row in PostgreSQL."""
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import uuid

import pytest
from stack import ROOT, VENV_BIN, free_port, trained_model

pytestmark = pytest.mark.e2e

LINES = ["您好，我是销售顾问小刘，欢迎光临！", "您这次买车主要是家用还是上班代步？", "家里平时几个人坐车？",
         "预算大概在什么范围？", "您比较看重油耗还是空间？", "这款车后排空间很大，您可以坐进去感受一下。"]


def two_free_ports() -> int:
    """A port p with p and p + 1 free (the supervisor numbers the replicas from a base port)."""
    while True:
        port = free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port + 1))
                return port
            except OSError:
                continue


def psql(db: str, sql: str) -> str:
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc", sql],
                          capture_output=True, text=True, check=True).stdout.strip()


def post(url: str, payload: dict):
    req = urllib.request.Request(url, json.dumps(payload).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return resp.headers.get("X-SSP-Replica"), json.loads(resp.read())


def wait_until_the_proxy_uses_both_replicas(url: str, timeout: float = 180) -> None:
    """A replica that was slow to load may have failed HAProxy's first health checks: it is back in the
    rotation on its next good check (every 5 s). Wait for that, so the test sees the steady state."""
    seen, deadline = set(), time.time() + timeout
    while seen != {"rasa0", "rasa1"}:
        if time.time() > deadline:
            pytest.fail(f"HAProxy routed only to {sorted(seen)} for {timeout:.0f} s")
        try:
            with urllib.request.urlopen(url + "/", timeout=30) as resp:
                seen.add(resp.headers.get("X-SSP-Replica"))
        except OSError:
            time.sleep(1)


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.path.exists(haproxy):
        pytest.fail("HAProxy is missing: scripts/run_scaled.sh installs it (apt-get install haproxy)")
    data = tmp_path_factory.mktemp("scaled")
    db = f"ssp_coach_scaled_{uuid.uuid4().hex[:8]}"
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    env = dict(os.environ, SSP_DATA_DIR=str(data), SSP_HOST="127.0.0.1", SSP_RASA_PORT=str(rasa_port),
               SSP_ACTION_PORT=str(action_port), SSP_WEB_PORT=str(web_port), SSP_WEB_HOST="127.0.0.1",
               SSP_REPLICA_BASE_PORT=str(two_free_ports()), SSP_ACTION_BASE_PORT=str(two_free_ports()),
               SSP_RASA_URL=f"http://127.0.0.1:{rasa_port}", SSP_RASA_TOKEN=uuid.uuid4().hex,
               SSP_ENDPOINTS="endpoints.scale.yml", SSP_HAPROXY=haproxy,
               SSP_PG_HOST="127.0.0.1", SSP_PG_PORT="5432", SSP_PG_DB=db, SSP_PG_LOGIN_DB="postgres",
               SSP_PG_USER="postgres", SSP_PG_PASSWORD="", SSP_REDIS_HOST="127.0.0.1", SSP_REDIS_PORT="6379",
               SSP_REDIS_DB="0", SSP_TRACKER_DB_URL=f"postgresql://postgres@127.0.0.1:5432/{db}",
               SSP_REVIEW_DB_URL=f"sqlite:///{data / 'review.db'}", TF_CPP_MIN_LOG_LEVEL="2",
               SQLALCHEMY_SILENCE_UBER_WARNING="1")
    log = open(data / "supervisor.log", "wb")
    proc = subprocess.Popen([str(VENV_BIN / "python"), "scripts/supervise.py", "--model", trained_model(),
                             "--replicas", "2", "--action-servers", "2"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 420
        while b"is ready in" not in (data / "supervisor.log").read_bytes():
            if proc.poll() is not None or time.time() > deadline:
                out = (data / "supervisor.log").read_text(errors="replace")
                pytest.fail("run-scaled did not start:\n" + out[-3000:])
            time.sleep(1)
        wait_until_the_proxy_uses_both_replicas(f"http://127.0.0.1:{rasa_port}")
        yield f"http://127.0.0.1:{rasa_port}", db, env["SSP_RASA_TOKEN"]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {db}"],
                       capture_output=True)


def test_a_conversation_through_the_proxy_alternates_replicas_and_loses_nothing(scaled):
    rasa, db, token = scaled
    sender = f"scaled-{uuid.uuid4().hex[:8]}"
    url = f"{rasa}/webhooks/rest/webhook"
    served = []
    replica, reply = post(url, {"sender": sender, "message":
                                '/start_roleplay{"customer_type":"social","scenario":"needs","mode":"practice"}'})
    served.append(replica)
    for line in LINES:
        replica, reply = post(url, {"sender": sender, "message": line})
        served.append(replica)
        assert any(m.get("text") for m in reply), (line, reply)
    assert set(served) == {"rasa0", "rasa1"}, served  # round robin: both replicas took turns
    # consistent: the turn counter saw every line, whichever replica handled it, and both replicas agree
    for _ in range(2):
        with urllib.request.urlopen(f"{rasa}/conversations/{sender}/tracker?token={token}", timeout=30) as resp:
            assert json.loads(resp.read())["slots"]["turns"] == len(LINES)
    stored = psql(db, f"select data from events where sender_id = '{sender}' order by id")  # noqa: S608
    events = [json.loads(d) for d in stored.splitlines()]
    users = [e["text"] for e in events if e["event"] == "user"]
    assert users[1:] == LINES  # every message sent is stored once, in order
    turns = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "turns"]
    assert turns[-1] == len(LINES)
