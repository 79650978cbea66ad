"""The JSON-LD document: the register's dataset node and its graph, and the
export's response."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from app.exports.common import Export, ExportFormat, export_response
from app.exports.content import PURPOSE, RegisterView
from app.exports.jsonld.iris import Iris
from app.exports.jsonld.nodes import controller_node, entity_nodes
from app.exports.jsonld.processes import process, purpose_process
from app.exports.jsonld.statements import statements
from app.exports.jsonld.terms import CONTEXT, STAMP_TERMS, ref

FORMAT = ExportFormat("jsonld", "application/ld+json", "jsonld", attachment=False)
MEDIA_TYPE = FORMAT.media_type


def graph(iris: Iris, export: Export) -> list[dict[str, Any]]:
    register: dict[str, Any] = {
        "@id": iris.register_iri(),
        "@type": "dcat:Dataset",
        "dct:title": f"Data sharing register of {iris.view.controller['name']}",
        "dct:publisher": ref(iris.controller_iri()),
        "prov:generatedAtTime": export.generated_at,
        "dsr:contentDigest": export.digest,
    }
    for key, value in export.stamps.items():
        if value is not None and key in STAMP_TERMS:
            register[STAMP_TERMS[key]] = value
    nodes = [register, controller_node(iris), *entity_nodes(iris)]
    for activity in iris.view.activities():
        if activity.kind != PURPOSE:
            nodes.append(process(iris, activity))
    nodes.extend(purpose_process(iris, p) for p in iris.view.section("purposes"))
    nodes.extend(statements(iris))
    return nodes


def build(export: Export, base_url: str) -> dict[str, Any]:
    iris = Iris(RegisterView(export.snapshot.content), base_url)
    return {"@context": CONTEXT, "@graph": graph(iris, export)}


def response(request: Request, export: Export) -> Response:
    base_url = str(request.base_url)
    return export_response(
        request,
        export,
        FORMAT,
        lambda: orjson.dumps(build(export, base_url)),
        variant=base_url,
    )
