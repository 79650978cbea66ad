"""``GET /api/v1/register/audit``: the completeness audit of one register."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from app.api.deps import only_params
from app.completeness import report
from app.completeness.findings import Severity
from app.errors import problem_responses
from app.exports.common import SNAPSHOT_PARAMS, ExportDep, ExportFormat, export_response

router = APIRouter(prefix="/api/v1")

FORMAT = ExportFormat("audit", "application/json", "audit.json", attachment=False)


class EntityRefOut(BaseModel):
    type: str = Field(description="Entity type (URL segment), e.g. 'sharing'.")
    slug: str
    name: str
    field: str | None = None


class FindingOut(BaseModel):
    rule: str
    severity: Severity
    entities: list[EntityRefOut]
    message: str


class InferenceOut(BaseModel):
    entity: EntityRefOut = Field(description="The entity; `field` is the fact's key.")
    value: str = Field(description="The inferred value, in words.")
    quotes: list[str] = Field(description="The notice's words it rests on, verbatim.")
    reasoning: str = Field(description="Why the register reads the quotes so.")
    message: str


class RuleOut(BaseModel):
    id: str
    severity: Severity
    title: str
    reference: str
    findings: int
    passed: bool


class AuditOut(BaseModel):
    controller: str
    generated_at: str
    digest: str
    data_version: int | None = None
    as_of: str | None = None
    version: str | None = None
    passed: bool = Field(description="No rule of severity 'error' fails.")
    summary: dict[str, int] = Field(
        description="Findings in all and by severity, and `to_confirm`: inferred values."
    )
    rules: list[RuleOut]
    findings: list[FindingOut] = Field(description="The gaps: what the notice leaves out.")
    to_confirm: list[InferenceOut] = Field(
        description="Values the register infers rather than quotes, with the quotes and "
        "reasoning a person should confirm. Apart from the gaps: they never fail the audit."
    )


@router.get(
    "/register/audit",
    response_model=AuditOut,
    summary="What the register (and its notice) leaves out",
    tags=["register"],
    operation_id="audit_register",
    dependencies=[Depends(only_params(*SNAPSHOT_PARAMS))],
    responses=problem_responses(404, 422, 501),
)
def audit_register(request: Request, export: ExportDep) -> Response:
    """Every gap against UK GDPR Article 30(1), Articles 13/14 and the ICO
    template: rule, severity, the entities concerned and a plain-English message;
    then, apart, every value the register infers, for a person to confirm."""
    return export_response(
        request, export, FORMAT, lambda: orjson.dumps(report.run(export).as_dict())
    )
