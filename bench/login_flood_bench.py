"""Static file and chat latency with and without a trainer-login flood, against the real stack
(action server, Rasa, web app on free ports, private data dir). Prints the figures.

    .venv/bin/python bench/login_flood_bench.py [--clients 16] [--seconds 15]

The flood: `clients` threads post wrong passwords, each attempt from a fresh loopback address
(127.0.x.y), so every attempt costs a real scrypt hash (a single address would be throttled after
20 tries and cost nothing). The probes: GET /static/chat.css, and POST /api/chat (a trainee turn in
a role-play, through Rasa and the action server), one after the other.
"""
import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from stack import ServerStack  # noqa: E402
from test_web_hardening import AddressClient  # noqa: E402

START = '/start_roleplay{"customer_type":"social","scenario":"needs","mode":"practice"}'
LINES = ["您好，我是销售顾问小刘，您平时用车主要做什么？", "家里几口人，平时谁开得多一些？",
         "您对空间和油耗哪个更看重一些？", "您之前开过什么车，感觉怎么样？"]


def pct(values: List[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def summary(values: List[float]) -> Dict[str, float]:
    return {"n": len(values), "median_ms": round(statistics.median(values), 1), "p95_ms": round(pct(values, 0.95), 1),
            "max_ms": round(max(values), 1)}


def trainee(port: int, source: str) -> AddressClient:
    client = AddressClient(port, source)
    csrf = client.csrf("/")
    hdrs = {"Content-Type": "application/json", "X-CSRF-Token": csrf}
    _, body = client.request("POST", "/api/identify", json.dumps({"trainee": "压测学员"}).encode(), hdrs)
    client.request("POST", "/api/chat", json.dumps({"message": json.loads(body)["start"]}).encode(), hdrs)
    client.request("POST", "/api/chat", json.dumps({"message": START}).encode(), hdrs)
    client.csrf_header = csrf  # type: ignore[attr-defined]
    return client


def probe(port: int, seconds: float) -> Dict[str, Dict[str, float]]:
    static, chat = [], []
    client = trainee(port, "127.0.0.9")
    hdrs = {"Content-Type": "application/json", "X-CSRF-Token": client.csrf_header}  # type: ignore[attr-defined]
    end, i = time.time() + seconds, 0
    while time.time() < end:
        t0 = time.perf_counter()
        client.request("GET", "/static/chat.css")
        static.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        status, _ = client.request("POST", "/api/chat", json.dumps({"message": LINES[i % len(LINES)]}).encode(), hdrs)
        chat.append((time.perf_counter() - t0) * 1000)
        assert status == 200, status
        i += 1
        time.sleep(0.1)
    return {"static": summary(static), "chat": summary(chat)}


def flood(port: int, user: str, clients: int, stop: threading.Event, counts: Dict[int, int]) -> List[threading.Thread]:
    lock = threading.Lock()

    def attacker(k: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                status, _ = AddressClient(port, f"127.0.{1 + k}.{10 + n % 240}").login(user, f"wrong-{k}-{n}")
            except OSError:
                status = -1
            with lock:
                counts[status] = counts.get(status, 0) + 1

    threads = [threading.Thread(target=attacker, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    return threads


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stack = ServerStack(Path(tmp))
        try:
            stack.start_actions()
            stack.start_rasa()
            stack.start_web()
            port = stack.web_port
            quiet = probe(port, args.seconds)
            stop, counts = threading.Event(), {}
            threads = flood(port, stack.trainer_user or "admin", args.clients, stop, counts)
            time.sleep(1)
            t0 = time.perf_counter()
            login_status, _ = AddressClient(port, "127.0.0.8").login(stack.trainer_user, stack.trainer_password)
            login_ms = (time.perf_counter() - t0) * 1000
            loaded = probe(port, args.seconds)
            stop.set()
            for t in threads:
                t.join(30)
        finally:
            stack.stop_all()
    print(f"login flood bench: {args.clients} clients, {args.seconds:.0f} s per phase")
    for phase, figures in (("no flood", quiet), ("during flood", loaded)):
        for what, f in figures.items():
            print(f"  {phase:13s} {what:6s} n={f['n']:3d}  median {f['median_ms']:7.1f} ms  "
                  f"p95 {f['p95_ms']:7.1f} ms  max {f['max_ms']:7.1f} ms")
    total = sum(counts.values())
    print(f"  flood attempts {total} ({total / args.seconds:.0f}/s), statuses {dict(sorted(counts.items()))}")
    print(f"  the trainer's own login during the flood: HTTP {login_status} in {login_ms:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
