"""The diagram drawn as SVG with presentation attributes only (no
``<style>``, no script), and its size for the page's ``<img>``."""

from __future__ import annotations

from html import escape

from app.web.diagram.graph import Graph, Node, build_graph
from app.web.diagram.layout import edge_ports, layout
from app.web.diagram.shapes import (
    EDGE,
    EMPTY,
    FONT,
    FONT_SIZE,
    LINE,
    MARGIN,
    PAD_Y,
    PROCESSOR,
    SPECIAL,
    TEXT,
    WIDE,
    Shape,
)
from app.web.register_view import Arrangement, RegisterView


def node_svg(node: Node) -> str:
    stroke, dash, fill, bar = TEXT, "", "#ffffff", ""
    if node.unstated:
        stroke, dash, fill = "#505a5f", ' stroke-dasharray="5 4"', "#f3f2f1"
    if node.special:
        fill, bar = "#fbe6e3", SPECIAL
    if node.processor:
        fill, bar = "#e8f1f8", PROCESSOR
    parts = [f"<g><title>{escape(node.label)}{' – ' + node.note if node.note else ''}</title>"]
    parts.append(
        f'<rect x="{node.x:.1f}" y="{node.y:.1f}" width="{node.width:.1f}" '
        f'height="{node.height:.1f}" rx="3" fill="{fill}" stroke="{stroke}"{dash}/>'
    )
    if bar:
        parts.append(
            f'<rect x="{node.x:.1f}" y="{node.y:.1f}" width="6" height="{node.height:.1f}" '
            f'fill="{bar}"/>'
        )
    for n, line in enumerate(node.lines):
        note = n >= len(node.lines) - len(node.note_lines)
        weight = ' font-weight="bold"' if note else ""
        style = ' font-style="italic"' if node.unstated else ""
        colour = bar if note else TEXT
        parts.append(
            f'<text x="{node.x + 12:.1f}" y="{node.y + PAD_Y + LINE * (n + 1) - 4:.1f}" '
            f'fill="{colour}"{weight}{style}>{escape(line)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def render(graph: Graph, title: str, description: str, shape: Shape = WIDE) -> str:
    width, height = layout(graph, shape)
    if not graph.edges:
        width, height = float(EMPTY[0]), float(EMPTY[1])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-labelledby="t d" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}">',
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(description)}</desc>',
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]
    if not graph.edges:
        out.append(
            f'<text x="{MARGIN}" y="70" fill="{TEXT}">No sharing arrangement matches.</text></svg>'
        )
        return "".join(out)
    x = float(MARGIN)
    for (label, _width), column_width in zip(shape.columns, graph.widths, strict=True):
        out.append(
            f'<text x="{x:.1f}" y="{MARGIN + 14}" font-weight="bold" font-size="16" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
        x += column_width + shape.edge_space
    ports = edge_ports(graph)
    out.append('<g fill="none" stroke-width="1.5">')
    for i, (a, _b) in enumerate(graph.edges):
        (x1, y1), (x2, y2) = ports[(i, 0)], ports[(i, 1)]
        bend = (x2 - x1) / 2
        colour = SPECIAL if a.special else EDGE
        dash = ' stroke-dasharray="6 4"' if i in graph.readings else ""
        out.append(
            f'<path d="M{x1:.1f} {y1:.1f} C{x1 + bend:.1f} {y1:.1f} {x2 - bend:.1f} {y2:.1f} '
            f'{x2:.1f} {y2:.1f}" stroke="{colour}"{dash}/>'
        )
    out.append("</g>")
    for column in graph.columns:
        out.extend(node_svg(node) for node in column)
    legend_y = height - MARGIN - (len(shape.legend) - 1) * LINE
    for n, runs in enumerate(shape.legend):
        spans = "".join(
            f'<tspan fill="{colour}" font-weight="bold">{escape(words)}</tspan>'
            if colour
            else escape(words)
            for colour, words in runs
        )
        out.append(f'<text x="{MARGIN}" y="{legend_y + n * LINE:.1f}" fill="{TEXT}">{spans}</text>')
    out.append("</svg>")
    return "".join(out)


def diagram(register: RegisterView, arrangements: list[Arrangement], shape: Shape = WIDE) -> str:
    graph = build_graph(register, arrangements)
    subjects, categories, recipients = (len(c) for c in graph.columns)
    title = f"Where {register.controller['name']} shares personal data"
    description = (
        f"{subjects} groups of people, {categories} kinds of data and {recipients} recipients, "
        f"from {len(arrangements)} sharing arrangements. Each line links who the data is "
        "about to what is shared, and what is shared to who receives it."
    )
    return render(graph, title, description, shape)


def size(
    register: RegisterView, arrangements: list[Arrangement], shape: Shape = WIDE
) -> tuple[int, int]:
    """The drawing's width and height in pixels (for the page's ``<img>``)."""
    graph = build_graph(register, arrangements)
    if not graph.edges:
        return EMPTY
    width, height = layout(graph, shape)
    return round(width), round(height)
