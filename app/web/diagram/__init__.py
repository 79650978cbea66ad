"""The data-flow diagram, drawn server-side as SVG.

Three columns: who the data is about (data subjects), what it is (data
categories) and where it goes (recipients). Arrangements that do not state
their data categories flow through a "not stated" node rather than through
a guessed category. Processors and special category data are marked in
words as well as colour, so the diagram reads in greyscale and in print.

The SVG uses presentation attributes only (no ``<style>``, no script), so it
renders under the strictest Content-Security-Policy and inside ``<img>``.
"""

from app.web.diagram.graph import build_graph
from app.web.diagram.shapes import NARROW, SHAPES, WIDE, Shape
from app.web.diagram.svg import diagram, render, size
from app.web.diagram.text import describe

__all__ = [
    "NARROW",
    "SHAPES",
    "WIDE",
    "Shape",
    "build_graph",
    "describe",
    "diagram",
    "render",
    "size",
]
