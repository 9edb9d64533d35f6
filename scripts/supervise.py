"""Supervisor for `make run`: starts the action server, Rasa and the web app, restarts any of them
that dies (with backoff, and a clear message), and keeps their logs appended and rotated by size.

    python scripts/supervise.py --model models/ssp-coach-<hash>.tar.gz

Configuration comes from the environment set by scripts/env.sh (ports, SSP_DATA_DIR, ...), plus
SSP_LOG_MAX_BYTES (default 10 MB per log file), SSP_LOG_BACKUPS (default 5 rotated files) and
SSP_LOG_LINE_MAX (default 4000 characters; longer lines are cut). The Rasa token is never put on a
command line: Rasa is started through rasa_addons.launcher, which reads it from the environment.
Ctrl-C (SIGINT) or SIGTERM stops all three.

`--replicas N --action-servers M` (`make run-scaled`): N Rasa replicas and M action servers on their own
ports (SSP_REPLICA_BASE_PORT, default Rasa's port + 100; SSP_ACTION_BASE_PORT, default the action port
+ 100) behind HAProxy, which listens on the usual Rasa and action ports (scripts/haproxy_config.py);
the endpoints (SSP_ENDPOINTS) must then be endpoints.scale.yml (PostgreSQL + Redis).
"""
import argparse
import ctypes
import os
import signal
import stat
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child before exec: a killed supervisor takes its servers along
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def private_data_dir(path: Path) -> None:
    """The data dir and its logs dir 0700, every file in them 0600 (also fixes older installations)."""
    for d in (path, path / "logs"):
        d.mkdir(parents=True, exist_ok=True)
        os.chmod(d, 0o700)
        for f in d.iterdir():
            if f.is_file() and not f.is_symlink() and stat.S_IMODE(f.stat().st_mode) & 0o077:
                os.chmod(f, 0o600)


class RotatingLog:
    """Appends to NAME.log; when it passes max_bytes it becomes NAME.log.1 (… .N, oldest dropped)."""

    def __init__(self, path: Path, max_bytes: int, backups: int):
        self.path, self.max_bytes, self.backups = path, max_bytes, backups
        self.lock = threading.Lock()
        self.file: IO[bytes] = self._open()

    def _open(self) -> IO[bytes]:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(fd, "ab", buffering=0)

    def write(self, data: bytes) -> None:
        with self.lock:
            if self.file.tell() + len(data) > self.max_bytes and self.file.tell() > 0:
                self._rotate()
            self.file.write(data)

    def _rotate(self) -> None:
        self.file.close()
        for i in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{i}")
            if older.exists():
                older.replace(self.path.with_name(f"{self.path.name}.{i + 1}"))
        if self.backups > 0:
            self.path.replace(self.path.with_name(f"{self.path.name}.1"))
        else:
            self.path.unlink()
        self.file = self._open()

    def note(self, text: str) -> None:
        self.write(f"[{time.strftime('%Y-%m-%d %H:%M:%S')}] [supervisor] {text}\n".encode())


def pump(stream: IO[bytes], log: RotatingLog, line_max: int) -> None:
    """Copies a child's output into its log, line by line; a line longer than line_max bytes is cut
    (a 10 MB message can never become a 10 MB log line)."""
    cut = -1  # -1: at the start of a line; >= 0: inside an over-long line, bytes dropped so far
    while True:
        chunk = stream.readline(line_max)
        if not chunk:
            if cut >= 0:
                log.write(f" …[{cut} more bytes cut]\n".encode())
            break
        ends = chunk.endswith(b"\n")
        if cut < 0:
            log.write(chunk)
            if not ends:
                cut = 0
        else:
            cut += len(chunk) - (1 if ends else 0)
            if ends:
                log.write(f" …[{cut} more bytes cut]\n".encode())
                cut = -1
    stream.close()


