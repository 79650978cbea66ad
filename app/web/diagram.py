"""The data-flow diagram, drawn server-side as SVG.

Three columns: who the data is about (data subjects), what it is (data
categories) and where it goes (recipients). Arrangements that do not state
their data categories flow through a "not stated" node rather than through
a guessed category. Processors and special category data are marked in
words as well as colour, so the diagram reads in greyscale and in print.

The SVG uses presentation attributes only (no ``<style>``, no script), so it
renders under the strictest Content-Security-Policy and inside ``<img>``.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

from app.web.readings import list_text, processor_label, reading
from app.web.register_view import Arrangement, RegisterView, State

NOT_STATED = "__not_stated__"
OPEN = "__more__"
OPEN_LABEL = "Other data: the notice gives examples only"
FONT = "Arial, Helvetica, sans-serif"
FONT_SIZE = 14
LINE = 17
PAD_Y = 7
GAP = 7
MARGIN = 20
HEADER = 56
CHAR_WIDTH = 7.6  # Arial at 14px, averaged over mixed case: a safe upper bound.
BOLD = 1.1  # bold text is about this much wider
TEXT = "#0b0c0c"
EDGE = "#8f979c"
SPECIAL = "#d4351c"
PROCESSOR = "#1d70b8"


@dataclass(frozen=True)
class Shape:
    """Column titles and widths, and the space the lines take between them."""

    columns: tuple[tuple[str, int], ...]
    edge_space: int
    legend: tuple[tuple[tuple[str, str], ...], ...]
    """Lines of the legend: (colour or "", text) runs, the coloured ones bold."""


_LEGEND_RUNS = (
    ((PROCESSOR, "Data processor"), ("", ": acts on the council’s behalf.")),
    (
        (SPECIAL, "Special category"),
        ("", ": sensitive data (UK GDPR Article 9)."),
    ),
    (("", "Dashed boxes: not stated in the notice."),),
    (("", "Dashed lines: our reading, not stated in the notice."),),
)
WIDE = Shape(
    (("Who the data is about", 210), ("What data", 230), ("Who receives it", 340)),
    120,
    _LEGEND_RUNS,
)
NARROW = Shape(
    (("About whom", 110), ("What data", 120), ("Who receives it", 140)), 24, _LEGEND_RUNS
)
"""Fits a phone's width (about 450 px, drawn at 390 with 12 px text)."""
SHAPES = {"wide": WIDE, "narrow": NARROW}
EMPTY = (640, 140)


@dataclass
class Node:
    key: str
    label: str
    column: int
    note: str = ""
    note_lines: list[str] = field(default_factory=list)
    special: bool = False
    processor: bool = False
    unstated: bool = False
    lines: list[str] = field(default_factory=list)
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


@dataclass
class Graph:
    columns: list[list[Node]]
    edges: list[tuple[Node, Node]]
    readings: set[int] = field(default_factory=set)
    widths: list[int] = field(default_factory=list)
    """Column widths, set by the layout."""
    """Indexes of edges that only our readings draw (none the notice states)."""


def build_graph(register: RegisterView, arrangements: list[Arrangement]) -> Graph:
    subjects: dict[str, Node] = {}
    categories: dict[str, Node] = {}
    recipients: dict[str, Node] = {}
    edges: set[tuple[str, str]] = set()
    stated: set[tuple[str, str]] = set()
    for a in arrangements:
        about: list[State | None] = [*a.data_subjects] or [None]
        what: list[State | None] = [*a.data_categories] or [None]
        if a.data_categories and reading(a.state, "data_categories").open:
            what.append({"slug": OPEN, "name": OPEN_LABEL})
        r = a.recipient
        processor = r.get("role") == "processor"
        recipients.setdefault(
            r["slug"],
            Node(
                r["slug"],
                r["name"],
                2,
                note=processor_label(r) if processor else "",
                processor=processor,
            ),
        )
        for subject in about:
            key = subject["slug"] if subject else NOT_STATED
            label = subject["name"] if subject else "Not stated in the notice"
            subjects.setdefault(key, Node(key, label, 0, unstated=subject is None))
            for category in what:
                ckey = category["slug"] if category else NOT_STATED
                edge = (f"0:{key}", f"1:{ckey}")
                edges.add(edge)
                subject_read = _inferred(a, "data_subjects", subject)
                if not (subject_read or _inferred(a, "data_categories", category)):
                    stated.add(edge)
        for category in what:
            ckey = category["slug"] if category else NOT_STATED
            if ckey not in categories:
                special = bool(category and category.get("special_category"))
                categories[ckey] = Node(
                    ckey,
                    category["name"] if category else "Data not stated in the notice",
                    1,
                    note="Special category" if special else "",
                    special=special,
                    unstated=category is None or ckey == OPEN,
                )
            edge = (f"1:{ckey}", f"2:{r['slug']}")
            edges.add(edge)
            if not _inferred(a, "data_categories", category):
                stated.add(edge)

    order = {key: i for i, key in enumerate(register.by_slug["data_subjects"])}
    left = sorted(subjects.values(), key=lambda n: (n.unstated, order.get(n.key, 0)))
    middle = _by_barycentre(list(categories.values()), left, edges, register, "data_categories")
    right = _by_barycentre(list(recipients.values()), middle, edges, register, "recipients")
    nodes = {f"{n.column}:{n.key}": n for n in (*left, *middle, *right)}
    ordered = sorted(edges)
    return Graph(
        columns=[left, middle, right],
        edges=[(nodes[a], nodes[b]) for a, b in ordered],
        readings={i for i, edge in enumerate(ordered) if edge not in stated},
    )


