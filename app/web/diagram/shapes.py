"""The diagram's two shapes (wide, and narrow for a phone), its metrics,
colours and legend."""

from __future__ import annotations

from dataclasses import dataclass

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


LEGEND_RUNS = (
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
    LEGEND_RUNS,
)
NARROW = Shape((("About whom", 110), ("What data", 120), ("Who receives it", 140)), 24, LEGEND_RUNS)
"""Fits a phone's width (about 450 px, drawn at 390 with 12 px text)."""
SHAPES = {"wide": WIDE, "narrow": NARROW}
EMPTY = (640, 140)