class Service:
    def __init__(self, name: str, argv: List[str], health_url: str, env: Dict[str, str], logs: Path,
                 max_bytes: int, backups: int, line_max: int):
        self.name, self.argv, self.health_url, self.env = name, argv, health_url, env
        self.log = RotatingLog(logs / f"{name}.log", max_bytes, backups)
        self.line_max = line_max
        self.proc: Optional[subprocess.Popen] = None
        self.started_at = 0.0
        self.backoff = 1.0
        self.restart_at: Optional[float] = None
        self.restarts = 0
        self.ready = False

    def start(self) -> None:
        self.log.note(f"starting {self.name}" + (f" (restart #{self.restarts})" if self.restarts else ""))
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        assert self.proc.stdout is not None
        threading.Thread(target=pump, args=(self.proc.stdout, self.log, self.line_max), daemon=True).start()
        self.started_at = time.time()
        self.restart_at = None
        self.ready = False

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as resp:
                return resp.status < 400
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()

    def wait_stopped(self, seconds: float) -> None:
        if not self.proc:
            return
        try:
            self.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def build_services(model: str, env: Dict[str, str]) -> List[Service]:
    py = str(Path(env.get("SSP_VENV", ROOT / ".venv")) / "bin" / "python")
    host = env.get("SSP_HOST", "127.0.0.1")
    action_port = env.get("SSP_ACTION_PORT", "5055")
    rasa_port = env.get("SSP_RASA_PORT", "5005")
    web_host, web_port = env.get("SSP_WEB_HOST", host), env.get("SSP_WEB_PORT", "8000")
    logs = Path(env["SSP_DATA_DIR"]) / "logs"
    limits = (int(env.get("SSP_LOG_MAX_BYTES", str(10 * 1024 * 1024))), int(env.get("SSP_LOG_BACKUPS", "5")),
              int(env.get("SSP_LOG_LINE_MAX", "4000")))
    health_host = "127.0.0.1" if web_host in ("0.0.0.0", "") else web_host
    action_env = dict(env, SANIC_HOST=host)
    return [
        Service("actions", [py, "-m", "rasa_sdk", "--actions", "actions", "--port", action_port],
                f"http://{host}:{action_port}/health", action_env, logs, *limits),
        Service("rasa", [py, "-m", "rasa_addons.launcher", "--model", model, "--endpoints",
                         env.get("SSP_ENDPOINTS", "endpoints.env.yml"), "--credentials", "credentials.yml",
                         "-i", host, "-p", rasa_port],
                f"http://{host}:{rasa_port}/", env, logs, *limits),
        Service("web", [py, "-m", "web"], f"http://{health_host}:{web_port}/static/favicon.svg", env, logs, *limits),
    ]


def build_scaled_services(model: str, env: Dict[str, str], replicas: int, action_servers: int) -> List[Service]:
    """`replicas` Rasa processes and `action_servers` action servers behind HAProxy, and the web app."""
    import haproxy_config

    py = str(Path(env.get("SSP_VENV", ROOT / ".venv")) / "bin" / "python")
    host = env.get("SSP_HOST", "127.0.0.1")
    action_port, rasa_port = int(env.get("SSP_ACTION_PORT", "5055")), int(env.get("SSP_RASA_PORT", "5005"))
    rasa_base = int(env.get("SSP_REPLICA_BASE_PORT", str(rasa_port + 100)))
    action_base = int(env.get("SSP_ACTION_BASE_PORT", str(action_port + 100)))
    data = Path(env["SSP_DATA_DIR"])
    logs = data / "logs"
    limits = (int(env.get("SSP_LOG_MAX_BYTES", str(10 * 1024 * 1024))), int(env.get("SSP_LOG_BACKUPS", "5")),
              int(env.get("SSP_LOG_LINE_MAX", "4000")))
    replica_ports = [rasa_base + i for i in range(replicas)]
    action_ports = [action_base + j for j in range(action_servers)]
    config = data / "haproxy.cfg"
    config.write_text(haproxy_config.render((host, rasa_port), [(host, p) for p in replica_ports],
                                            (host, action_port), [(host, p) for p in action_ports]))
    # every replica calls the actions through the proxy, which spreads them over the action servers
    rasa_env = dict(env, SSP_ACTION_URL=f"http://{host}:{action_port}/webhook")
    services = [Service(f"actions{j + 1}", [py, "-m", "rasa_sdk", "--actions", "actions", "--port", str(p)],
                        f"http://{host}:{p}/health", dict(env, SANIC_HOST=host), logs, *limits)
                for j, p in enumerate(action_ports)]
    services += [Service(f"rasa{i + 1}", [py, "-m", "rasa_addons.launcher", "--model", model, "--endpoints",
                                          env.get("SSP_ENDPOINTS", "endpoints.scale.yml"),
                                          "--credentials", "credentials.yml", "-i", host, "-p", str(p)],
                         f"http://{host}:{p}/", rasa_env, logs, *limits)
                 for i, p in enumerate(replica_ports)]
    services.append(Service("haproxy", [env.get("SSP_HAPROXY", "haproxy"), "-db", "-f", str(config)],
                            f"http://{host}:{rasa_port}/", env, logs, *limits))
    web_host, web_port = env.get("SSP_WEB_HOST", host), env.get("SSP_WEB_PORT", "8000")
    health_host = "127.0.0.1" if web_host in ("0.0.0.0", "") else web_host
    services.append(Service("web", [py, "-m", "web"], f"http://{health_host}:{web_port}/static/favicon.svg",
                            env, logs, *limits))
    return services


