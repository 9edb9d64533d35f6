"""Parse latency of a trained Rasa NLU model: p50/p95 over held-out sentences (sequential, one process).

Usage: .venv/bin/python bench/nlu_latency.py [model.tar.gz] [rounds]
(default model: $SSP_RASA_MODEL, else the newest models/*.tar.gz; default 5 rounds)
"""
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from rasa.core.agent import Agent

    from tests.test_nlu import HELD_OUT, _model_path

    path = Path(sys.argv[1]) if len(sys.argv) > 1 else _model_path()
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    os.chdir(ROOT)
    agent = Agent.load(str(path))
    loop = asyncio.new_event_loop()
    texts = [t for t, _ in HELD_OUT]
    loop.run_until_complete(agent.parse_message(texts[0]))  # warm-up
    times, correct = [], 0
    for _ in range(rounds):
        for text, expected in HELD_OUT:
            start = time.perf_counter()
            result = loop.run_until_complete(agent.parse_message(text))
            times.append((time.perf_counter() - start) * 1000)
            correct += result["intent"]["name"] == expected
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"model {path.name}: {len(times)} parses, p50 {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms; held-out accuracy {correct / len(times):.3f}")


if __name__ == "__main__":
    main()
