"""`ssp-coach grade EXERCISE ANSWERS.csv`: the real console script on sheets saved the ways Excel saves them
(GBK, UTF-8 with BOM, UTF-16 text), checked through the results CSV and the HTML report it writes."""
import csv
import html
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ssp_coach.exercises.sheet import SheetError, read_sheet

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "ssp-coach"

GOOD_1 = "您觉得价格有点高，我理解，谁都希望买得划算；其实这个价里已经含了三年的免费保养，平摊下来每个月花得并不多。"
GOOD_2 = "您想回去再琢磨一下，那没关系，买车确实是件大事；其实这周的试驾礼到周日截止，我先把报价单给您打印好。"
GOOD_3 = "您说隔壁便宜一万多，这个情况我理解，价格确实要比；不过我们这台多了全景影像和座椅通风，同样的钱配置更全。"
PRAISE = "您拿隔壁的车来比，说明您做足了功课，真有眼光。"
RUDE = "嫌贵就别买，<script>alert(1)</script>"


def run(*args):
    assert SCRIPT.exists(), f"console script missing: {SCRIPT}"
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def sheet(rows, header=("姓名", "题号", "答案"), delimiter=","):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def results(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


CLASS_ROWS = [
    ("张三", "1", GOOD_1),
    ("张三", "2", GOOD_2),
    ("张三", "3", GOOD_3),
    ("李四", "1", RUDE),
    ("李四", "3", PRAISE),
    ("", "1", "没有署名的一行"),
    ("王五", "7", GOOD_1),
    ("王五", "二", GOOD_1),
    ("赵六", "１", "The price is fair."),
]


def test_gbk_sheet_is_graded_into_csv_and_html(tmp_path):
    answers = tmp_path / "answers.csv"
    answers.write_bytes(sheet(CLASS_ROWS).encode("gbk"))
    proc = run("grade", "objections_agree", answers, "--out", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert "第7行：缺少姓名" in proc.stderr and "第8行：没有第7题" in proc.stderr and "第9行：题号“二”不是数字" in proc.stderr

    rows = results(tmp_path / "out" / "objections_agree_grades.csv")
    assert list(rows[0])[:7] == ["行号", "姓名", "题号", "题目", "答案", "得分", "是否通过"]
    assert len(rows) == len(CLASS_ROWS)
    by_line = {r["行号"]: r for r in rows}
    assert by_line["2"]["是否通过"] == "通过" and int(by_line["2"]["得分"]) >= 90
    assert by_line["2"]["题目"] == "客户：“你们这车价格太贵了。”" and "认同法" in by_line["2"]["用到的话术"]
    assert all(by_line[n]["是否通过"] == "通过" for n in ("2", "3", "4"))
    assert by_line["5"]["是否通过"] == "未通过" and "信任" in by_line["5"]["反馈"]
    assert by_line["6"]["是否通过"] == "未通过" and "赞美法" in by_line["6"]["反馈"]
    assert by_line["7"]["是否通过"] == "未评分" and "缺少姓名" in by_line["7"]["说明"]
    assert by_line["8"]["是否通过"] == "未评分" and by_line["9"]["是否通过"] == "未评分"
    assert by_line["10"]["题号"] == "1" and by_line["10"]["得分"] == "0" and "中文" in by_line["10"]["反馈"]
    zhang = [int(by_line[n]["得分"]) for n in ("2", "3", "4")]
    assert by_line["2"]["个人总分"] == str(round(sum(zhang) / 3))
    li = round((int(by_line["5"]["得分"]) + 0 + int(by_line["6"]["得分"])) / 3)  # prompt 2 unanswered: 0
    assert by_line["5"]["个人总分"] == str(li)

    page = (tmp_path / "out" / "objections_agree_report.html").read_text(encoding="utf-8")
    assert "<script>" not in page and html.escape("<script>alert(1)</script>") in page  # autoescaped
    assert "用认同法回应常见抗拒" in page and "objections_agree" not in page  # no internal ids shown
    for name in ("张三", "李四", "赵六"):
        assert name in page
    mean = round((round(sum(zhang) / 3) + li + 0) / 3, 1)
    assert re.search(rf"<th>平均分</th><td class=\"num\">{mean}</td>", page)
    assert re.search(r"<th>学员人数</th><td class=\"num\">3</td>", page)
    assert re.search(r"<th>答案通过率</th><td class=\"num\">50%</td>", page)  # 3 of 6 graded answers
    assert "未作答（按 0 分计）" in page and "第8行：没有第7题" in page
    buckets = dict(re.findall(r"<tr><td>(\d+-\d+)</td><td class=\"num\">(\d+)</td>", page))
    assert sum(map(int, buckets.values())) == 3 and buckets["0-59"] == str(1 + (li < 60) + (round(sum(zhang) / 3) < 60))
    assert "评分 6 条答案，3 位学员，3 行未评分" in proc.stdout


def test_utf8_bom_english_headers_and_an_exercise_file(tmp_path):
    exercise = tmp_path / "praise.yml"
    exercise.write_text(
        "id: praise_drive\ntitle: 试驾后赞美客户\ninstructions: 客户刚试驾回来，用赞美法称赞他。\nstage: test_drive\n"
        "prompts:\n  - customer: 这车我开着还挺顺手的。\nrequires:\n  - technique: praise\npassing: {min_score: 50}\n",
        encoding="utf-8",
    )
    rows = [
        ("小王", "", "您刚才起步和过弯都特别平顺，真不简单，\n一看就是开了很多年车的老司机。"),  # one prompt: 题号 may be empty
        ("小刘", "1", "这车的油耗很低。"),
        ("小王", "1", "您开得又稳又顺，真不简单，换道前还会先看后视镜，这个习惯我最佩服。"),
    ]
    answers = tmp_path / "answers.csv"
    answers.write_bytes(b"\xef\xbb\xbf" + sheet(rows, header=("Name", " Prompt ", "ANSWER")).encode("utf-8"))
    proc = run("grade", exercise, answers, "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = results(tmp_path / "praise_drive_grades.csv")
    assert [r["姓名"] for r in out] == ["小王", "小刘", "小王"]
    assert out[0]["是否通过"] == "通过" and "\n" in out[0]["答案"]
    assert out[1]["是否通过"] == "未通过" and "赞美法" in out[1]["反馈"]
    assert "按后一行计分" in out[0]["说明"]  # answered twice: the later row counts
    assert out[2]["个人总分"] == out[2]["得分"]
    page = (tmp_path / "praise_drive_report.html").read_text(encoding="utf-8")
    assert "试驾后赞美客户" in page and "这车我开着还挺顺手的" in page


def test_excel_unicode_text_export_is_read(tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_bytes(sheet([("张三", "1", GOOD_1)], delimiter="\t").encode("utf-16"))
    proc = run("grade", "objections_agree", answers, "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert results(tmp_path / "objections_agree_grades.csv")[0]["是否通过"] == "通过"


def test_unusable_sheet_or_exercise_is_refused_with_a_chinese_message(tmp_path):
    answers = tmp_path / "answers.csv"
    answers.write_text("姓名,回答\n张三,您好\n", encoding="utf-8")
    proc = run("grade", "objections_agree", answers, "--out", tmp_path)
    assert proc.returncode == 2 and "答案表缺少列：题号、答案" in proc.stderr
    assert not (tmp_path / "objections_agree_grades.csv").exists()
    proc = run("grade", "no_such_exercise", answers, "--out", tmp_path)
    assert proc.returncode == 2 and "找不到练习“no_such_exercise”" in proc.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text("id: x\ntitle: 标题\n", encoding="utf-8")
    proc = run("grade", broken, answers, "--out", tmp_path)
    assert proc.returncode == 2 and "broken.yml(x): missing required field 'instructions'" in proc.stderr
    proc = run("grade", "objections_agree", tmp_path / "missing.csv", "--out", tmp_path)
    assert proc.returncode == 2 and "无法读取答案表" in proc.stderr


@pytest.mark.parametrize(
    "data, message",
    [(b"", "答案表是空的"), (b"\xff\xfe\x00\xd8", "UTF-16"), (b"\x81\x30\xff\xff,\n", "无法识别答案表的编码")],
)
def test_sheet_errors(data, message):
    with pytest.raises(SheetError, match=message):
        read_sheet(data)


def test_blank_rows_are_skipped_and_short_rows_read_as_empty_cells():
    rows = read_sheet("答案,姓名,题号\n\n,,\n您好,张三\n".encode("utf-8"))
    assert [(r.row, r.name, r.prompt, r.answer) for r in rows] == [(4, "张三", "", "您好")]


def test_answers_that_look_like_formulas_are_not_run_by_a_spreadsheet(tmp_path):
    answers = tmp_path / "answers.csv"
    answers.write_text(sheet([("=HYPERLINK(\"x\")", "1", "=1+1 您说得对"), ("张三", "1", "-5 万的优惠")]), encoding="utf-8")
    proc = run("grade", "objections_agree", answers, "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = results(tmp_path / "objections_agree_grades.csv")
    assert rows[0]["姓名"] == "'=HYPERLINK(\"x\")" and rows[0]["答案"] == "'=1+1 您说得对"
    assert rows[1]["答案"] == "'-5 万的优惠"
