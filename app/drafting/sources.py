"""A notice file as plain text: text and Markdown as they are, HTML through
Beautiful Soup, PDF through pypdf. HTML keeps its structure in Markdown form
(headings ``#``, list items ``-``, table rows ``|``) so segmenting sees it."""

from __future__ import annotations

import re
from pathlib import Path

from app.drafting.progress import Progress

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
PDF_SUFFIXES = frozenset({".pdf"})
_SKIPPED_TAGS = ("script", "style", "noscript", "template", "svg", "nav", "footer", "form")
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "aside",
        "address",
        "blockquote",
        "dt",
        "dd",
        "figure",
        "figcaption",
        "pre",
        "body",
        "html",
    }
)


class NoticeError(Exception):
    """The notice cannot be read."""


def read_notice(path: Path, *, show_progress: bool = False) -> str:
    """The text of a notice file, by its suffix (anything else is read as text)."""
    if not path.is_file():
        raise NoticeError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return pdf_text(path, show_progress=show_progress)
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    if suffix in HTML_SUFFIXES or re.match(r"\s*(<!doctype html|<html)", text, re.I):
        return html_text(text)
    return normalise(text)


def normalise(text: str) -> str:
    """Line endings, non-breaking spaces and trailing blanks made plain."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n") + "\n"


def _inline(node: object) -> str:
    from bs4.element import NavigableString, Tag

    if isinstance(node, NavigableString):
        return str(node)
    if isinstance(node, Tag):
        if node.name == "br":
            return " "
        return "".join(_inline(child) for child in node.children)
    return ""


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def html_text(markup: str) -> str:
    """HTML as Markdown-like text: one line per block, list and table marks kept."""
    from bs4 import BeautifulSoup
    from bs4.element import Comment, Doctype, Tag

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(("head", *_SKIPPED_TAGS)):
        tag.decompose()
    lines: list[str] = []

    def emit_list(listing: Tag, depth: int) -> None:
        for number, item in enumerate(listing.find_all("li", recursive=False), 1):
            mark = f"{number}." if listing.name == "ol" else "-"
            nested = item.find_all(["ul", "ol"], recursive=False)
            own = "".join(_inline(c) for c in item.children if c not in nested)
            if _squash(own):
                lines.append("  " * depth + f"{mark} {_squash(own)}")
            for sub in nested:
                emit_list(sub, depth + 1)

    def walk(node: Tag, depth: int) -> None:
        for child in node.children:
            if isinstance(child, (Doctype, Comment)):
                continue
            if not isinstance(child, Tag):
                text = _squash(str(child))
                if text:
                    lines.append(text)
                continue
            name = child.name
            if re.fullmatch(r"h[1-6]", name):
                lines.extend(["", "#" * int(name[1]) + " " + _squash(_inline(child)), ""])
            elif name in ("ul", "ol"):
                emit_list(child, depth)
                lines.append("")
            elif name == "dl":  # terms and their descriptions: one item each
                for term in child.find_all("dt"):
                    description = term.find_next_sibling("dd")
                    words = _squash(_inline(term))
                    if description is not None:
                        words += " – " + _squash(_inline(description))
                    lines.append("  " * depth + f"- {words}")
                lines.append("")
            elif name == "table":
                for row in child.find_all("tr"):
                    cells = [_squash(_inline(c)) for c in row.find_all(["th", "td"])]
                    if any(cells):
                        lines.append("| " + " | ".join(cells) + " |")
                lines.append("")
            elif name in _BLOCK_TAGS or any(
                isinstance(c, Tag) and (c.name in _BLOCK_TAGS or c.name in ("ul", "ol", "table"))
                for c in child.children
            ):
                lines.append("")
                walk(child, depth)
                lines.append("")
            else:
                text = _squash(_inline(child))
                if text:
                    lines.append(text)

    walk(soup, 0)
    joined = "\n".join(lines)
    # Inline runs split over several lines (text, a link, text) become one line.
    paragraphs = [
        " ".join(part for part in block.split("\n")) if not _structured(block) else block
        for block in re.split(r"\n{2,}", joined)
    ]
    return normalise("\n\n".join(p.strip("\n") for p in paragraphs if p.strip()))


def _structured(block: str) -> bool:
    return any(re.match(r"\s*(#|[-*•]|\d+\.|\|)\s", line) for line in block.split("\n"))


def pdf_text(path: Path, *, show_progress: bool = False) -> str:
    """A PDF's text page by page, lines wrapped mid-sentence joined again."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = reader.pages
        progress = Progress("reading", len(pages), show=show_progress and len(pages) > 10)
        texts = []
        for page in pages:
            texts.append(page.extract_text() or "")
            progress.step()
    except (PdfReadError, OSError, ValueError) as exc:
        raise NoticeError(f"{path}: not a readable PDF ({exc})") from None
    return normalise("\n\n".join(_unwrap(t) for t in texts))


_BULLET = re.compile(r"^([-*•●▪◦‣·\uf0b7\uf0a7➢✓]|\d{1,2}[.)]|\([a-z0-9]{1,3}\))\s")
_WRAPPED = 60
"""A line at least this long that ends mid-sentence was wrapped by the layout."""


def _unwrap(page: str) -> str:
    """A PDF page's lines as blocks: wrapped lines joined, blank lines around
    short title-like lines and after sentences, so headings and paragraphs
    show as they do in text."""
    out: list[str] = []
    for line in (raw.strip() for raw in page.split("\n")):
        if not line:
            continue
        last = out[-1] if out else ""
        title_like = (
            len(line) < _WRAPPED and not re.search(r"[.:;,]$", line) and not _BULLET.match(line)
        )
        wrapped = len(last) >= _WRAPPED and not title_like and not _BULLET.match(last)
        continues = (
            last
            and not _BULLET.match(line)
            and not re.search(r"[.:;!?]$", last)
            and (line[0].islower() or wrapped)
        )
        if continues:
            out[-1] = last + " " + line
            continue
        ends_block = re.search(r"[.!?]$", last) or _BULLET.match(last)
        if out and (title_like or (ends_block and not _BULLET.match(line))):
            out.append("")
        out.append(line)
        if title_like:
            out.append("")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))
