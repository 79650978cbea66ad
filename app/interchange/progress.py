"""Progress of a long load (``seed``, ``import``): a bar on a terminal, nothing elsewhere.

A load reports stages (``start``) and the entries done in each (``advance``);
``on_terminal`` draws them with ``rich`` on standard error when that is a
terminal and the bar disappears when the load ends, so logs, pipes and CI
output keep only the command's own summary line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress as Bar
    from rich.progress import TaskID


class Progress(Protocol):
    def start(self, stage: str, total: int) -> None:
        """A new stage of ``total`` steps begins."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more of the current stage are done."""


class Quiet:
    """Reports nothing (not on a terminal, or a caller that wants no output)."""

    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass


QUIET = Quiet()


class _Bar:
    def __init__(self, bar: Bar, label: str) -> None:
        self._bar = bar
        self._label = label
        self._task: TaskID | None = None

    def start(self, stage: str, total: int) -> None:
        description = f"{self._label}: {stage}"
        if self._task is None:
            self._task = self._bar.add_task(description, total=total)
        else:
            self._bar.reset(self._task, total=total, description=description)

    def advance(self, steps: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, steps)


@contextmanager
def on_terminal(label: str, stream: TextIO | None = None) -> Iterator[Progress]:
    """A progress bar labelled ``label`` on ``stream`` (standard error) when
    it is a terminal; else ``QUIET``. ``rich`` is imported only when drawn."""
    stream = stream or sys.stderr
    if not stream.isatty():
        yield QUIET
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    bar = Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=stream),
        transient=True,
    )
    with bar:
        yield _Bar(bar, label)
