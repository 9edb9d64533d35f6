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


def _css_rules(path):
    """{selector: {property: value}} for a flat stylesheet, var(--x) resolved from :root."""
    import re
    from pathlib import Path
    css = re.sub(r"/\*.*?\*/", "", Path(path).read_text(encoding="utf-8"), flags=re.S)
    rules = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        props = dict((k.strip(), v.strip()) for k, _, v in (d.partition(":") for d in body.split(";")) if v.strip())
        for sel in selectors.split(","):
            rules.setdefault(" ".join(sel.split()), {}).update(props)
    root = rules.get(":root", {})

    def value(sel, prop):
        raw = rules[sel][prop]
        m = re.fullmatch(r"var\((--[\w-]+)\)", raw)
        return root[m.group(1)] if m else raw
    return value


def _luminance(hex_colour):
    h = hex_colour.lstrip("#")
    h = "".join(c * 2 for c in h) if len(h) == 3 else h
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a, b):
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_helper_matches_the_wcag_reference_values():
    assert round(contrast("#000", "#fff"), 1) == 21.0
    # the failures reported in issue 12, measured with the old colours
    assert round(contrast("#94a3b8", "#f1f5f9"), 2) == 2.34
    assert round(contrast("#6b7280", "#e5e7eb"), 1) == 3.9
    assert round(contrast("#6b7280", "#f3f5f9"), 2) == 4.43


def test_review_page_colours_meet_wcag_aa_contrast():
    from pathlib import Path
    css = _css_rules(Path(__file__).resolve().parent.parent / "web" / "static" / "review.css")
    page, card = css("body", "background"), "#ffffff"
    pairs = {
        "F/I chip not used": (css(".chip.fbi.off", "color"), css(".chip.fbi.off", "background")),
        "未结束 pill": (css(".pill.muted", "color"), css(".pill.muted", "background")),
        "metadata label on the page": (css(".meta dt", "color"), page),
        "muted text on a card": (css(".muted", "color"), card),
        "chip 未识别到话术": (css(".chip.none", "color"), css(".chip.none", "background")),
        "turn time on a trainee line": (css(".turn-meta", "color"), css(".turn.role-trainee", "background")),
        "turn time on a coach line": (css(".turn-meta", "color"), css(".turn.role-coach", "background")),
        "filter label": (css(".filters label", "color"), card),
    }
    low = {name: round(contrast(fg, bg), 2) for name, (fg, bg) in pairs.items() if contrast(fg, bg) < 4.5}
    assert not low, low
