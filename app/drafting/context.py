"""What every extractor reads: the text, its blocks and the draft so far."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from app.drafting.model import Draft, Quote
from app.drafting.segment import Block, sentences
from app.drafting.topics import Topic, block_topic, topic_of


@dataclass
class Context:
    text: str
    blocks: list[Block]
    draft: Draft
    topics: dict[int, Topic] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for block in self.blocks:
            if block.kind in ("item", "row"):
                self.topics[block.index] = block_topic(block)
            elif block.kind == "para":
                section = topic_of(block.heading.text) if block.heading else Topic.OTHER
                self.topics[block.index] = section

    def items(self, topic: Topic, *, top_only: bool = False) -> Iterator[Block]:
        """List items and table data rows about the topic (not header rows)."""
        for block in self.blocks:
            if block.kind == "row" and not block.header:
                continue
            if block.kind in ("item", "row") and self.topics.get(block.index) is topic:
                if top_only and block.parent is not None:
                    continue
                yield block

    def children(self, block: Block) -> list[Block]:
        return [b for b in self.blocks if b.parent is block]

    def sentences(self) -> Iterator[tuple[Block, Quote]]:
        """Every sentence of every paragraph and item."""
        for block in self.blocks:
            if block.kind in ("para", "item"):
                for sentence in sentences(block):
                    yield block, sentence

    def quote_at(self, start: int, end: int) -> Quote:
        return Quote(start, end, self.text[start:end])


def row_cell(block: Block, *names: str) -> Quote | None:
    """The cell of a table row under the first header naming one of ``names``."""
    for position, title in enumerate(block.header):
        if any(re.search(name, title, re.I) for name in names) and position < len(block.cells):
            cell = block.cells[position]
            return cell if cell.text else None
    return None


def row_subject(block: Block, *names: str) -> Quote:
    """The cell a table row is about: the one under a header naming one of
    ``names``, else its first non-empty one; an item's own words."""
    if block.kind == "row":
        return row_cell(block, *names) or next((c for c in block.cells if c.text), block.quote)
    return block.quote
