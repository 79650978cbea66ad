"""Where each node goes: column widths that fit every word, wrapped labels,
and the ports where edges leave and enter their nodes."""

from __future__ import annotations

import math
import re
from collections import defaultdict

from app.web.diagram.graph import Graph, Node
from app.web.diagram.shapes import (
    BOLD,
    CHAR_WIDTH,
    FONT_SIZE,
    GAP,
    HEADER,
    LINE,
    MARGIN,
    PAD_Y,
    Shape,
)


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


def longest_word(text: str) -> int:
    return max((len(p) for w in text.split() for p in re.findall(r"[^/]+/?|/", w)), default=0)


def column_widths(graph: Graph, shape: Shape) -> list[int]:
    """Each column's width: as the shape says, or wider when a word would
    not fit (a name is never cut)."""
    widths = []
    for column, (title, width) in zip(graph.columns, shape.columns, strict=True):
        longest = max(
            (max(longest_word(n.label), math.ceil(longest_word(n.note) * BOLD)) for n in column),
            default=0,
        )
        title_width = len(title) * CHAR_WIDTH * 16 / FONT_SIZE * 1.1
        widths.append(max(width, math.ceil(longest * CHAR_WIDTH + 2 * 10), math.ceil(title_width)))
    return widths


def layout(graph: Graph, shape: Shape) -> tuple[float, float]:
    x = float(MARGIN)
    heights = []
    graph.widths = column_widths(graph, shape)
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


def edge_ports(graph: Graph) -> dict[tuple[int, int], tuple[float, float]]:
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
            group = sorted(table[id(node)], key=lambda j: other_end(graph, j, side).y)
            slot = group.index(i)
            y = node.y + node.height * (slot + 1) / (len(group) + 1)
            x = node.x + node.width if side == 0 else node.x
            ports[(i, side)] = (x, y)
    return ports


def other_end(graph: Graph, edge: int, side: int) -> Node:
    a, b = graph.edges[edge]
    return b if side == 0 else a
