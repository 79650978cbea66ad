"""Walks of the register's self-referencing types (category groups, Acts' parts).

One implementation for every in-memory walk: the ``/sharing`` index, the
data category detail and the notice pages all ask "what is below" or "what
is related" the same way the SQL filters do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

Node = TypeVar("Node", bound=Hashable)


def _walk(edges: Mapping[Node, Iterable[Node]], start: Iterable[Node]) -> set[Node]:
    found: set[Node] = set()
    stack = list(start)
    while stack:
        node = stack.pop()
        if node not in found:
            found.add(node)
            stack.extend(edges.get(node, ()))
    return found


@dataclass(frozen=True)
class Tree(Generic[Node]):
    """Parent links of a self-referencing type, by slug or by id."""

    up: dict[Node, list[Node]]
    down: dict[Node, list[Node]]

    @classmethod
    def of(cls, rows: Iterable[tuple[Node, Node | None]]) -> Tree[Node]:
        """A tree from ``(node, parent)`` pairs (``None``: a root)."""
        up: dict[Node, list[Node]] = defaultdict(list)
        down: dict[Node, list[Node]] = defaultdict(list)
        for node, parent in rows:
            if parent is not None:
                up[node].append(parent)
                down[parent].append(node)
        return cls(dict(up), dict(down))

    def children(self, node: Node) -> list[Node]:
        return self.down.get(node, [])

    def below(self, nodes: Iterable[Node]) -> set[Node]:
        """The nodes and everything below them (an Act and its sections)."""
        return _walk(self.down, nodes)

    def related(self, nodes: Iterable[Node]) -> set[Node]:
        """Sharing a group shares its items; sharing an item shares part of its group."""
        start = list(nodes)
        return _walk(self.down, start) | _walk(self.up, start)
