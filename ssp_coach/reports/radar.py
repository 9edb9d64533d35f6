"""Radar chart of the six speech patterns as a self-contained SVG (no fonts, scripts or images fetched)."""

import base64
import math
from typing import Dict, List, Tuple
from xml.sax.saxutils import escape

# Course order, clockwise from the top.
AXES: List[Tuple[str, str]] = [
    ("agree", "认同"),
    ("praise", "赞美"),
    ("guide", "引导"),
    ("narrate", "叙述"),
    ("rhetorical", "反问"),
    ("commit", "承诺"),
]
RINGS = (20, 40, 60, 80, 100)
SIZE = 320
CX, CY = SIZE / 2, SIZE / 2 + 10  # a little below the middle: the title sits on top
RADIUS = 102  # leaves room for the labels outside the 100 ring
FONT = "'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei','PingFang SC','WenQuanYi Micro Hei',sans-serif"


def _clamp(value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(v) else max(0.0, min(100.0, v))


def _point(axis: int, value: float, radius: float = RADIUS) -> Tuple[float, float]:
    angle = -math.pi / 2 + axis * 2 * math.pi / len(AXES)
    r = radius * value / 100.0
    return round(CX + r * math.cos(angle), 1), round(CY + r * math.sin(angle), 1)


def _points(values: List[float]) -> str:
    return " ".join(f"{x},{y}" for x, y in (_point(i, v) for i, v in enumerate(values)))


def _anchor(x: float) -> str:
    if abs(x - CX) < 1:
        return "middle"
    return "start" if x > CX else "end"


def radar_svg(scores: Dict[str, float], title: str = "六大话术") -> str:
    """SVG text; `scores` maps pattern codes to 0–100 (missing or invalid values count as 0)."""
    values = [_clamp((scores or {}).get(code, 0)) for code, _ in AXES]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" font-family="{FONT}">',
        f'<rect width="{SIZE}" height="{SIZE}" fill="#ffffff"/>',
        f'<text x="{CX}" y="22" text-anchor="middle" font-size="16" font-weight="bold" '
        f'fill="#222222">{escape(title)}</text>',
        '<g class="grid" fill="none" stroke="#c8ccd2" stroke-width="1">',
    ]
    for ring in RINGS:
        parts.append(f'<polygon class="ring" data-value="{ring}" points="{_points([ring] * len(AXES))}"/>')
    for i in range(len(AXES)):
        x, y = _point(i, 100)
        parts.append(f'<line x1="{CX}" y1="{CY}" x2="{x}" y2="{y}"/>')
    parts.append("</g>")
    for ring in RINGS:  # ring values along the upward axis
        x, y = _point(0, ring)
        parts.append(f'<text x="{x + 3}" y="{y + 4}" font-size="9" fill="#8a9099">{ring}</text>')
    parts.append(
        f'<polygon class="scores" points="{_points(values)}" fill="#1f77b4" fill-opacity="0.3" '
        f'stroke="#1f77b4" stroke-width="2"/>'
    )
    for i, v in enumerate(values):
        x, y = _point(i, v)
        parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="#1f77b4"/>')
    for i, ((code, label), v) in enumerate(zip(AXES, values)):
        x, y = _point(i, 100, RADIUS + 16)
        y += 5 if abs(y - CY) < 1 else (12 if y > CY else -2)
        parts.append(
            f'<text class="label" data-pattern="{code}" x="{x}" y="{y}" text-anchor="{_anchor(x)}" '
            f'font-size="13" fill="#222222">{label} {round(v):d}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def radar_data_uri(scores: Dict[str, float], title: str = "六大话术") -> str:
    encoded = base64.b64encode(radar_svg(scores, title).encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"
