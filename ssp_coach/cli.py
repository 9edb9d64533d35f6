"""`ssp-coach`: a thin dispatcher over the domain package. Subcommands: score, evaluate, agreement, bench, grade."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

from .codes import CUSTOMER_TYPES, STAGES

OPTIONAL_FIELDS = {"context": str, "stage": str, "customer_type": str}


def _validate(obj: Any) -> Optional[str]:
    """Why a JSON Lines request cannot be scored, or None when it is fine."""
    if not isinstance(obj, dict):
        return "each line must be a JSON object"
    reply = obj.get("reply")
    if not isinstance(reply, str):
        return "'reply' must be a string" if "reply" in obj else "missing 'reply'"
    if not reply.strip():
        return "'reply' is empty"
    for key, kind in OPTIONAL_FIELDS.items():
        if obj.get(key) is not None and not isinstance(obj[key], kind):
            return f"'{key}' must be a string"
    if obj.get("stage") is not None and obj["stage"] not in STAGES:
        return f"'stage' must be one of {list(STAGES)}"
    if obj.get("customer_type") is not None and obj["customer_type"] not in CUSTOMER_TYPES:
        return f"'customer_type' must be one of {list(CUSTOMER_TYPES)}"
    return None


def _score_stream(stdin, stdout) -> None:
    from .scoring import score_reply

    for line in stdin:
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            out: Dict[str, Any] = {"error": f"invalid JSON: {e}"}
        else:
            problem = _validate(obj)
            if problem:
                out = {"error": problem}
            else:
                try:
                    out = score_reply(obj["reply"], obj.get("context"), obj.get("stage"), obj.get("customer_type"))
                except Exception as e:  # noqa: BLE001 - deliberate: one bad line must not stop the stream
                    out = {"error": f"scoring failed: {e}"}
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()


def _table(result: Dict[str, Any]) -> str:
    lines = [f"得分 score: {result['score']}", f"话术 techniques: {', '.join(result['techniques']) or '—'}"]
    for code, p in result["patterns"].items():
        extra = p.get("form") or p.get("style") or ""
        lines.append(
            f"  {code:<11} 有 {'+'.join(p['parts_present']) or '—'}  缺 {'+'.join(p['parts_missing']) or '—'}"
            f"  quality {p['quality']:.2f} {extra}"
        )
    fbi = result["fbi"]
    lines.append("FBI: " + " ".join(f"{k}={'✓' if fbi.get(k) else '✗'}" for k in ("feature", "benefit", "impact")))
    q, o = result["question"], result["objection"]
    lines.append(
        f"提问 question: {q.get('kind') or '—'}  probe: {q.get('probe') or '—'}"
        f"  TMD: {','.join(q.get('tmd') or []) or '—'}"
        f"  异议 objection: steps {o.get('steps') or '—'} {o.get('technique') or ''}"
        f"  成交 closing: {result['closing'].get('technique') or '—'}"
    )
    if result["anti_patterns"]:
        lines.append("反模式 anti-patterns: " + ", ".join(result["anti_patterns"]))
    lines.append("证据 evidence:")
    for e in result["evidence"]:
        lines.append(f"  [{e['start']:>3},{e['end']:>3}) {e['label']}.{e['part']}: {e['text']}")
    if result["missing"]:
        lines.append("缺少 missing:")
        for m in result["missing"]:
            lines.append(f"  {m['label']}.{m['part']}: {m['message']}")
    lines.append("计分 breakdown: " + ", ".join(f"{b['item']} {b['points']:+g}" for b in result["breakdown"]))
    lines.append("反馈 feedback:\n" + result["feedback"])
    return "\n".join(lines)


def cmd_score(args) -> int:
    if args.text is None:
        _score_stream(sys.stdin, sys.stdout)
        return 0
    from .scoring import score_reply

    print(_table(score_reply(args.text, args.context, args.stage, args.customer_type)))
    return 0


def cmd_evaluate(args) -> int:
    """Cross-validation on the training side by default; a frozen set only when asked, never with errors."""
    from .evaluate.patterns import errors, format_report, report
    from .evaluate.skills import evaluate_skills

    if args.tune:
        from .evaluate.cv import tune_thresholds

        print(
            f"{'threshold_key':>14}{'threshold_sure':>15}{'macro-F1':>10}{'neg. FP':>9}   (grouped CV, training side)"
        )
        for t_key, t_sure, f1, fp in sorted(tune_thresholds(), key=lambda g: (-(g[2] - max(0.0, g[3] - 0.05)), g[0])):
            print(f"{t_key:>14.2f}{t_sure:>15.2f}{f1:>10.3f}{fp:>9.3f}")
        return 0
    if args.writers and args.frozen:
        print("--writers is refused with --frozen: it selects training writers")
        return 2
    writers = _training_writers(args.writers) if args.writers else None
    if writers is None and args.writers:
        return 2
    if args.frozen:
        from .learn.corpus import load_frozen
        from .scoring import score_reply

        items = load_frozen(args.frozen)
        results = [score_reply(it.reply, it.context, it.stage, it.customer_type) for it in items]
        rep = report(items, results, f"frozen: {args.frozen}")
        skills = evaluate_skills("test") if args.frozen == "test" else None
    elif args.by_writer:
        from .evaluate.cv import leave_one_writer_out

        items, results = leave_one_writer_out()
        rep = report(items, results, "training side, leave-one-writer-out (independent writers' items only)")
        skills = None
    else:
        from .evaluate.cv import FOLDS, cross_validate

        items, results = cross_validate()
        rep = report(items, results, f"training side, grouped {FOLDS}-fold cross-validation")
        skills = evaluate_skills("train")
    if writers:
        kept = [(it, r) for it, r in zip(items, results) if it.group in writers]
        items, results = [it for it, _ in kept], [r for _, r in kept]
        rep = report(items, results, f"{rep['set']}; writers: {', '.join(sorted(writers))}")
        skills = None
    if args.json:
        print(json.dumps({**rep, "skills": skills}, ensure_ascii=False, indent=1))
    else:
        print(format_report(rep, skills))
    if args.errors:
        if args.frozen:
            print("--errors is refused on a frozen set: its mistakes must not guide any change.")
            return 2
        for e in errors(items, results):
            print(f"  {e['id']}: gold={e['gold']} predicted={e['predicted']} {e['reply'][:60]}")
    return 0


def _training_writers(names: str):
    """The training writers named in `--writers` (comma-separated); None, with a message, if one is frozen or
    unknown: a frozen writer's figures must not be read while tuning."""
    from .learn.corpus import held_out_writers, load_writers

    wanted = {n.strip() for n in names.split(",") if n.strip()}
    frozen = wanted & set(held_out_writers())
    unknown = wanted - {it.group for it in load_writers(held_out=False)} - frozen
    if frozen or unknown:
        print(f"--writers takes training writers only (frozen: {sorted(frozen)}, unknown: {sorted(unknown)})")
        return None
    return wanted


