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
        "dl",
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
    from bs4 import BeautifulSoup, Tag

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(_SKIPPED_TAGS):
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


def _unwrap(page: str) -> str:
    out: list[str] = []
    for line in page.split("\n"):
        stripped = line.strip()
        if (
            out
            and out[-1]
            and stripped
            and stripped[0].islower()
            and not re.search(r"[.:;!?]$", out[-1])
        ):
            out[-1] = out[-1] + " " + stripped
        else:
            out.append(stripped)
    return "\n".join(out)