def banner(env: Dict[str, str], seconds: float) -> str:
    host, web_host = env.get("SSP_HOST", "127.0.0.1"), env.get("SSP_WEB_HOST", "127.0.0.1")
    web = f"http://{web_host}:{env.get('SSP_WEB_PORT', '8000')}"
    rasa = env.get("SSP_RASA_URL", f"http://{host}:{env.get('SSP_RASA_PORT', '5005')}")
    data = env["SSP_DATA_DIR"]
    return (f"\nssp-coach is ready in {seconds:.0f} s\n"
            f"  trainee chat     {web}/\n"
            f"  trainer review   {web}/review\n"
            f"  Rasa REST        {rasa}/webhooks/rest/webhook\n"
            f"  Rasa socket.io   {rasa}/socket.io\n"
            f"  Rasa HTTP API    {rasa}  (token in {data}/rasa_token)\n"
            f"  action server    http://{host}:{env.get('SSP_ACTION_PORT', '5055')}/webhook\n"
            f"  logs             {data}/logs (appended, rotated by size)\n"
            f"A server that stops is restarted automatically. Press Ctrl-C to stop.\n")


def supervise(services: List[Service], env: Dict[str, str], ready_timeout: float = 300) -> int:
    stopping = threading.Event()

    def on_signal(signum, _frame):
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    start = time.time()
    for s in services:
        s.start()
    announced = False
    while not stopping.is_set():
        now = time.time()
        for s in services:
            assert s.proc is not None
            code = s.proc.poll()
            if code is not None and s.restart_at is None:
                lived = now - s.started_at
                if lived > 60:
                    s.backoff = 1.0
                s.restart_at = now + s.backoff
                s.restarts += 1
                message = (f"==> {s.name} exited unexpectedly ({describe_exit(code)}) after {lived:.0f} s; "
                           f"restarting in {s.backoff:.0f} s (restart #{s.restarts}); see {s.log.path}")
                print(message, file=sys.stderr, flush=True)
                s.log.note(message)
                s.backoff = min(s.backoff * 2, 30.0)
            elif s.restart_at is not None and now >= s.restart_at:
                s.start()
            elif code is None and not s.ready and s.healthy():
                s.ready = True
                if s.restarts:
                    print(f"==> {s.name} is back (ready {now - s.started_at:.0f} s after restart #{s.restarts})",
                          flush=True)
        if not announced and all(s.ready for s in services):
            announced = True
            print(banner(env, time.time() - start), flush=True)
        if not announced and time.time() - start > ready_timeout:
            late = ", ".join(s.name for s in services if not s.ready)
            print(f"ERROR: {late} did not become ready in {ready_timeout:.0f} s; see {services[0].log.path.parent}",
                  file=sys.stderr, flush=True)
            stopping.set()
            break
        stopping.wait(0.5)
    print("\n==> stopping ssp-coach", flush=True)
    for s in services:
        s.restart_at = None
        s.stop()
    for s in services:
        s.wait_stopped(20)
        s.log.note(f"{s.name} stopped")
    print("==> stopped", flush=True)
    return 0 if announced else 1


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--ready-timeout", type=float, default=300)
    parser.add_argument("--replicas", type=int, default=0, help="scaled run: Rasa replicas behind HAProxy")
    parser.add_argument("--action-servers", type=int, default=1, help="scaled run: action servers")
    args = parser.parse_args(argv)
    os.umask(0o077)  # every file the servers create (databases, logs) is private to this user
    env = dict(os.environ)
    env.setdefault("SSP_DATA_DIR", str(ROOT / "var"))
    private_data_dir(Path(env["SSP_DATA_DIR"]))
    if args.replicas > 0:
        services = build_scaled_services(args.model, env, args.replicas, max(1, args.action_servers))
    else:
        services = build_services(args.model, env)
    return supervise(services, env, args.ready_timeout)


if __name__ == "__main__":
    sys.exit(main())
