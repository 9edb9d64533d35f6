"""The scaled-out product for the benchmark: scripts/supervise.py --replicas N (what `make run-scaled`
runs) on free ports, a fresh PostgreSQL database and the machine's Redis; torn down afterwards."""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent


def _free_port_pair() -> int:
    """A port p with p and p + 1 .. p + 7 free (replicas and action servers are numbered from a base)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        try:
            for p in range(base, base + 8):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(["psql", "-h", os.environ.get("SSP_PG_HOST", "127.0.0.1"), "-U",
                           os.environ.get("SSP_PG_USER", "postgres"), "-d", db, "-tAc", sql],
                          capture_output=True, text=True, check=True).stdout.strip()


class ScaledRun:
    def __init__(self, folder: Path, model: str, replicas: int, action_servers: int):
        self.folder, self.model = folder, model
        self.replicas, self.action_servers = replicas, action_servers
        self.db = f"ssp_coach_bench_{uuid.uuid4().hex[:8]}"
        self.rasa_port = _free_port()
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self.proc: Optional[subprocess.Popen] = None
        pg = os.environ.get("SSP_PG_HOST", "127.0.0.1"), os.environ.get("SSP_PG_PORT", "5432")
        self.env = dict(
            os.environ, SSP_DATA_DIR=str(folder), SSP_HOST="127.0.0.1", SSP_RASA_PORT=str(self.rasa_port),
            SSP_ACTION_PORT=str(_free_port()), SSP_WEB_PORT=str(_free_port()), SSP_WEB_HOST="127.0.0.1",
            SSP_REPLICA_BASE_PORT=str(_free_port_pair()), SSP_ACTION_BASE_PORT=str(_free_port_pair()),
            SSP_RASA_URL=self.url, SSP_RASA_TOKEN=uuid.uuid4().hex, SSP_ENDPOINTS="endpoints.scale.yml",
            SSP_PG_DB=self.db, SSP_TRACKER_DB_URL=f"postgresql://postgres@{pg[0]}:{pg[1]}/{self.db}",
            SSP_REVIEW_DB_URL=f"sqlite:///{folder / 'review.db'}", TF_CPP_MIN_LOG_LEVEL="2",
            SQLALCHEMY_SILENCE_UBER_WARNING="1", RASA_TELEMETRY_ENABLED="false")
        self.env.setdefault("SSP_HAPROXY", "/usr/sbin/haproxy")

    def start(self, seconds: float = 420) -> float:
        """Starts everything; returns seconds to the supervisor's 'ready' line."""
        self.folder.mkdir(parents=True, exist_ok=True)
        log = self.folder / "supervisor.log"
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/python"), "scripts/supervise.py", "--model", self.model,
             "--replicas", str(self.replicas), "--action-servers", str(self.action_servers)],
            cwd=ROOT, env=self.env, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
        while b"is ready in" not in log.read_bytes():
            if self.proc.poll() is not None or time.perf_counter() - t0 > seconds:
                raise RuntimeError(f"scaled run did not start; see {log}:\n{log.read_text()[-2000:]}")
            time.sleep(0.5)
        return time.perf_counter() - t0

    def say(self, sender: str, text: str) -> list:
        body = json.dumps({"sender": sender, "message": text, "metadata": {"trainee": "bench"}}).encode()
        req = urllib.request.Request(f"{self.url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as resp:
            return json.loads(resp.read())

    def stored_user_messages(self) -> int:
        return int(psql("select count(*) from events where type_name = 'user'", self.db))

    def memory(self) -> Dict[str, float]:
        """Resident MB of every process the supervisor started, by its service name."""
        out: Dict[str, float] = {}
        assert self.proc is not None
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        pids: List[int] = [int(p) for p in children.read_text().split()] if children.exists() else []
        for pid in pids:
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                           if line.startswith("VmRSS:"))
            except (OSError, StopIteration):
                continue
            out[_service_name(cmd, out)] = rss / 1024
        return out

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        subprocess.run(["psql", "-h", self.env.get("SSP_PG_HOST", "127.0.0.1"), "-U", "postgres", "-c",
                        f"DROP DATABASE IF EXISTS {self.db}"], capture_output=True)


def _service_name(cmd: List[bytes], taken: Dict[str, float]) -> str:
    text = b" ".join(cmd).decode(errors="replace")
    kind = ("Rasa replica" if "rasa_addons.launcher" in text else "action server" if "rasa_sdk" in text
            else "HAProxy" if "haproxy" in text else "web app" if "-m web" in text else text[:40])
    n = 1 + sum(1 for k in taken if k.startswith(kind))
    return f"{kind} {n}" if kind in ("Rasa replica", "action server") else kind
