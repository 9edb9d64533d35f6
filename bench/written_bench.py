"""Benchmark: one written group exercise with N simulated trainees (default 30) against the real web app
(answers are graded in the web process; no Rasa needed), and how far the board (server-sent events) lags.

    .venv/bin/python bench/written_bench.py [--trainees 30]

A trainer creates the class, assigns the objections exercise (3 prompts) and keeps the board's event
stream open. Every trainee joins with the class code and answers each prompt, all trainees at once.
Board lag: from the moment an answer's grade came back to the first board event showing that answer.
Prints answer latency, board lag, board size and errors.
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

from test_web_app import Client, WebServer  # noqa: E402
from test_web_class import create_class, join  # noqa: E402

ANSWERS = [
    "您觉得价格有点高，我理解，谁都希望买得划算；其实这个价里已经含了三年的免费保养，平摊下来每个月花得并不多。",
    "您想回去再琢磨一下，那没关系，买车确实是件大事；其实我们这周的优惠到周日截止，我先帮您把报价单打印出来。",
    "您说隔壁店便宜一万多，我明白，谁都想买得实惠；不过我们的价格里含了延保和上门取送车服务。",
]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


class BoardWatcher(threading.Thread):
    """Reads the board's event stream; remembers when each (name, prompt) answer was first shown."""

    def __init__(self, client: Client, url: str):
        super().__init__(daemon=True)
        self.stream = client.opener.open(urllib.request.Request(url), timeout=600)
        self.seen = {}
        self.events = self.bytes = 0
        self.last = {}
        self.lock = threading.Lock()

    def run(self):
        try:
            for raw in self.stream:
                line = raw.decode("utf-8").strip()
                if not line.startswith("data: "):
                    continue
                now, data = time.monotonic(), json.loads(line[6:])
                with self.lock:
                    self.events += 1
                    self.bytes += len(raw)
                    self.last = data
                    for p in data["prompts"]:
                        for a in p["answers"]:
                            self.seen.setdefault((a["name"], p["number"]), now)
        except Exception:  # noqa: BLE001 - the stream is closed at the end
            pass


def trainee(server, code, name, task, results, errors):
    try:
        client, status, body = join(server, code, name)
        if status != 200:
            raise RuntimeError(f"join {status} {body}")
        token = client.csrf_from(f"/class/written/{task}")
        for number, text in enumerate(ANSWERS, start=1):
            t0 = time.monotonic()
            status, _, raw = client.request("POST", f"/class/api/written/{task}/answer",
                                            json_body={"prompt": number, "text": text},
                                            headers={"X-CSRF-Token": token})
            done = time.monotonic()
            if status != 200:
                raise RuntimeError(f"answer {status} {raw[:200]}")
            results.append((name, number, done - t0, done))
    except Exception as error:  # noqa: BLE001 - counted and printed
        errors.append(f"{name}: {error}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trainees", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = WebServer(Path(tmp))
        login = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default"))
        server.start()
        try:
            coach = Client(server.url)
            coach.login(login.group(1), login.group(2))
            klass = create_class(coach, "压测书面班")
            token = coach.csrf_from(klass["path"])
            _, headers, _ = coach.request("POST", klass["path"] + "/written",
                                          form={"csrf_token": token, "exercise": "objections_agree", "group": "0"})
            task = headers["location"].rsplit("/", 1)[1]
            # warm the grader once (the first grade loads the reading and the scorer)
            warm, _, _ = join(server, klass["code"], "预热")
            t0 = time.monotonic()
            warm.request("POST", f"/class/api/written/{task}/answer", json_body={"prompt": 1, "text": ANSWERS[0]},
                         headers={"X-CSRF-Token": warm.csrf_from(f"/class/written/{task}")})
            print(f"first grade (loads the scorer): {time.monotonic() - t0:.1f} s")
            watcher = BoardWatcher(coach, f"{server.url}{klass['path']}/written/{task}/events")
            watcher.start()
            results, errors = [], []
            names = [f"学员{i:02d}" for i in range(args.trainees)]
            threads = [threading.Thread(target=trainee, args=(server, klass["code"], n, task, results, errors))
                       for n in names]
            start = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.monotonic() - start
            time.sleep(3)  # the board's last look
            with watcher.lock:
                lags = [watcher.seen[(n, p)] - done for n, p, _, done in results if (n, p) in watcher.seen]
                missing = [(n, p) for n, p, _, _ in results if (n, p) not in watcher.seen]
                last = watcher.last
            latencies = [r[2] for r in results]
            print(f"trainees: {args.trainees}, answers each: {len(ANSWERS)}, wall time: {wall:.1f} s")
            print(f"answers: {len(results)}, latency median {statistics.median(latencies):.2f} s, "
                  f"p95 {percentile(latencies, 0.95):.2f} s, max {max(latencies):.2f} s")
            print(f"board lag (graded -> board event): n={len(lags)}, median {statistics.median(lags):.2f} s, "
                  f"p95 {percentile(lags, 0.95):.2f} s, max {max(lags):.2f} s; never shown: {len(missing)}")
            print(f"board events: {watcher.events}, bytes: {watcher.bytes}; "
                  f"answered on the board: {last.get('answered')}/{last.get('members')}")
            print(f"errors: {len(errors)}")
            for error in errors[:10]:
                print("  ", error)
            ok = not errors and not missing and lags and max(lags) <= 2.0
            print("RESULT:", "board within 2 s, no errors" if ok else "NOT within target")
            return 0 if ok else 1
        finally:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
