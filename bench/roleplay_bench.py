"""Benchmark: turn latency of scripted role-plays at 1/10/30 concurrent trainees over REST, time from
`make run` to ready, `rasa train` time, and resident memory of Rasa and the action server.

    .venv/bin/python bench/roleplay_bench.py [--train] [--levels 1,10,30] [--rounds 2]
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

from stack import ServerStack, free_port  # noqa: E402

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


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def trainee(stack, latencies, errors, rounds):
    for _ in range(rounds):
        sender = f"bench-{uuid.uuid4().hex[:10]}"
        stack.say(sender, '/start_roleplay{"customer_type":"random","scenario":"full_visit","mode":"practice"}')
        for line in SCRIPT:
            t0 = time.perf_counter()
            try:
                reply = stack.say(sender, line, metadata={"trainee": "bench"})
                if not reply:
                    errors.append("empty reply")
            except Exception as e:  # a failed turn is counted, not hidden
                errors.append(repr(e))
            latencies.append((time.perf_counter() - t0) * 1000)


def latency_level(stack, concurrency, rounds):
    latencies, errors = [], []
    threads = [threading.Thread(target=trainee, args=(stack, latencies, errors, rounds))
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,10,30")
    parser.add_argument("--rounds", type=int, default=2, help="scripted role-plays per trainee")
    parser.add_argument("--train", action="store_true", help="also time a full `rasa train`")
    args = parser.parse_args()

    if args.train:
        print(f"rasa train: {train_time():.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        stack = ServerStack(Path(tmp))
        stack.start_actions()
        stack.start_rasa()
        try:
            stack.say("warm-up", '/start_roleplay{"customer_type":"social","scenario":"needs","mode":"practice"}')
            stack.say("warm-up", SCRIPT[0])
            print(f"{'trainees':>8} {'turns':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'turns/s':>8}")
            for level in (int(x) for x in args.levels.split(",")):
                r = latency_level(stack, level, args.rounds)
                print(f"{r['concurrency']:>8} {r['turns']:>6} {r['errors']:>6} {r['p50_ms']:>8.0f} "
                      f"{r['p95_ms']:>8.0f} {r['turns_per_s']:>8.1f}")
            rasa, actions = rss_mb(stack.procs["rasa"].pid), rss_mb(stack.procs["actions"].pid)
            print(f"resident memory: Rasa {rasa:.0f} MB, action server {actions:.0f} MB, "
                  f"together {rasa + actions:.0f} MB")
        finally:
            stack.stop_all()
    ready = time_to_ready()
    print(f"make run -> ready: {ready:.1f} s" if ready else "make run did not become ready")


if __name__ == "__main__":
    main()
