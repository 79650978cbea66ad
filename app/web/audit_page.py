"""The completeness audit as a page: the findings of ``app.completeness``
grouped by severity and rule, each linking to the entries concerned, with a
small chart of findings by rule (inline SVG, presentation attributes only)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from markupsafe import Markup

from app.completeness import report
from app.completeness.findings import EntityRef, Finding, Rule, Severity
from app.completeness.rules import RULES
from app.exports.common import Export
from app.register import entities as e
from app.web.register_view import RegisterView
from app.web.templating import Links

SEVERITY_WORDS = {
    Severity.ERROR: ("Errors", "What the law requires and the notice leaves out", "red"),
    Severity.WARNING: ("Warnings", "Gaps against the law and the ICO’s template", "orange"),
    Severity.INFO: ("For information", "Worth a look", "grey"),
}
BAR_COLOURS = {Severity.ERROR: "#d4351c", Severity.WARNING: "#b55000", Severity.INFO: "#505a5f"}
CHART_WIDTH = 640
ROW = 40
LABEL_SPACE = 18


@dataclass(frozen=True)
class RuleFindings:
    rule: Rule
    findings: list[Finding]


@dataclass(frozen=True)
class SeverityGroup:
    severity: Severity
    title: str
    description: str
    colour: str
    rules: list[RuleFindings]

    @property
    def count(self) -> int:
        return sum(len(r.findings) for r in self.rules)


def entity_url(links: Links, ref: EntityRef) -> str:
    """Where a finding's entry is shown: its own page, or for the controller
    the section of the notice about contact details."""
    if ref.type in e.BY_NAME and ref.type != e.CONTROLLERS.name:
        return links.page(ref.type, ref.slug)
    return links.part("contact")


def chart(groups: list[SeverityGroup]) -> Markup:
    """Findings by rule as horizontal bars, longest bar the widest."""
    rows = [(g.severity, r) for g in groups for r in g.rules]
    most = max((len(r.findings) for _s, r in rows), default=0) or 1
    height = len(rows) * ROW + 10
    parts = [
        f'<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" '
        f'height="{height}" viewBox="0 0 {CHART_WIDTH} {height}" role="img" '
        'aria-labelledby="chart-title" font-family="arial, sans-serif" font-size="14">',
        '<title id="chart-title">Findings by rule (the table below gives the numbers)</title>',
    ]
    bar_space = CHART_WIDTH - 60
    for n, (severity, item) in enumerate(rows):
        y = n * ROW
        count = len(item.findings)
        width = bar_space * count / most
        parts.append(f'<text x="0" y="{y + 14}" fill="#0b0c0c">{escape(item.rule.title)}</text>')
        parts.append(
            f'<rect x="0" y="{y + LABEL_SPACE}" width="{max(width, 2):.1f}" height="14" '
            f'fill="{BAR_COLOURS[severity]}"/>'
        )
        parts.append(
            f'<text x="{width + 6:.1f}" y="{y + LABEL_SPACE + 12}" fill="#0b0c0c" '
            f'font-weight="bold">{count}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def context(register: RegisterView) -> dict[str, Any]:
    result = report.run(Export(register.snapshot))
    groups = []
    for severity in Severity:
        title, description, colour = SEVERITY_WORDS[severity]
        rules = [
            RuleFindings(rule, result.for_rule(rule)) for rule in RULES if rule.severity is severity
        ]
        groups.append(SeverityGroup(severity, title, description, colour, rules))
    links = Links(register.snapshot.controller)
    return {
        "register": register,
        "links": links,
        "nav": "audit",
        "report": result,
        "groups": groups,
        "chart": chart([g for g in groups if g.rules]),
        "entity_url": lambda ref: entity_url(links, ref),
    }
