"""The real `ssp-coach` console script, run as a subprocess (the integration contract)."""
import json
import os
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "ssp-coach"


# Grouped cross-validation refits the three models five times on the whole training side: about three minutes
# with 30 writers on a slow day for this machine, so it gets more time than the other commands.
CV_SECONDS = 900


def run(args, stdin="", timeout=180):
    assert SCRIPT.exists(), f"console script missing: {SCRIPT}"
    return subprocess.run([str(SCRIPT), *args], input=stdin, capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def test_score_jsonl_one_output_line_per_input_line_and_errors_do_not_stop_the_stream():
    lines = [
        json.dumps({"reply": "您说的很有道理，我理解您的顾虑。其实这款车有五年质保，您觉得呢？", "context": "质量靠谱吗？",
                    "stage": "presentation", "customer_type": "analytical"}, ensure_ascii=False),
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"context": "no reply"}),
        json.dumps({"reply": ""}),
        json.dumps({"reply": 42}),
        json.dumps({"reply": "好的", "stage": 3}),
        json.dumps({"reply": "好的", "customer_type": "grumpy"}),
        json.dumps({"reply": "您平時開車主要是上下班，還是週末出去玩比較多呢？"}, ensure_ascii=False),
    ]
    proc = run(["score"], "\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(l) for l in proc.stdout.splitlines()]
    assert len(out) == len(lines)
    first = out[0]
    assert {"techniques", "fbi", "score", "evidence", "missing", "feedback"} <= set(first)
    assert "agree" in first["techniques"] and set(first["fbi"]) >= {"feature", "benefit", "impact"}
    for bad in out[1:8]:
        assert set(bad) == {"error"} and bad["error"]
    assert "guide" in out[8]["techniques"]
    assert "平時" in proc.stdout or "feedback" in out[8]  # UTF-8 output, not \u escapes
    assert "\\u" not in proc.stdout


def test_score_text_prints_a_readable_table():
    proc = run(["score", "--text", "您真有眼光，这个深蓝色是今年的限定色。", "--context", "我要这个深蓝色。",
                "--stage", "presentation", "--customer-type", "social"])
    assert proc.returncode == 0, proc.stderr
    assert "得分 score:" in proc.stdout and "praise" in proc.stdout and "真有眼光" in proc.stdout
    assert "反馈 feedback:" in proc.stdout


def test_evaluate_defaults_to_grouped_cross_validation_on_the_training_side():
    proc = run(["evaluate"], timeout=CV_SECONDS)
    assert proc.returncode == 0, proc.stderr
    assert "cross-validation" in proc.stdout and "frozen" not in proc.stdout.splitlines()[0]
    for label in ("agree", "praise", "guide", "narrate", "rhetorical", "commit", "fbi.feature", "fbi.impact",
                  "macro F1", "question.open", "anti.pressure"):
        assert label in proc.stdout
    assert "with a false technique" in proc.stdout and "95% CI" in proc.stdout


def test_evaluate_errors_lists_out_of_fold_mistakes_on_the_training_side_only():
    proc = run(["evaluate", "--errors"], timeout=CV_SECONDS)
    assert proc.returncode == 0, proc.stderr
    assert "cross-validation" in proc.stdout and "gold=" in proc.stdout and "predicted=" in proc.stdout


def test_evaluate_a_frozen_set_only_when_asked_and_never_with_errors():
    proc = run(["evaluate", "--frozen", "out_of_writer", "--json"])
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["set"] == "frozen: out_of_writer"
    refused = run(["evaluate", "--frozen", "test", "--errors"])
    assert refused.returncode == 2
    assert "refused" in refused.stdout + refused.stderr and "gold=" not in refused.stdout


def test_evaluate_reports_chosen_training_writers_and_refuses_frozen_ones():
    proc = run(["evaluate", "--writers", "traditional,novice_trainee", "--json"])
    assert proc.returncode == 0, proc.stderr
    rep = json.loads(proc.stdout)
    assert rep["set"].endswith("writers: novice_trainee, traditional")
    assert rep["trust_breaker_items"] == 210 and "pressure" in rep["trust_breakers"]
    for refused in (["--writers", "pushy_floor"], ["--writers", "nobody"],
                    ["--frozen", "test", "--writers", "traditional"]):
        proc = run(["evaluate", *refused])
        assert proc.returncode == 2 and "--writers" in proc.stdout and "anti." not in proc.stdout


def test_the_split_option_is_gone():
    proc = run(["evaluate", "--split", "test"])
    assert proc.returncode == 2 and "--split" in proc.stderr


def test_bench_prints_median_p95_and_throughput():
    proc = run(["bench"])
    assert proc.returncode == 0, proc.stderr
    assert "median:" in proc.stdout and "p95:" in proc.stdout and "replies/s:" in proc.stdout


def test_score_output_is_flushed_per_line_while_stdin_stays_open():
    proc = subprocess.Popen([str(SCRIPT), "score"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    try:
        proc.stdin.write(json.dumps({"reply": "您看这样好吗？我先带您去试驾。"}, ensure_ascii=False) + "\n")
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())  # would block forever if output were buffered
        assert "score" in first
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
    assert proc.returncode == 0
