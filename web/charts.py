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
    legend = _legend_layout([name for name, _ in series], 40, width - 16) if has_legend else []
    legend_rows = max((row for _, _, row in legend), default=-1) + 1
    height += 16 * max(0, legend_rows - 1)  # the legend wraps onto more rows instead of running off
    left, right, top, bottom = 40, 16, 30, (50 + 16 * max(0, legend_rows - 1) if has_legend else 30)
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
    legend_top = top + plot_h + 26
    for k, (lx, name, row) in enumerate(legend):
        colour = PALETTE[k % len(PALETTE)]
        ly = legend_top + 16 * row
        parts.append(
            f'<rect x="{lx}" y="{ly}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14}" y="{ly + 9}" fill="#374151">{escape(name)}</text>'
        )
    if not any(v is not None for _, values in series for v in values):
        parts.append(
            f'<text x="{width / 2}" y="{top + plot_h / 2}" text-anchor="middle" fill="#9ca3af">暂无数据</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _text_width(text: str) -> int:
    """Rough width at font-size 11: CJK characters are about twice as wide as Latin ones."""
    return sum(11 if ord(c) > 0x2E80 else 7 for c in text)


def _legend_layout(names: Sequence[str], left: int, right_edge: int) -> List[Tuple[int, str, int]]:
    """(x, name, row) per legend entry, wrapping to a new row when the next entry would not fit."""
    out, x, row = [], left, 0
    for name in names:
        width = 24 + _text_width(name)
        if x > left and x + width > right_edge:
            x, row = left, row + 1
        out.append((x, name, row))
        x += width
    return out


def heat_colour(value: Optional[float]) -> Tuple[str, str]:
    """(fill, text colour) for a 0-100 value; text colours keep WCAG AA contrast on their fill."""
    if value is None:
        return "#f1f5f9", "#374151"
    steps = (("#fee2e2", "#7f1d1d"), ("#ffedd5", "#7c2d12"), ("#fef9c3", "#713f12"), ("#dcfce7", "#14532d"))
    return steps[min(3, int(value // 25))] if value < 100 else steps[3]


def heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[Optional[float]]],
    links: Sequence[Sequence[str]],
    title: str,
    empty: str = "未使用",
) -> str:
    """A grid of coloured cells with the value written in each (None shows `empty`); each cell links to
    links[r][c] when given. Height grows with the rows, so 30 trainees stay readable."""
    cell_w, cell_h, left, top = 76, 24, 10 + max([_text_width(r) for r in rows] + [40]), 44
    width, height = left + cell_w * len(columns) + 10, top + cell_h * len(rows) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" class="heat" '
        f'role="group" aria-label="{escape(title, {chr(34): "&quot;"})}" font-family="{FONT}" font-size="11">',
        f'<text x="4" y="16" font-size="13" font-weight="600" fill="#1f2937">{escape(title)}</text>',
    ]
    for c, name in enumerate(columns):
        parts.append(
            f'<text x="{left + cell_w * c + cell_w / 2}" y="{top - 8}" text-anchor="middle" '
            f'fill="#374151">{escape(name)}</text>'
        )
    for r, name in enumerate(rows):
        y = top + cell_h * r
        parts.append(f'<text x="{left - 6}" y="{y + 16}" text-anchor="end" fill="#1f2937">{escape(name)}</text>')
        for c, value in enumerate(values[r]):
            fill, ink = heat_colour(value)
            shown = empty if value is None else _fmt(value)
            cell = (
                f'<rect x="{left + cell_w * c + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{fill}"/><text x="{left + cell_w * c + cell_w / 2}" y="{y + 16}" text-anchor="middle" '
                f'fill="{ink}">{escape(shown)}</text><title>{escape(name)} · {escape(columns[c])}: '
                f"{escape(shown)}</title>"
            )
            link = links[r][c] if r < len(links) and c < len(links[r]) else ""
            parts.append(f'<a href="{escape(link, {chr(34): "&quot;"})}">{cell}</a>' if link else f"<g>{cell}</g>")
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(labels: Sequence[str], counts: Sequence[int], title: str, width: int = 640, height: int = 220) -> str:
    """Vertical bars with the count written above each (a score distribution)."""
    left, right, top, bottom = 40, 16, 30, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(list(counts) + [1])
    slot = plot_w / max(len(counts), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" '
        f'role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" font-family="{FONT}" font-size="11">',
        f'<text x="{left}" y="16" font-size="13" font-weight="600" fill="#1f2937">{escape(title)}</text>',
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#9ca3af"/>',
    ]
    for i, (name, n) in enumerate(zip(labels, counts)):
        h = plot_h * n / peak
        x = left + slot * i
        parts.append(
            f'<rect x="{_fmt(x + 3)}" y="{_fmt(top + plot_h - h)}" width="{_fmt(slot - 6)}" height="{_fmt(h)}" '
            f'fill="#2563eb"><title>{escape(name)}: {n}</title></rect>'
            f'<text x="{_fmt(x + slot / 2)}" y="{_fmt(top + plot_h - h - 4)}" text-anchor="middle" '
            f'fill="#1f2937">{n}</text>'
            f'<text x="{_fmt(x + slot / 2)}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'fill="#374151">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def trust_chart(trust: List[float]) -> str:
    labels = ["开始"] + [f"第{i}轮" for i in range(1, len(trust))]
    return line_chart([("", trust)], labels, "客户信任度变化")
