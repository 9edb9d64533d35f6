"""Benchmark: turn latency of scripted role-plays at 1/10/30 concurrent trainees over REST, time from
`make run` to ready, `rasa train` time, and resident memory of Rasa and the action server; and, in
the same run, the same REST client against a plain `rasa init` bot trained in a temporary folder
(moodbot, no action server, in-memory tracker), with the ratio product/plain.

    .venv/bin/python bench/roleplay_bench.py [--train] [--levels 1,10,30] [--rounds 1] [--no-plain]

Each simulated trainee runs `--rounds` sessions of 9 requests one after another (the product:
`/start_roleplay` and 8 trainee lines; the plain bot: 9 moodbot lines); every request is timed.
The two bots are loaded one after the other, never at the same time.
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from stack import ServerStack, free_port, http_json, trained_model  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from scaled_run import ScaledRun  # noqa: E402

START = '/start_roleplay{"customer_type":"random","scenario":"full_visit","mode":"practice"}'

SCRIPT = [
    "您好，欢迎光临，我是销售顾问小王，请问怎么称呼您？",
    "王先生，今天想先跟您聊几分钟您的用车需求，再带您看车，大概二十分钟，您看可以吗？",
    "您平时用车主要是上下班还是周末带家人出去玩？",
    "您说得很有道理，空间确实很重要。这款车轴距2850毫米，后排腿部空间很宽敞，全家出游不挤，您觉得呢？",
    "预算方面您大概考虑在什么范围？",
    "您看周末方便来试驾一下吗？",
    "这款车现在落地价十六万八，包含三年保养。",
    "我理解您觉得贵，您主要是和哪款车在比较呢？",
]
# The plain `rasa init` bot's session: 9 lines its stories and rules answer.
PLAIN_SCRIPT = ["hello", "I am very sad", "yes", "hi there", "I am feeling great", "are you a bot?",
                "good morning", "my day was terrible", "bye"]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def trainee(say, script, latencies, errors, rounds, need_reply=True):
    """One simulated trainee: `rounds` sessions of `script`, each request timed."""
    for _ in range(rounds):
        sender = f"bench-{uuid.uuid4().hex[:10]}"
        for line in script:
            t0 = time.perf_counter()
            try:
                reply = say(sender, line)
                if need_reply and not reply:
                    errors.append("empty reply")
            except Exception as e:  # a failed turn is counted, not hidden
                errors.append(repr(e))
            latencies.append((time.perf_counter() - t0) * 1000)


def latency_level(say, script, concurrency, rounds, need_reply=True):
    latencies, errors = [], []
    threads = [threading.Thread(target=trainee, args=(say, script, latencies, errors, rounds, need_reply))
               for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "concurrency": concurrency, "turns": len(latencies), "errors": len(errors),
        "p50_ms": statistics.median(latencies), "p95_ms": percentile(latencies, 0.95),
        "turns_per_s": len(latencies) / wall,
    }


HEADER = f"{'trainees':>8} {'turns':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'turns/s':>8}"


def row(r):
    return (f"{r['concurrency']:>8} {r['turns']:>6} {r['errors']:>6} {r['p50_ms']:>8.0f} "
            f"{r['p95_ms']:>8.0f} {r['turns_per_s']:>8.1f}")


def run_levels(label, say, script, levels, rounds, need_reply=True):
    print(f"-- {label}")
    print(HEADER)
    results = []
    for level in levels:
        r = latency_level(say, script, level, rounds, need_reply)
        print(row(r), flush=True)
        results.append(r)
    return results


def rss_mb(pid):
    """Resident memory of a process and its children, from /proc (MB)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        status = Path(f"/proc/{p}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def time_to_ready():
    """Seconds from `make run` (scripts/run.sh) to its 'ready' line, with a trained model."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, SSP_DATA_DIR=tmp, SSP_RASA_PORT=str(free_port()),
                   SSP_ACTION_PORT=str(free_port()), SSP_WEB_PORT=str(free_port()))
        t0 = time.perf_counter()
        proc = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
        ready = None
        for line in proc.stdout:
            if "ssp-coach is ready" in line:
                ready = time.perf_counter() - t0
                break
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=60)
        return ready


def train_time():
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run([str(ROOT / ".venv/bin/rasa"), "train", "--out", tmp], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - t0


def wait_http(proc, url, seconds, log):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"plain bot exited early; log: {log}")
        try:
            http_json(url, timeout=2)
            return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError(f"plain bot not ready after {seconds} s; log: {log}")


class PlainBot:
    """`rasa init --no-prompt` (trains the moodbot) in a temporary folder, then `rasa run` on it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
        self.proc = None
        self.url = None

    def init_and_train(self):
        self.folder.mkdir(parents=True)  # `rasa init --no-prompt` wants the folder to exist
        t0 = time.perf_counter()
        with open(self.folder.parent / "plain-init.log", "wb") as log:
            subprocess.run([str(ROOT / ".venv/bin/rasa"), "init", "--no-prompt", "--init-dir", str(self.folder)],
                           cwd=self.folder, env=self.env, check=True, stdout=log, stderr=subprocess.STDOUT)
        if not list((self.folder / "models").glob("*.tar.gz")):
            raise RuntimeError("rasa init did not train a model")
        return time.perf_counter() - t0

    def start(self):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        log_path = self.folder.parent / "plain-run.log"
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/rasa"), "run", "--enable-api", "-m", "models", "-i", "127.0.0.1",
             "-p", str(port)], cwd=self.folder, env=self.env, stdout=open(log_path, "wb"),
            stderr=subprocess.STDOUT)
        wait_http(self.proc, f"{self.url}/status", 240, log_path)
        return time.perf_counter() - t0

    def say(self, sender, text):
        return http_json(f"{self.url}/webhooks/rest/webhook", {"sender": sender, "message": text})

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default=os.environ.get("SSP_BENCH_LEVELS", "1,10,30"),
                        help="concurrent trainees, comma-separated (env SSP_BENCH_LEVELS)")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("SSP_BENCH_ROUNDS", "1")),
                        help="scripted sessions per trainee (env SSP_BENCH_ROUNDS)")
    parser.add_argument("--train", action="store_true", help="also time a full `rasa train`")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain `rasa init` bot")
    parser.add_argument("--no-make-run", action="store_true", help="skip timing `make run` to ready")
    parser.add_argument("--replicas", type=int, default=int(os.environ.get("SSP_BENCH_REPLICAS", os.cpu_count() or 2)),
                        help="scaled-out run: Rasa replicas behind HAProxy (0: skip it; env SSP_BENCH_REPLICAS)")
    parser.add_argument("--action-servers", type=int, default=int(os.environ.get("SSP_BENCH_ACTION_SERVERS", "1")),
                        help="scaled-out run: action servers (env SSP_BENCH_ACTION_SERVERS)")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    product_script = [START] + SCRIPT
    started, memory = {}, {}

    if args.train:
        print(f"rasa train: {train_time():.1f} s", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        plain = None
        if not args.no_plain:
            plain = PlainBot(Path(tmp) / "plainbot")
            print(f"plain bot: rasa init --no-prompt (creates and trains): {plain.init_and_train():.1f} s",
                  flush=True)
        stack = ServerStack(Path(tmp) / "product")
        try:
            t0 = time.perf_counter()
            stack.start_actions()
            started["product action server"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            stack.start_rasa()
            started["product Rasa"] = time.perf_counter() - t0
            say = lambda sender, text: stack.say(sender, text, metadata={"trainee": "bench"})  # noqa: E731
            say("warm-up", product_script[0])
            say("warm-up", product_script[1])
            product = run_levels("ssp-coach, single process (Rasa + action server, SQLite tracker store)", say,
                                 product_script, levels, args.rounds)
            memory["product Rasa"] = rss_mb(stack.procs["rasa"].pid)
            memory["product action server"] = rss_mb(stack.procs["actions"].pid)
        finally:
            stack.stop_all()
        scaled = None
        if args.replicas > 0:
            run = ScaledRun(Path(tmp) / "scaled", trained_model(), args.replicas, args.action_servers)
            try:
                started[f"scaled run ({args.replicas} Rasa replicas, {args.action_servers} action server(s), "
                        "HAProxy, web app)"] = run.start()
                run.say("warm-up", product_script[0])
                run.say("warm-up", product_script[1])
                scaled = run_levels(f"ssp-coach, scaled out ({args.replicas} Rasa replicas + {args.action_servers} "
                                    "action server(s) behind HAProxy, PostgreSQL + Redis)", run.say,
                                    product_script, levels, args.rounds)
                sent = 2 + sum(r["turns"] - r["errors"] for r in scaled)
                stored = run.stored_user_messages()
                print(f"scaled run: messages answered {sent}, user events stored in PostgreSQL {stored}, "
                      f"lost {sent - stored}")
                memory.update({f"scaled: {k}": v for k, v in run.memory().items()})
            finally:
                run.stop()
        plain_results = None
        if plain:
            try:
                started["plain Rasa (rasa init bot)"] = plain.start()
                plain.say("warm-up", PLAIN_SCRIPT[0])
                plain_results = run_levels("plain `rasa init` bot (moodbot, in-memory tracker, no actions)",
                                           plain.say, PLAIN_SCRIPT, levels, args.rounds, need_reply=False)
                memory["plain Rasa (rasa init bot)"] = rss_mb(plain.proc.pid)
            finally:
                plain.stop()
    if plain_results:
        print("-- ratio product / plain (turns/s: higher is better for the product; p95: lower is)")
        print(f"{'trainees':>8} {'turns/s':>8} {'p50':>6} {'p95':>6}")
        for p, q in zip(product, plain_results):
            print(f"{p['concurrency']:>8} {p['turns_per_s'] / q['turns_per_s']:>7.2f}x "
                  f"{p['p50_ms'] / q['p50_ms']:>5.2f}x {p['p95_ms'] / q['p95_ms']:>5.2f}x")
    if scaled:
        print("-- ratio scaled out / single process")
        print(f"{'trainees':>8} {'turns/s':>8} {'p50':>6} {'p95':>6}")
        for p, q in zip(scaled, product):
            print(f"{p['concurrency']:>8} {p['turns_per_s'] / q['turns_per_s']:>7.2f}x "
                  f"{p['p50_ms'] / q['p50_ms']:>5.2f}x {p['p95_ms'] / q['p95_ms']:>5.2f}x")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, seconds in started.items():
        print(f"start -> ready: {name} {seconds:.1f} s")
    for name, mb in memory.items():
        print(f"resident memory (after the load): {name} {mb:.0f} MB")
    if not args.no_make_run:
        ready = time_to_ready()
        print(f"make run -> ready: {ready:.1f} s" if ready else "make run did not become ready")


if __name__ == "__main__":
    main()
