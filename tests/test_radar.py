"""The radar chart: valid self-contained SVG, six labelled axes, a polygon that follows the scores."""
import base64
import xml.etree.ElementTree as ET

from ssp_coach.reports.radar import AXES, CX, CY, radar_data_uri, radar_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
SCORES = {"agree": 80, "praise": 45, "guide": 100, "narrate": 0, "rhetorical": 30, "commit": 65}


def _score_points(svg: str):
    root = ET.fromstring(svg)
    polygon = root.find("svg:polygon[@class='scores']", NS)
    return [tuple(float(v) for v in p.split(",")) for p in polygon.get("points").split()]


def _distance(point):
    return ((point[0] - CX) ** 2 + (point[1] - CY) ** 2) ** 0.5


def test_svg_parses_and_has_six_labels_with_values():
    root = ET.fromstring(radar_svg(SCORES))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == "320" and root.get("height") == "320"
    labels = [t.text for t in root.findall("svg:text[@class='label']", NS)]
    assert labels == ["认同 80", "赞美 45", "引导 100", "叙述 0", "反问 30", "承诺 65"]
    assert root.find("svg:text", NS).text == "六大话术"


def test_grid_rings_at_twenty_to_hundred():
    root = ET.fromstring(radar_svg(SCORES))
    rings = [r.get("data-value") for r in root.findall(".//svg:polygon[@class='ring']", NS)]
    assert rings == ["20", "40", "60", "80", "100"]


def test_zero_score_sits_at_centre_and_points_move_with_scores():
    points = _score_points(radar_svg(SCORES))
    narrate = [code for code, _ in AXES].index("narrate")
    assert _distance(points[narrate]) < 0.5
    guide = [code for code, _ in AXES].index("guide")
    assert _distance(points[guide]) > 2 * _distance(points[[c for c, _ in AXES].index("praise")])

    higher = _score_points(radar_svg(dict(SCORES, narrate=50)))
    assert _distance(higher[narrate]) > 40
    assert higher[guide] == points[guide]


def test_out_of_range_and_missing_scores_are_clamped():
    points = _score_points(radar_svg({"agree": 250, "praise": -10, "guide": "bad"}))
    full = _score_points(radar_svg({"agree": 100}))
    assert points[0] == full[0]
    assert all(_distance(p) < 0.5 for p in points[1:])


def test_no_external_resources_and_title_is_escaped():
    svg = radar_svg(SCORES, title="A&B <话术>")
    assert "<script" not in svg and "href" not in svg and "url(" not in svg
    assert "sans-serif" in svg
    assert ET.fromstring(svg).find("svg:text", NS).text == "A&B <话术>"


def test_data_uri_round_trips():
    uri = radar_data_uri(SCORES)
    assert uri.startswith("data:image/svg+xml;base64,")
    decoded = base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")
    assert decoded == radar_svg(SCORES)
