"""Speed of score_reply over the whole corpus: one process, pipeline and model loaded once (warm-up excluded)."""

import statistics
import time
from typing import Dict

from ..learn.corpus import load_corpus
from .engine import score_reply


def run_bench(rounds: int = 1) -> Dict[str, float]:
    items = load_corpus("train") + load_corpus("test")
    for it in items[:20]:  # warm-up: loads spaCy/jieba, phrase lists and the classifier
        score_reply(it.reply, it.context, it.stage, it.customer_type)
    times = []
    start = time.perf_counter()
    for _ in range(rounds):
        for it in items:
            t0 = time.perf_counter()
            score_reply(it.reply, it.context, it.stage, it.customer_type)
            times.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    times.sort()
    return {
        "replies": len(times),
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))] * 1000,
        "replies_per_second": len(times) / total,
    }
