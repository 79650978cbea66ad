"""The notice cut into blocks (headings, paragraphs, list items, table rows),
each with its character offsets in the text, and blocks into sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.drafting.model import Quote

_HEADING_MD = re.compile(r"^(\s*)(#{1,6})\s+(.+?)\s*#*\s*$")
_ITEM = re.compile(
    r"^(\s*)([-*+•●▪◦‣·o\uf0b7\uf0a7➢✓]|\d{1,2}[.)]|\([a-z0-9]{1,3}\)|[a-z][.)])\s+(\S.*?)\s*$"
)
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)([^*_].{0,88}?)\1\s*:?\s*$")
_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_RULE_ROW = re.compile(r"^[\s|:\-]+$")
_LABEL_VALUE = re.compile(r"^[A-Z][\w /-]{0,25}\s?:\s*\S")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "No.", "Ltd.", "Co.")


@dataclass
class Block:
    kind: str  # heading | para | item | row
    start: int
    end: int
    text: str
    depth: int = 0
    heading: Block | None = None
    parent: Block | None = None
    intro: Quote | None = None
    cells: list[Quote] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    index: int = 0

    @property
    def quote(self) -> Quote:
        return Quote(self.start, self.end, self.text)


def _line_spans(text: str) -> list[tuple[int, str]]:
    spans, offset = [], 0
    for line in text.split("\n"):
        spans.append((offset, line))
        offset += len(line) + 1
    return spans


_NUMBERED_HEADING = re.compile(r"^(\s*\d{1,2}(?:\.\d{1,2})*[.)]?)\s+([A-Z].*?)\s*$")


def _numbered_heading(
    lines: list[tuple[int, str]], number: int, title: str, before_blank: bool, after_blank: bool
) -> bool:
    """``1. Who we are`` standing alone, followed by prose rather than the
    next item of a list: a numbered section heading."""
    if not (before_blank and after_blank and _looks_like_heading(title, True, True)):
        return False
    following = next((line for _offset, line in lines[number + 1 :] if line.strip()), "")
    preceding = next((line for _offset, line in reversed(lines[:number]) if line.strip()), "")
    numbered = re.compile(r"^\s*\d{1,2}[.)]\s")
    return bool(following) and not numbered.match(following) and not numbered.match(preceding)


def _looks_like_heading(line: str, before_blank: bool, after_blank: bool) -> bool:
    stripped = line.strip()
    words = stripped.split()
    if not words or len(words) > 12 or len(stripped) > 90 or not before_blank:
        return False
    if stripped[-1] in ".,;:" or re.search(r"@|https?://|www\.", stripped):
        return False
    if _LABEL_VALUE.match(stripped) or not (stripped[0].isupper() or stripped[0].isdigit()):
        return False
    capitals = re.sub(r"[^A-Za-z]", "", stripped)
    shouted = len(capitals) >= 4 and capitals.isupper()  # "WHAT WE COLLECT"
    return after_blank or stripped.endswith("?") or shouted


def segment(text: str) -> list[Block]:
    """Blocks of the text in order; list items know their intro and parent."""
    lines = _line_spans(text)
    blocks: list[Block] = []
    heading: Block | None = None
    table_header: list[str] | None = None
    previous_blank = True
    for number, (offset, line) in enumerate(lines):
        next_blank = number + 1 >= len(lines) or not lines[number + 1][1].strip()
        if not line.strip():
            previous_blank = True
            table_header = None
            continue
        block: Block | None = None
        if match := _HEADING_MD.match(line):
            block = Block("heading", offset + match.start(3), offset + match.end(3), match.group(3))
        elif match := _BOLD_LINE.match(line):  # "**Who we share it with**" on a line of its own
            block = Block("heading", offset + match.start(2), offset + match.end(2), match.group(2))
        elif match := _ROW.match(line):
            if _RULE_ROW.match(line):
                previous_blank = False
                continue
            cells = _cells(offset + match.start(1), match.group(1))
            if table_header is None:
                table_header = [c.text for c in cells]
                block = Block("row", offset, offset + len(line), line.strip(), cells=cells)
                block.header = []
            else:
                block = Block("row", offset, offset + len(line), line.strip(), cells=cells)
                block.header = list(table_header)
        elif (match := _NUMBERED_HEADING.match(line)) and _numbered_heading(
            lines, number, match.group(2), previous_blank, next_blank
        ):
            block = Block("heading", offset + match.start(2), offset + match.end(2), match.group(2))
        elif match := _ITEM.match(line):
            indent = len(match.group(1).replace("\t", "    "))
            block = Block("item", offset + match.start(3), offset + match.end(3), match.group(3))
            block.depth = indent
        elif (
            blocks
            and not previous_blank
            and blocks[-1].kind in ("para", "item")
            and not _looks_like_heading(line, False, next_blank)
            and (blocks[-1].kind == "para" or line[:1].isspace() or line.strip()[:1].islower())
        ):
            last = blocks[-1]  # a wrapped line continues its block
            last.end = offset + len(line.rstrip())
            last.text = text[last.start : last.end]
            previous_blank = False
            continue
        elif _looks_like_heading(line, previous_blank, next_blank):
            lead = len(line) - len(line.lstrip())
            block = Block("heading", offset + lead, offset + len(line.rstrip()), line.strip())
        else:
            lead = len(line) - len(line.lstrip())
            block = Block("para", offset + lead, offset + len(line.rstrip()), line.strip())
        if block.kind == "heading":
            heading = block
        else:
            block.heading = heading
        block.index = len(blocks)
        blocks.append(block)
        previous_blank = False
    _link_items(blocks)
    return blocks


def _cells(offset: int, inner: str) -> list[Quote]:
    cells, position = [], 0
    for part in inner.split("|"):
        lead = len(part) - len(part.lstrip())
        stripped = part.strip()
        if stripped:
            start = offset + position + lead
            cells.append(Quote(start, start + len(stripped), stripped))
        else:
            cells.append(Quote(offset + position, offset + position, ""))
        position += len(part) + 1
    return cells


def _link_items(blocks: list[Block]) -> None:
    """Depth as nesting level; each item's parent item and the sentence
    that introduces its list."""
    run: list[Block] = []
    for position, block in enumerate(blocks):
        if block.kind != "item":
            run = []
            continue
        if not run:
            intro = _intro(blocks, position)
            indents: list[int] = []
        run.append(block)
        indent = block.depth
        if indent not in indents:
            indents.append(indent)
            indents.sort()
        block.depth = indents.index(indent)
        block.intro = intro
        for earlier in reversed(run[:-1]):
            if earlier.depth < block.depth:
                block.parent = earlier
                break


def _intro(blocks: list[Block], position: int) -> Quote | None:
    if position == 0:
        return None
    before = blocks[position - 1]
    if before.kind == "heading":  # a heading right above a list introduces it
        return before.quote
    if before.kind != "para":
        return None
    found = sentences(before)
    return found[-1] if found else None


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z“\"‘(0-9•])")


def sentences(block: Block) -> list[Quote]:
    """The block's sentences with their offsets."""
    text, result, begin = block.text, [], 0
    for match in _SENTENCE_END.finditer(text):
        head = text[begin : match.start()]
        if head.endswith(_ABBREVIATIONS) or re.search(r"\b[A-Z]\.$", head):
            continue
        piece = text[begin : match.start()].rstrip()
        if piece:
            result.append(Quote(block.start + begin, block.start + begin + len(piece), piece))
        begin = match.end()
    tail = text[begin:].rstrip()
    if tail:
        result.append(Quote(block.start + begin, block.start + begin + len(tail), tail))
    return result


def sub_quote(quote: Quote, start: int, end: int) -> Quote:
    """Part of a quote, by offsets within it, stripped of outer blanks and
    punctuation that belongs to the surrounding sentence."""
    piece = quote.text[start:end]
    lead = len(piece) - len(piece.lstrip(" ,;:–-—\t"))
    piece = piece.strip(" ,;:–-—\t")
    while piece.endswith((".", ",", ";", ":")) and not piece.endswith(("etc.", "Ltd.")):
        piece = piece[:-1].rstrip()
    absolute = quote.start + start + lead
    return Quote(absolute, absolute + len(piece), piece)
