"""A plain progress bar on standard error, for long notices."""

from __future__ import annotations

import sys
from typing import TextIO

LONG_TEXT = 40_000
"""Characters from which a notice counts as long (about ten pages)."""


class Progress:
    """``step()`` per unit of work; draws only when the work is long."""

    def __init__(self, label: str, total: int, *, show: bool, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self.show = show
        self.stream = stream or sys.stderr
        self._drawn = -1

    def step(self, amount: int = 1) -> None:
        self.done = min(self.total, self.done + amount)
        if not self.show:
            return
        percent = self.done * 100 // self.total
        if percent != self._drawn:
            self._drawn = percent
            filled = percent // 4
            bar = "#" * filled + "-" * (25 - filled)
            self.stream.write(f"\r{self.label:<12} [{bar}] {percent:3d}%")
            if self.done == self.total:
                self.stream.write("\n")
            self.stream.flush()

    def finish(self) -> None:
        self.step(self.total - self.done)
