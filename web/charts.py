"""Server-side SVG line charts (trust over a conversation, scores over time); no JavaScript needed.
Every label is XML-escaped, so a trainee name or any text from the tracker cannot inject markup."""

from typing import List, Optional, Sequence, Tuple
from xml.sax.saxutils import escape

PALETTE = ("#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#4b5563")
FONT = "'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif"


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def line_chart(
    series: Sequence[Tuple[str, Sequence[Optional[float]]]],
    x_labels: Sequence[str],
    title: str,
    y_max: float = 100,
    width: int = 640,
    height: int = 240,
) -> str:
    """series: (name, values aligned with x_labels; None = no value there). Y axis 0..y_max."""
    has_legend = len(series) > 1 or bool(series and series[0][0])
    left, right, top, bottom = 40, 16, 30, (50 if has_legend else 30)
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - max(0.0, min(v, y_max)) / y_max)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" '
        f'role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" font-family="{FONT}" font-size="11">',
        f'<text x="{left}" y="16" font-size="13" font-weight="600" fill="#1f2937">{escape(title)}</text>',
    ]
    for tick in range(0, 101, 25):
        value = y_max * tick / 100
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_fmt(y(value))}" y2="{_fmt(y(value))}" stroke="#e5e7eb"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{_fmt(y(value) + 4)}" text-anchor="end" fill="#6b7280">{_fmt(value)}</text>'
        )
    step = max(1, len(x_labels) // 10)
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == len(x_labels) - 1:
            parts.append(
                f'<text x="{_fmt(x(i))}" y="{top + plot_h + 16}" text-anchor="middle" '
                f'fill="#6b7280">{escape(label)}</text>'
            )
    for k, (name, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        points = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{_fmt(px)},{_fmt(py)}" for px, py in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>'
            )
        for (px, py), v in zip(points, [v for v in values if v is not None]):
            parts.append(
                f'<circle cx="{_fmt(px)}" cy="{_fmt(py)}" r="3.5" fill="{colour}">'
                f"<title>{escape(name)}: {_fmt(v)}</title></circle>"
            )
    if has_legend:
        legend_x = left
        for k, (name, _) in enumerate(series):
            colour = PALETTE[k % len(PALETTE)]
            parts.append(
                f'<rect x="{legend_x}" y="{height - 12}" width="10" height="10" fill="{colour}"/>'
                f'<text x="{legend_x + 14}" y="{height - 3}" fill="#374151">{escape(name)}</text>'
            )
            legend_x += 24 + 12 * len(name)
    if not any(v is not None for _, values in series for v in values):
        parts.append(
            f'<text x="{width / 2}" y="{top + plot_h / 2}" text-anchor="middle" fill="#9ca3af">暂无数据</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def trust_chart(trust: List[float]) -> str:
    labels = ["开始"] + [f"第{i}轮" for i in range(1, len(trust))]
    return line_chart([("", trust)], labels, "客户信任度变化")
