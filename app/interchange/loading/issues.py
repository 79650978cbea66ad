"""Problems of the content being loaded, each naming where it is (file or
document path, entry, field), and the error that carries them all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.errors import InvalidInput


@dataclass(frozen=True)
class LoadIssue:
    where: str
    entry: str
    field: str | None
    message: str

    def __str__(self) -> str:
        location = f"{self.where}: {self.entry}"
        if self.field:
            location += f": {self.field}"
        return f"{location}: {self.message}"


class LoadError(InvalidInput):
    def __init__(self, issues: Sequence[LoadIssue]) -> None:
        super().__init__(
            f"{len(issues)} problem(s) in the register content; nothing was loaded.",
            errors=[
                {"where": i.where, "entry": i.entry, "field": i.field, "msg": i.message}
                for i in issues
            ],
        )
        self.issues = list(issues)
