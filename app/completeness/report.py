"""Running the rules over one register and presenting the result, as JSON for
the API and as a plain-text table for the command line (same facts): the gaps
(findings of the rules), then the register's own readings to confirm."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from app.completeness import inferences
from app.completeness.findings import Finding, Rule, Severity
from app.completeness.inferences import Inference
from app.completeness.rules import RULES
from app.exports.common import Export
from app.exports.content import RegisterView


@dataclass(frozen=True)
class Report:
    export: Export
    findings: tuple[Finding, ...]
    to_confirm: tuple[Inference, ...] = ()

    @property
    def counts(self) -> Counter[str]:
        return Counter(f.severity.value for f in self.findings)

    @property
    def passed(self) -> bool:
        """No rule of severity "error" fails."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def for_rule(self, rule: Rule) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule.id]

    def as_dict(self) -> dict[str, Any]:
        counts = self.counts
        head: dict[str, Any] = {
            "controller": self.export.controller,
            "generated_at": self.export.generated_at,
            "digest": self.export.digest,
            **{k: v for k, v in self.export.stamps.items() if v is not None},
        }
        return {
            **head,
            "passed": self.passed,
            "summary": {
                "findings": len(self.findings),
                **{severity.value: counts.get(severity.value, 0) for severity in Severity},
                "to_confirm": len(self.to_confirm),
            },
            "rules": [
                {
                    **rule.as_dict(),
                    "findings": len(self.for_rule(rule)),
                    "passed": not self.for_rule(rule),
                }
                for rule in RULES
            ],
            "findings": [f.as_dict() for f in self.findings],
            "to_confirm": [i.as_dict() for i in self.to_confirm],
        }


def run(export: Export) -> Report:
    view = RegisterView(export.snapshot.content)
    findings = tuple(finding for rule in RULES for finding in rule.findings(view))
    return Report(export, findings, inferences.find(view))


def _columns(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def as_table(report: Report) -> str:
    """Rules with their counts, then every finding: what ``sharing-register audit`` prints."""
    export = report.export
    stamps = ", ".join(f"{label}: {value}" for label, value in export.stamp_rows())
    lines = [f"Completeness audit of {export.controller} ({stamps})", ""]
    rule_rows = [["SEVERITY", "RULE", "FINDINGS", "CHECKS"]]
    for rule in RULES:
        count = len(report.for_rule(rule))
        rule_rows.append([rule.severity.value, rule.id, str(count), rule.title])
    lines += _columns(rule_rows)
    if report.findings:
        lines += ["", "Findings:"]
        finding_rows = [["SEVERITY", "RULE", "ENTITY", "MESSAGE"]]
        for finding in report.findings:
            first = finding.entities[0]
            entity = f"{first.type}/{first.slug}" + (f" ({first.field})" if first.field else "")
            finding_rows.append([finding.severity.value, finding.rule, entity, finding.message])
        lines += _columns(finding_rows)
    if report.to_confirm:
        lines += ["", "To confirm (values the register infers; the notice does not state them):"]
        confirm_rows = [["ENTITY", "FACT", "VALUE", "REASONING"]]
        for inference in report.to_confirm:
            ref = inference.entity
            where = f"{ref.type}/{ref.slug}"
            confirm_rows.append([where, ref.field or "", inference.value, inference.reasoning])
        lines += _columns(confirm_rows)
    counts = report.counts
    verdict = "PASSED" if report.passed else "FAILED"
    lines += [
        "",
        f"{verdict}: {counts.get('error', 0)} error(s), {counts.get('warning', 0)} "
        f"warning(s), {counts.get('info', 0)} info; "
        f"{len(report.to_confirm)} inferred value(s) to confirm.",
    ]
    return "\n".join(lines) + "\n"
