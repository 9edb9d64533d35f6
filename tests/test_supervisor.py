"""`make run`'s supervisor (scripts/supervise.py): kill -9 of each server brings it back with a clear
message and the conversation resumes with nothing lost; logs are appended and rotated; the data
files are private; the Rasa token is on no command line."""
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from stack import ROOT, free_port, trained_model  # noqa: E402
from supervise import RotatingLog, pump  # noqa: E402
from test_web_app import Client  # noqa: E402

START = '/start_roleplay{"customer_type":"social","scenario":"needs","mode":"practice"}'
LINES = ["您好，我是销售顾问小刘，您平时用车主要做什么？", "家里几口人，平时谁开得多一些？",
         "您对空间和油耗哪个更看重一些？", "您之前开过什么车，感觉怎么样？"]


def test_rotating_log_appends_and_rotates_by_size(tmp_path):
    path = tmp_path / "x.log"
    path.write_bytes(b"from an earlier run\n")
    log = RotatingLog(path, max_bytes=100, backups=2)
    for i in range(30):
        log.write(f"line {i:02d} ".encode() + b"." * 20 + b"\n")
    assert path.stat().st_size <= 100
    assert (tmp_path / "x.log.1").exists() and (tmp_path / "x.log.2").exists()
    assert not (tmp_path / "x.log.3").exists()
    assert b"line 29" in path.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_log_lines_are_cut(tmp_path):
    read, write = os.pipe()

    def writer():  # more than a pipe holds: written while pump reads
        with os.fdopen(write, "wb") as w:
            w.write(b"short\n" + b"x" * 100_000 + b"\nafter\n")

    threading.Thread(target=writer, daemon=True).start()
    log = RotatingLog(tmp_path / "y.log", 10**7, 1)
    pump(os.fdopen(read, "rb"), log, line_max=1000)
    lines = (tmp_path / "y.log").read_bytes().splitlines()
    assert lines[0] == b"short" and lines[2] == b"after"
    assert len(lines[1]) < 1100 and lines[1].endswith(b"[99000 more bytes cut]")


class Supervised:
    def __init__(self, data: Path):
        self.data = data
        self.web_port = free_port()
        self.env = dict(os.environ, SSP_DATA_DIR=str(data), SSP_HOST="127.0.0.1", SSP_WEB_HOST="127.0.0.1",
                        SSP_RASA_PORT=str(free_port()), SSP_ACTION_PORT=str(free_port()),
                        SSP_WEB_PORT=str(self.web_port), SSP_VENV=str(Path(sys.executable).parent.parent))
        for key in ("SSP_RASA_TOKEN", "SSP_RASA_URL", "SSP_ACTION_URL", "SSP_TRACKER_DB", "SSP_TRACKER_DB_URL",
                    "SSP_REVIEW_DB_URL"):
            self.env.pop(key, None)
        self.output: list = []
        model = trained_model()
        self.proc = subprocess.Popen(
            ["bash", "-c", 'source scripts/env.sh && "$SSP_VENV/bin/python" -m web.accounts ensure-default '
                           '&& exec "$SSP_VENV/bin/python" scripts/supervise.py --model "$1"', "run", model],
            cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.output.append(line)

    def wait_for(self, text: str, seconds: float) -> None:
        deadline = time.time() + seconds
        while time.time() < deadline:
            if any(text in line for line in self.output):
                return
            assert self.proc.poll() is None, "".join(self.output)
            time.sleep(0.5)
        raise AssertionError(f"{text!r} not printed in {seconds}s:\n" + "".join(self.output[-40:]))

    def children(self) -> dict:
        out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(self.proc.pid)], capture_output=True,
                             text=True).stdout
        found = {}
        for line in out.splitlines():
            pid, args = line.strip().split(" ", 1)
            name = ("actions" if "rasa_sdk" in args else "rasa" if "rasa_addons.launcher" in args
                    else "web" if args.endswith("-m web") else None)
            if name:
                found[name] = int(pid)
        return found


def _chat(client: Client, csrf: str, text: str):
    status, _, body = client.request("POST", "/api/chat", json_body={"message": text},
                                     headers={"X-CSRF-Token": csrf})
    return status, json.loads(body)


@pytest.mark.e2e
def test_kill_9_of_each_server_it_comes_back_and_the_conversation_resumes(tmp_path):
    data = tmp_path / "var"
    (data / "logs").mkdir(parents=True)
    (data / "logs" / "rasa.log").write_text("a line from the previous run\n")
    sup = Supervised(data)
    try:
        sup.wait_for("ssp-coach is ready", 300)
        token = (data / "rasa_token").read_text().strip()
        for pid in sup.children().values():
            assert token not in open(f"/proc/{pid}/cmdline", "rb").read().decode()
        client = Client(f"http://127.0.0.1:{sup.web_port}")
        csrf = client.csrf_from("/")
        _, _, body = client.request("POST", "/api/identify", json_body={"trainee": "重启学员"},
                                    headers={"X-CSRF-Token": csrf})
        assert _chat(client, csrf, json.loads(body)["start"])[0] == 200
        assert _chat(client, csrf, START)[0] == 200
        sent = []
        for name, line in zip(("actions", "rasa", "web"), LINES):
            pid = sup.children()[name]
            os.kill(pid, signal.SIGKILL)
            sup.wait_for(f"==> {name} exited unexpectedly (killed by signal SIGKILL)", 30)
            sup.wait_for(f"==> {name} is back", 240)
            status, answer = _chat(client, csrf, line)
            assert status == 200 and answer["messages"], (name, status, answer)
            sent.append(line)
        status, answer = _chat(client, csrf, LINES[3])
        assert status == 200
        sent.append(LINES[3])
        history = json.loads(client.request("GET", "/api/history")[2])
        typed = [m["text"] for m in history["messages"] if m["sender"] == "trainee"]
        assert typed[-len(sent):] == sent, typed          # every turn, once, in order
        assert history["mode"] == "practice"
        # data files private, logs appended
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        for name in ("rasa_tracker.db", "review.db", "rasa_token", "web_secret_key"):
            assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
        assert stat.S_IMODE((data / "logs").stat().st_mode) == 0o700
        for log in (data / "logs").glob("*.log"):
            assert stat.S_IMODE(log.stat().st_mode) == 0o600, log
        rasa_log = (data / "logs" / "rasa.log").read_text(errors="replace")
        assert rasa_log.startswith("a line from the previous run\n") and "restart #1" in rasa_log
    finally:
        sup.proc.send_signal(signal.SIGINT)
        try:
            sup.proc.wait(60)
        except subprocess.TimeoutExpired:
            sup.proc.kill()
    assert "==> stopped" in "".join(sup.output)
    assert not sup.children()
