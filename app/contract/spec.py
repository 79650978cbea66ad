"""``GET /openapi.json``: the document, built once per process, served like
the API's reads: a strong ETag per content coding, compressed when the
client accepts it, cacheable and revalidated with ``If-None-Match``."""

from __future__ import annotations

from weakref import WeakKeyDictionary

import orjson
from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response

from app.contract.encoded import Encoded, serve

router = APIRouter()
CACHE_CONTROL = "public, max-age=300, must-revalidate"


_DOCUMENTS: WeakKeyDictionary[FastAPI, Encoded] = WeakKeyDictionary()


def encoded_document(app: FastAPI) -> Encoded:
    cached = _DOCUMENTS.get(app)
    if cached is None:
        cached = _DOCUMENTS[app] = Encoded.of(orjson.dumps(app.openapi()))
    return cached


@router.get("/openapi.json", include_in_schema=False)
def openapi_document(request: Request) -> Response:
    return serve(request, encoded_document(request.app), "application/json", CACHE_CONTROL)
