"""Grading speed of the written group exercises: a class of trainees answering every prompt of every
exercise (answers drawn from a small set of our own sentences per exercise), graded one by one as the
classroom would, then as one batch through the sheet grader. Prints the figures.

    .venv/bin/python bench/exercise_grading.py [--trainees 30]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ssp_coach.exercises import grade_answer, load_exercises  # noqa: E402
from ssp_coach.exercises.batch import grade_sheet, summarise  # noqa: E402
from ssp_coach.exercises.sheet import SheetRow  # noqa: E402

ANSWERS = {
    "objections_agree": [
        "您的顾虑我理解，其实这个价格里包含了五年保养，算下来很划算。",
        "您说的很有道理，我们可以再看看配置。",
        "那是您不懂行情。",
    ],
    "usp_fbi": [
        "这台车有全景天窗，后排采光好，孩子坐长途也开心。",
        "这车配置很高。",
        "它的质保是五年，修车不用花钱，您用起来安心。",
    ],
    "needs_guide": ["您平时主要在哪些路况下开车呢？", "您要不要看看这台？", "您家里一般是谁开车比较多？"],
    "praise_customer": [
        "您对参数这么熟，真是行家，我最佩服做足功课的客户。",
        "好的。",
        "您真有眼光，这是我们卖得最好的车。",
    ],
    "overview_commit": ["我先花几分钟了解您的需求，再带您看车，您看这样好吗？", "您随便看。", "先聊聊再看车，可以吗？"],
    "moments_of_truth": [
        "来电、到店迎接、试驾、交车都是真实一刻，要主动提前准备。",
        "要热情。",
        "交车时送鲜花合影，三天内回访。",
    ],
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trainees", type=int, default=30)
    args = parser.parse_args()
    book = load_exercises()
    start = time.perf_counter()
    for ex_id in book.exercises:  # the first answers load the pipeline, cue lists and models once
        grade_answer(ex_id, 0, ANSWERS[ex_id][0])
    print(f"first answer of each exercise (loading included): {time.perf_counter() - start:.2f} s")
    timings = []
    passed = total = 0
    for ex_id, exercise in book.exercises.items():
        pool = ANSWERS[ex_id]
        for t in range(args.trainees):
            for i in range(len(exercise.prompts)):
                start = time.perf_counter()
                g = grade_answer(ex_id, i, pool[(t + i) % len(pool)])
                timings.append((time.perf_counter() - start) * 1000)
                passed += g.passed
                total += 1
    timings.sort()
    print(
        f"answers graded one by one: {total}  median: {statistics.median(timings):.1f} ms  "
        f"p95: {timings[int(0.95 * (len(timings) - 1))]:.1f} ms  max: {timings[-1]:.1f} ms  passed: {passed}"
    )
    exercise = book.exercises["objections_agree"]
    rows = [
        SheetRow(2 + n, f"学员{n // 3 + 1}", str(n % 3 + 1), ANSWERS["objections_agree"][n % 3])
        for n in range(args.trainees * 3)
    ]
    start = time.perf_counter()
    summary = summarise(exercise, grade_sheet(exercise, rows, book.messages))
    seconds = time.perf_counter() - start
    print(
        f"sheet of {len(rows)} rows ({args.trainees} trainees x 3 prompts): {seconds:.2f} s  "
        f"class mean {summary.mean}  answer pass rate {summary.answer_pass_rate:.0%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
