"""The review report: the notice's text with every drafted fact's quotes
highlighted and linked to the fact, facts grouped by entity type with the
least certain first."""

from __future__ import annotations

import itertools
from html import escape
from pathlib import Path
from typing import Any

import yaml

from app.drafting.model import Draft
from app.drafting.writer import REVIEW_FILE

_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;display:grid;grid-template-columns:1fr 1fr;gap:1rem}
main,aside{padding:1rem;max-height:100vh;overflow:auto}
pre{white-space:pre-wrap;font:inherit;line-height:1.5}
mark{background:#fff2a8}mark a{color:inherit;text-decoration:none}
mark.low{background:#ffc9c9}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem;table-layout:fixed}
td,th{border:1px solid #ccc;padding:.25rem .4rem;vertical-align:top;text-align:left;font-size:.8rem;
overflow-wrap:anywhere}
col.entry{width:17%}col.fact{width:14%}col.basis{width:9%}col.confidence{width:8%}
col.quotes{width:30%}col.reasoning{width:14%}col.review{width:8%}
.low-row{background:#fff0f0}
"""
LOW = 0.7
_COLUMNS = (
    "<colgroup>"
    + "".join(
        f'<col class="{name}">'
        for name in ("entry", "fact", "basis", "confidence", "quotes", "reasoning", "review")
    )
    + "</colgroup>"
)


def write_report(draft: Draft, folder: Path, out: Path) -> None:
    """Write the report of a written draft folder (it reads the review file)."""
    review: dict[str, Any] = yaml.safe_load((folder / REVIEW_FILE).read_text(encoding="utf-8"))
    out.write_text(render(draft.text, review), encoding="utf-8")


def render(text: str, review: dict[str, Any]) -> str:
    spans: list[tuple[int, int, str, float]] = []
    rows_by_type: dict[str, list[tuple[float, str]]] = {}
    number = 0
    for entity in review["entities"]:
        entry = {
            "key": "(the entry)",
            "basis": "stated",
            "confidence": entity["confidence"],
            "review": entity["review"],
            "quotes": entity["quotes"],
        }
        for fact in [entry, *entity["facts"]]:
            number += 1
            anchor = f"fact-{number}"
            confidence = float(fact["confidence"])
            for quote in fact["quotes"] or entity["quotes"]:
                spans.append((quote["start"], quote["end"], anchor, confidence))
            quotes = "<br>".join(f"“{escape(q['text'])}”" for q in fact["quotes"]) or "—"
            row = (
                f'<tr id="{anchor}" class="{"low-row" if confidence < LOW else ""}">'
                f"<td>{escape(entity['name'])}</td><td><code>{escape(fact['key'])}</code></td>"
                f"<td>{escape(fact['basis'])}</td><td>{confidence:.2f}</td>"
                f"<td>{quotes}</td><td>{escape(fact.get('reasoning') or '')}</td>"
                f"<td>{escape(fact['review'])}</td></tr>"
            )
            rows_by_type.setdefault(entity["file"], []).append((confidence, row))
    tables = []
    for file, rows in rows_by_type.items():
        ordered = "".join(row for _c, row in sorted(rows, key=lambda r: r[0]))
        tables.append(
            f"<h2>{escape(file)}</h2><table>{_COLUMNS}<thead><tr><th>entry</th><th>fact</th>"
            f"<th>basis</th><th>confidence</th><th>quotes</th><th>reasoning</th>"
            f"<th>review</th></tr></thead><tbody>{ordered}</tbody></table>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Draft register: review</title><style>{_STYLE}</style></head><body>"
        f"<main><h1>Notice</h1><pre>{_highlighted(text, spans)}</pre></main>"
        f"<aside><h1>Drafted facts</h1>"
        f"<p>Every fact is pending review; the least certain come first.</p>{''.join(tables)}"
        "</aside></body></html>"
    )


def _highlighted(text: str, spans: list[tuple[int, int, str, float]]) -> str:
    """The text with each stretch that some quote covers marked and linked to
    the first fact quoting it (lowest confidence wins the colour)."""
    points = sorted(
        {0, len(text), *(s for s, _e, _a, _c in spans), *(e for _s, e, _a, _c in spans)}
    )
    out = []
    for begin, end in itertools.pairwise(points):
        piece = escape(text[begin:end])
        covering = [(c, a) for s, e, a, c in spans if s <= begin and end <= e]
        if covering:
            confidence, anchor = min(covering)
            css = ' class="low"' if confidence < LOW else ""
            out.append(f'<mark{css}><a href="#{anchor}">{piece}</a></mark>')
        else:
            out.append(piece)
    return "".join(out)
