"""Server-side views: SVG charts (well-formed, escaped), evidence highlighting, assessment panels."""
import xml.etree.ElementTree as ET

from web.charts import line_chart, trust_chart
from web.transcript_view import highlight

SVG = "{http://www.w3.org/2000/svg}"


def test_line_chart_is_valid_svg_with_one_polyline_per_series_and_escaped_labels():
    svg = line_chart([("<script>alert(1)</script>", [10, None, 90]), ("李娜", [50, 60, 70])],
                     ["第1次", "第2次", "第3次"], "总分 & <趋势>")
    root = ET.fromstring(svg)                      # parses: nothing unescaped broke the markup
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert len(root.findall(f"{SVG}polyline")) == 2
    circles = root.findall(f"{SVG}circle")
    assert len(circles) == 5, "a missing value draws no point"
    ys = [float(c.get("cy")) for c in circles[:2]]
    assert ys[0] > ys[1], "a higher score is drawn higher up"


def test_trust_chart_labels_turns_and_handles_no_data():
    root = ET.fromstring(trust_chart([40.0, 55.0, 30.0]))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "开始" in texts and "第2轮" in texts and "客户信任度变化" in texts
    assert "暂无数据" in trust_chart([])


def test_highlight_splits_at_evidence_offsets_and_ignores_bad_spans():
    text = "您说的很有道理，您真有眼光"
    evidence = [{"label": "agree", "part": "agreement_phrase", "start": 0, "end": 7},
                {"label": "praise", "part": "praise_phrase", "start": 8, "end": 13},
                {"label": "agree", "start": 5, "end": 99}, {"start": "x"}, "odd"]
    segments = highlight(text, evidence)
    assert "".join(s["text"] for s in segments) == text
    marked = [(s["text"], s["marks"][0]["label"]) for s in segments if s["marks"]]
    assert marked == [("您说的很有道理", "agree"), ("您真有眼光", "praise")]


def test_assessment_view_shows_fbi_only_for_product_replies_and_reads_defensively():
    from web.tracker_reader import Line
    from web.transcript_view import assessment_view
    product = assessment_view(Line(1, 0, "trainee", "1.5T 发动机", assessment={
        "fbi": {"feature": True, "benefit": False, "impact": False, "order_ok": False}, "score": 50}))
    assert [(f["name"], f["present"]) for f in product["fbi"]] == [("F 配备", True), ("B 利益", False), ("I 冲击", False)]
    assert product["fbi_notes"] == ["顺序不当"]
    small_talk = assessment_view(Line(2, 0, "trainee", "您好", assessment={
        "fbi": {"feature": False, "benefit": False, "impact": False, "order_ok": False},
        "missing": [{"label": "praise", "part": "praise_point", "message": "赞美要具体"}, "odd"],
        "techniques": ["agree", 5], "score": "n/a"}))
    assert small_talk["fbi"] == [] and small_talk["fbi_notes"] == []
    assert small_talk["missing"] == [{"name": "赞美法 · 具体赞美点", "message": "赞美要具体"}]
    assert small_talk["techniques"] == ["认同法"] and small_talk["score"] is None