def cmd_agreement(args) -> int:
    from .evaluate.agreement import agreement, format_agreement

    print("\n".join(format_agreement(agreement())))
    return 0


def cmd_bench(args) -> int:
    from .scoring.bench import run_bench

    r = run_bench(args.rounds)
    print(
        f"replies: {r['replies']}  median: {r['median_ms']:.2f} ms  p95: {r['p95_ms']:.2f} ms  "
        f"replies/s: {r['replies_per_second']:.0f}"
    )
    return 0


def cmd_grade(args) -> int:
    """Grade a sheet of written exercise answers; a bad row is reported and the rest still graded."""
    from .content import ContentError
    from .exercises import load_exercise_file, load_exercises
    from .exercises.batch import grade_sheet, summarise
    from .exercises.report import write_report, write_results_csv
    from .exercises.sheet import SheetError, read_sheet

    try:
        book = load_exercises()
        source = Path(args.exercise)
        if source.is_file():
            exercise = load_exercise_file(source)
        elif args.exercise in book.exercises:
            exercise = book.exercises[args.exercise]
        else:
            print(
                f"找不到练习“{args.exercise}”：既不是一个文件，也不是 content/exercises.yml 里的练习。", file=sys.stderr
            )
            return 2
        try:
            data = Path(args.answers).read_bytes()
        except OSError as e:
            print(f"无法读取答案表 {args.answers}：{e.strerror or e}", file=sys.stderr)
            return 2
        rows = read_sheet(data)
    except (ContentError, SheetError) as e:
        print(str(e), file=sys.stderr)
        return 2
    graded = grade_sheet(exercise, rows, book.messages)
    summary = summarise(exercise, graded)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, html_path = out / f"{exercise.id}_grades.csv", out / f"{exercise.id}_report.html"
    write_results_csv(csv_path, exercise, graded, summary)
    write_report(html_path, exercise, summary)
    for g in graded:
        if g.problem:
            print(g.problem, file=sys.stderr)
    print(
        f"{exercise.title}：评分 {summary.graded} 条答案，{len(summary.trainees)} 位学员，"
        f"{len(summary.rejected)} 行未评分；平均分 {summary.mean}，答案通过率 {summary.answer_pass_rate:.0%}"
    )
    print(f"结果表：{csv_path}\n报告：{html_path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ssp-coach", description="SSP sales-coaching tools")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("score", help="score replies: JSON Lines on stdin, or one --text as a table")
    p.add_argument("--text", help="one reply to score, printed as a readable table")
    p.add_argument("--context", help="the customer's line the reply answers")
    p.add_argument("--stage", choices=STAGES)
    p.add_argument("--customer-type", dest="customer_type", choices=CUSTOMER_TYPES)
    p.set_defaults(func=cmd_score)

    p = sub.add_parser(
        "evaluate", help="precision/recall/F1: cross-validation on the training side (default) or a frozen test set"
    )
    p.add_argument(
        "--frozen",
        choices=("test", "out_of_writer"),
        help="measure on a frozen set (report only: nothing may be tuned on it)",
    )
    p.add_argument("--errors", action="store_true", help="list the out-of-fold mistakes (training side only)")
    p.add_argument(
        "--tune",
        action="store_true",
        help="macro-F1 and negatives' false positives over a grid of detection thresholds, by grouped CV (best first)",
    )
    p.add_argument(
        "--by-writer",
        dest="by_writer",
        action="store_true",
        help="leave-one-writer-out on the training side: each independent writer scored by models that never saw them",
    )
    p.add_argument(
        "--writers",
        help="report only these training writers (comma-separated), e.g. the ones whose errors were not read",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("agreement", help="Cohen's kappa of the two annotators of the writers' corpus")
    p.set_defaults(func=cmd_agreement)
    p = sub.add_parser("bench", help="time per reply over the whole corpus")
    p.add_argument("--rounds", type=int, default=1)
    p.set_defaults(func=cmd_bench)
    p = sub.add_parser("grade", help="grade a sheet of written exercise answers: results CSV + printable HTML report")
    p.add_argument("exercise", help="a YAML file with one exercise, or an exercise id of content/exercises.yml")
    p.add_argument("answers", help="CSV with columns 姓名/name, 题号/prompt, 答案/answer (UTF-8 or GBK)")
    p.add_argument("--out", default=".", help="directory for <id>_grades.csv and <id>_report.html (default: .)")
    p.set_defaults(func=cmd_grade)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
