"""Server-rendered SVG charts: no script, no inline style (the CSP allows neither).

Only SVG presentation attributes (fill, stroke, …) are used; sizing comes from
static/css/pembinaan.css. Each chart is an image with a title and a description; the page shows
the same numbers in a table next to it, for screen readers and for anyone who wants the figures.
"""

import math

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 32, 44
BRAND, TARGET, GRID, INK = "#0b5394", "#c8102e", "#c9d1d9", "#1b1f24"


def _step(top):
    """A round grid step giving at most five intervals up to `top` (1, 2, 2.5 or 5 × 10^k)."""
    magnitude = 10 ** math.floor(math.log10(top / 5)) if top > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if top / (factor * magnitude) <= 5:
            return factor * magnitude
    return top / 5


def _nice_max(value):
    if value <= 0:
        return 1
    step = _step(value)
    return math.ceil(value / step) * step


def _fmt(value):
    if value is None:
        return "–"
    text = f"{value:.1f}" if isinstance(value, float) and value != int(value) else f"{int(value)}"
    return text.replace(".", ",")


def chart(labels, values, *, title, description, kind="line", target=None, target_label=None, y_max=None,
          y_label=""):
    """Return an SVG chart (Markup) of values over labels; None values leave a gap."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    present = [v for v in values if v is not None]
    top = y_max if y_max is not None else _nice_max(max([*present, target or 0, 0]) * 1.1)
    count = max(len(labels), 1)
    slot = plot_w / count

    def x_at(i):
        return LEFT + slot * i + slot / 2

    def y_at(v):
        return TOP + plot_h - (min(v, top) / top) * plot_h

    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'focusable="false" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
    ]
    step = _step(top)
    for i in range(int(round(top / step)) + 1):
        value = step * i
        y = y_at(value)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID}" '
                     f'stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{INK}">'
                     f"{escape(_fmt(value))}</text>")
    if y_label:
        parts.append(f'<text x="4" y="14" font-size="12" fill="{INK}">{escape(y_label)}</text>')
    for i, label in enumerate(labels):
        parts.append(f'<text x="{x_at(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" '
                     f'fill="{INK}">{escape(label)}</text>')
    if kind == "bar":
        bar_w = slot * 0.6
        for i, value in enumerate(values):
            if value is None:
                continue
            y = y_at(value)
            parts.append(f'<rect x="{x_at(i) - bar_w / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                         f'height="{TOP + plot_h - y:.1f}" fill="{BRAND}"/>')
    else:
        segment = []
        for i, value in enumerate(values):
            if value is None:
                if len(segment) > 1:
                    parts.append(_polyline(segment))
                segment = []
                continue
            segment.append((x_at(i), y_at(value)))
            parts.append(f'<circle cx="{x_at(i):.1f}" cy="{y_at(value):.1f}" r="4" fill="{BRAND}"/>')
        if len(segment) > 1:
            parts.append(_polyline(segment))
    for i, value in enumerate(values):
        if value is not None and not (kind == "bar" and value == 0):
            parts.append(f'<text x="{x_at(i):.1f}" y="{y_at(value) - 8:.1f}" text-anchor="middle" font-size="12" '
                         f'fill="{INK}">{escape(_fmt(value))}</text>')
    if target is not None:
        y = y_at(target)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{TARGET}" '
                     f'stroke-width="2" stroke-dasharray="6 4"/>')
        if target_label:
            parts.append(f'<text x="{WIDTH - RIGHT}" y="{y - 6:.1f}" text-anchor="end" font-size="12" '
                         f'fill="{TARGET}">{escape(target_label)}</text>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="{INK}" '
                 f'stroke-width="1"/>')
    parts.append("</svg>")
    # Every text node above is escaped, so the joined SVG is safe to mark up.
    return Markup("".join(parts))  # noqa: S704  # nosec B704


def _polyline(points):
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<polyline points="{coords}" fill="none" stroke="{BRAND}" stroke-width="3"/>'
