"""This API's own description, OpenAPI 3.1, made from every route's declaration."""

from __future__ import annotations

from chalicelib import schemas as s
from chalicelib.openapi import build_document
from chalicelib.routes.adapter import (
    OPERATIONS,
    Answer,
    Area,
    json_response,
    routes,
)

bp = Area(__name__)
route = routes(bp)


@route(
    "/openapi.json",
    "GET",
    "This API's description (OpenAPI 3.1)",
    response=s.OpenApiDocumentOut,
    errors=(),
    any_origin=True,
)
def openapi() -> Answer:
    return json_response(200, build_document(OPERATIONS, "Livechat API", "1"))
