"""Starts the real servers for end-to-end tests: action server, Rasa (trained model), web app."""
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def trained_model() -> str:
    """The model for the current data/config, trained first if needed (scripts/train_if_needed.sh)."""
    explicit = os.environ.get("SSP_RASA_MODEL")
    if explicit:
        return explicit
    out = subprocess.run([str(ROOT / "scripts" / "train_if_needed.sh")], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def http_json(url: str, payload: Optional[dict] = None, timeout: float = 30) -> object:
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read().decode() or "null")


class ServerStack:
    """One action server, one Rasa server and the web app on free ports with a private data dir."""

    def __init__(self, data_dir: Path, endpoints: str = "endpoints.env.yml", extra_env: Optional[dict] = None):
        self.data_dir = data_dir
        self.logs = data_dir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.model = trained_model()
        self.action_port, self.rasa_port, self.web_port = free_port(), free_port(), free_port()
        self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        self.web_url = f"http://127.0.0.1:{self.web_port}"
        self.rasa_token = secrets.token_urlsafe(16)
        self.tracker_db = data_dir / "rasa_tracker.db"
        self.tracker_db_url = f"sqlite:///{self.tracker_db}"
        self.endpoints = endpoints
        self.env = dict(
            os.environ,
            SSP_DATA_DIR=str(data_dir),
            SSP_ACTION_URL=f"http://127.0.0.1:{self.action_port}/webhook",
            SSP_TRACKER_DB=str(self.tracker_db),
            SSP_TRACKER_DB_URL=self.tracker_db_url,
            SSP_REVIEW_DB_URL=f"sqlite:///{data_dir / 'review.db'}",
            SSP_RASA_URL=self.rasa_url,
            SSP_RASA_TOKEN=self.rasa_token,
            SSP_WEB_HOST="127.0.0.1",
            SSP_WEB_PORT=str(self.web_port),
            SANIC_HOST="127.0.0.1",
            TF_CPP_MIN_LOG_LEVEL="2",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            **(extra_env or {}),
        )
        self.procs: Dict[str, subprocess.Popen] = {}
        self.trainer_user: Optional[str] = None
        self.trainer_password: Optional[str] = None

    # -- process control ---------------------------------------------------------------------
    def _spawn(self, name: str, args: List[str]) -> None:
        log = open(self.logs / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def _wait(self, name: str, url: str, seconds: float) -> None:
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.procs[name].poll() is not None:
                raise RuntimeError(f"{name} exited early:\n{self.log_tail(name)}")
            try:
                urllib.request.urlopen(url, timeout=2).read()
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.5)
        raise RuntimeError(f"{name} not ready at {url} after {seconds}s:\n{self.log_tail(name)}")

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.logs / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def start_actions(self) -> None:
        self._spawn("actions", [str(VENV_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions",
                                "--port", str(self.action_port)])
        self._wait("actions", f"http://127.0.0.1:{self.action_port}/health", 120)

    def start_rasa(self, name: str = "rasa", port: Optional[int] = None) -> str:
        """Start a Rasa server (another replica when given another name and port); returns its URL."""
        port = port or self.rasa_port
        url = f"http://127.0.0.1:{port}"
        # the token reaches Rasa through the environment (SSP_RASA_TOKEN), never the command line
        self._spawn(name, [str(VENV_BIN / "python"), "-m", "rasa_addons.launcher", "--model", self.model,
                           "--endpoints", self.endpoints, "--credentials", "credentials.yml",
                           "-i", "127.0.0.1", "-p", str(port)])
        self._wait(name, f"{url}/status?token={self.rasa_token}", 240)
        return url

    def start_web(self) -> None:
        out = subprocess.run([str(VENV_BIN / "python"), "-m", "web.accounts", "ensure-default"], cwd=ROOT,
                             env=self.env, capture_output=True, text=True, check=True)
        found = re.search(r"trainer login:\s*(\S+)\s*/\s*(\S+)", out.stdout)
        if found:
            self.trainer_user, self.trainer_password = found.group(1), found.group(2)
        self._spawn("web", [str(VENV_BIN / "python"), "-m", "web"])
        self._wait("web", f"{self.web_url}/", 60)

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

    def restart_rasa(self) -> None:
        self.stop("rasa")
        self.start_rasa()

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    # -- talking to Rasa ---------------------------------------------------------------------
    def say(self, sender: str, message: str, metadata: Optional[dict] = None,
            rasa_url: Optional[str] = None) -> List[dict]:
        payload = {"sender": sender, "message": message}
        if metadata:
            payload["metadata"] = metadata
        return http_json(f"{rasa_url or self.rasa_url}/webhooks/rest/webhook", payload)  # type: ignore[return-value]

    def tracker(self, sender: str, rasa_url: Optional[str] = None) -> dict:
        url = f"{rasa_url or self.rasa_url}/conversations/{sender}/tracker?token={self.rasa_token}"
        return http_json(url)  # type: ignore[return-value]
