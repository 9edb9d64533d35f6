"""Benchmark: one class exercise with N simulated trainees (default 30) against the real servers (action
server, Rasa, web app), and how far the live board (server-sent events) lags behind them.

    .venv/bin/python bench/class_bench.py [--trainees 30] [--lines 2]

A trainer creates the class and an assignment and keeps the board's event stream open. Every trainee joins
with the class code, starts the assignment (/start, /start_roleplay), says `--lines` lines and ends (/end),
all trainees at once. Board lag: from the moment a trainee's answer came back to the first board event
showing that turn (or the finished role-play). Prints turn latency, board lag, board size and errors.
"""
import argparse
import json
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from stack import ServerStack  # noqa: E402
from test_web_app import Client  # noqa: E402

LINES = [
    "您好，欢迎光临，我是销售顾问小王，请问怎么称呼您？",
    "您平时用车主要是上下班还是周末带家人出去玩？",
    "您说得很有道理，空间确实很重要。您觉得后排空间对您家人来说重要吗？",
    "预算方面您大概考虑在什么范围？",
]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


class BoardWatcher(threading.Thread):
    """Reads the board's event stream; remembers when each member's turn count / state was first shown."""

    def __init__(self, client: Client, url: str):
        super().__init__(daemon=True)
        self.stream = client.opener.open(urllib.request.Request(url), timeout=600)
        self.seen = {}  # (name, turns or "finished") -> monotonic time first shown
        self.events = 0
        self.bytes = 0
        self.lock = threading.Lock()

    def run(self):
        try:
            for raw in self.stream:
                line = raw.decode("utf-8").strip()
                if not line.startswith("data: "):
                    continue
                now = time.monotonic()
                data = json.loads(line[6:])
                with self.lock:
                    self.events += 1
                    self.bytes += len(raw)
                    for row in data["members"]:
                        keys = [(row["name"], t) for t in range(row["turns"] + 1)]
                        if row["state"] == "finished":
                            keys.append((row["name"], "finished"))
                        for key in keys:
                            self.seen.setdefault(key, now)
        except (OSError, ValueError):
            return

    def shown_at(self, key, wait: float):
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            with self.lock:
                if key in self.seen:
                    return self.seen[key]
            time.sleep(0.02)
        return None


def trainee(base, code, name, assignment, lines, out, errors):
    client = Client(base)
    try:
        token = client.csrf_from("/class")
        status, _, body = client.request("POST", "/class/api/join", headers={"X-CSRF-Token": token},
                                         json_body={"code": code, "name": name})
        if status != 200:
            raise RuntimeError(f"join {status} {body[:80]}")
        token = client.csrf_from("/")
        status, _, body = client.request("POST", "/api/new", headers={"X-CSRF-Token": token},
                                         json_body={"assignment": assignment})
        if status != 200:
            raise RuntimeError(f"start {status} {body[:80]}")
        first = json.loads(body)
        script = [(first["start"], None), (first["then"], None)]
        script += [(line, i + 1) for i, line in enumerate(lines)] + [("/end", "finished")]
        for message, expect in script:
            t0 = time.monotonic()
            status, _, body = client.request("POST", "/api/chat", headers={"X-CSRF-Token": token},
                                             json_body={"message": message})
            t1 = time.monotonic()
            if status != 200 or not json.loads(body).get("messages"):
                raise RuntimeError(f"chat {status} {body[:80]}")
            out.append({"name": name, "expect": expect, "answered": t1, "latency": t1 - t0})
    except Exception as error:  # noqa: BLE001 - counted and printed
        errors.append(f"{name}: {error}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--lines", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stack = ServerStack(Path(tmp))
        try:
            t0 = time.monotonic()
            stack.start_actions()
            stack.start_rasa()
            stack.start_web()
            print(f"servers ready in {time.monotonic() - t0:.1f} s")
            coach = Client(stack.web_url)
            coach.login(stack.trainer_user, stack.trainer_password)
            token = coach.csrf_from("/review/classes")
            _, headers, _ = coach.request("POST", "/review/classes",
                                          form={"csrf_token": token, "name": "压测班", "day": "2026-11-30",
                                                "groups": str(max(1, args.trainees // 4))})
            class_path = headers["location"]
            _, _, page = coach.request("GET", class_path)
            code = re.search(r'id="join-code">([A-Z0-9]{6})<', page).group(1)
            token = coach.csrf_from(class_path)
            _, headers, _ = coach.request("POST", class_path + "/assignments",
                                          form={"csrf_token": token, "scenario": "needs", "customer_type": "rotate",
                                                "mode": "practice", "minutes": "0"})
            board_path = headers["location"]
            assignment = board_path.rsplit("/", 1)[1]
            watcher = BoardWatcher(coach, stack.web_url + board_path + "/events")
            watcher.start()
            names = [f"学员{i:02d}" for i in range(1, args.trainees + 1)]
            steps, errors = [], []
            started = time.monotonic()
            threads = [threading.Thread(target=trainee, args=(stack.web_url, code, n, assignment,
                                                              LINES[: args.lines], steps, errors)) for n in names]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.monotonic() - started
            lags, missing = [], 0
            for step in steps:
                if step["expect"] is None:
                    continue
                shown = watcher.shown_at((step["name"], step["expect"]), wait=10)
                if shown is None:
                    missing += 1
                else:
                    lags.append(max(0.0, shown - step["answered"]))
            t1 = time.monotonic()
            status, _, body = coach.request("GET", board_path + "/data")
            board_read = time.monotonic() - t1
            final = json.loads(body)
            latencies = [s["latency"] for s in steps]
            print(f"trainees: {args.trainees}, lines each: {args.lines}, wall time: {wall:.1f} s")
            print(f"chat requests: {len(steps)}, turn latency median {statistics.median(latencies):.2f} s, "
                  f"p95 {percentile(latencies, 0.95):.2f} s, max {max(latencies):.2f} s")
            print(f"board lag (answer -> board event): n={len(lags)}, median {statistics.median(lags):.2f} s, "
                  f"p95 {percentile(lags, 0.95):.2f} s, max {max(lags):.2f} s; updates never shown: {missing}")
            print(f"board events received: {watcher.events}, bytes: {watcher.bytes}; "
                  f"one board read (HTTP {status}, {len(final['members'])} members): {board_read * 1000:.0f} ms")
            print(f"finished on the board: {final['counts']['finished']}/{args.trainees}")
            print(f"errors: {len(errors)}")
            for error in errors[:10]:
                print("  ", error)
            ok = not errors and not missing and lags and max(lags) <= 2.0
            print("RESULT:", "board within 2 s, no errors" if ok else "NOT within target")
            return 0 if ok else 1
        finally:
            stack.stop_all()


if __name__ == "__main__":
    sys.exit(main())