def _inferred(arrangement: Arrangement, key: str, linked: State | None) -> bool:
    if linked is None or linked["slug"] == OPEN:
        return False
    return reading(arrangement.state, f"{key}/{linked['slug']}").inferred


def describe(arrangement: Arrangement) -> str:
    """One arrangement in words: the diagram's text equivalent."""
    a = arrangement
    who = a.recipient["name"]
    if a.recipient.get("role") == "processor":
        ours = "; our reading" if reading(a.recipient, "role").inferred else ""
        who += f" (data processor{ours})"
    if a.data_categories:
        what = list_text(a.state, "data_categories", a.data_categories, including="data including")
    else:
        what = "data the notice does not state"
    if a.data_subjects:
        whom = list_text(a.state, "data_subjects", a.data_subjects, including="people including")
    else:
        whom = "people the notice does not state"
    special = ", including special category data" if a.special_category else ""
    return f"{who} receives {what} about {whom}{special}."


def _by_barycentre(
    nodes: list[Node],
    previous: list[Node],
    edges: set[tuple[str, str]],
    register: RegisterView,
    key: str,
) -> list[Node]:
    """Order a column by the mean position of its neighbours on the left:
    few crossings, and notice order among equals."""
    rank = {f"{n.column}:{n.key}": i for i, n in enumerate(previous)}
    sources: dict[str, list[int]] = defaultdict(list)
    for a, b in edges:
        if a in rank:
            sources[b].append(rank[a])
    notice = {slug: i for i, slug in enumerate(register.by_slug[key])}

    def sort_key(node: Node) -> tuple[float, bool, int]:
        found = sources.get(f"{node.column}:{node.key}") or [0]
        return (sum(found) / len(found), node.unstated, notice.get(node.key, 0))

    return sorted(nodes, key=sort_key)


def wrap(text: str, chars: int) -> list[str]:
    """Lines of at most ``chars`` characters, broken between words or after a
    slash ("Academies/ Federated"); a longer word keeps its own line whole."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        for i, part in enumerate(re.findall(r"[^/]+/?|/", word)):
            glue = "" if i or not line else " "
            if line and len(line) + len(glue) + len(part) > chars:
                lines.append(line)
                line = part
            else:
                line += glue + part
    return [*lines, line] if line else lines


def _longest(text: str) -> int:
    return max((len(p) for w in text.split() for p in re.findall(r"[^/]+/?|/", w)), default=0)


def _widths(graph: Graph, shape: Shape) -> list[int]:
    """Each column's width: as the shape says, or wider when a word would
    not fit (a name is never cut)."""
    widths = []
    for column, (title, width) in zip(graph.columns, shape.columns, strict=True):
        longest = max(
            (max(_longest(n.label), math.ceil(_longest(n.note) * BOLD)) for n in column), default=0
        )
        title_width = len(title) * CHAR_WIDTH * 16 / FONT_SIZE * 1.1
        widths.append(max(width, math.ceil(longest * CHAR_WIDTH + 2 * 10), math.ceil(title_width)))
    return widths


def _layout(graph: Graph, shape: Shape) -> tuple[float, float]:
    x = float(MARGIN)
    heights = []
    graph.widths = _widths(graph, shape)
    for column, width in zip(graph.columns, graph.widths, strict=True):
        chars = max(8, int((width - 2 * 10) / CHAR_WIDTH))
        y = 0.0
        for node in column:
            node.lines = wrap(node.label, chars) or [node.label]
            node.note_lines = wrap(node.note, int(chars / BOLD))
            node.lines += node.note_lines
            node.x, node.width = x, width
            node.height = len(node.lines) * LINE + 2 * PAD_Y
            node.y = y
            y += node.height + GAP
        heights.append(y - GAP if column else 0.0)
        x += width + shape.edge_space
    tallest = max(heights) if heights else 0.0
    for column in graph.columns:
        for node in column:
            node.y += HEADER
    legend = (len(shape.legend) + 1) * LINE
    return x - shape.edge_space + MARGIN, HEADER + tallest + MARGIN + legend


def _ports(graph: Graph) -> dict[tuple[int, int], tuple[float, float]]:
    """Where each edge leaves and enters its nodes: spread along the node's
    side so that edges stay apart."""
    outgoing: dict[int, list[int]] = defaultdict(list)
    incoming: dict[int, list[int]] = defaultdict(list)
    for i, (a, b) in enumerate(graph.edges):
        outgoing[id(a)].append(i)
        incoming[id(b)].append(i)
    ports: dict[tuple[int, int], tuple[float, float]] = {}
    for side, table in ((0, outgoing), (1, incoming)):
        for i, (a, b) in enumerate(graph.edges):
            node = a if side == 0 else b
            group = sorted(table[id(node)], key=lambda j: _other(graph, j, side).y)
            slot = group.index(i)
            y = node.y + node.height * (slot + 1) / (len(group) + 1)
            x = node.x + node.width if side == 0 else node.x
            ports[(i, side)] = (x, y)
    return ports


def _other(graph: Graph, edge: int, side: int) -> Node:
    a, b = graph.edges[edge]
    return b if side == 0 else a


def _node_svg(node: Node) -> str:
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
    width, height = _layout(graph, shape)
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
    ports = _ports(graph)
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
        out.extend(_node_svg(node) for node in column)
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
    width, height = _layout(graph, shape)
    return round(width), round(height)
