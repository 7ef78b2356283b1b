"""GET /openapi.json: a valid OpenAPI 3 document that describes every route of app.py."""

from __future__ import annotations

import json
import re

import pytest
from chalice.test import Client
from openapi_spec_validator import validate

import app as app_module
from chalicelib.routes.adapter import OPERATIONS


@pytest.fixture
def document(tmp_path) -> dict:
    """The document needs no AWS: it is built from the routes' models alone."""
    reply = Client(app_module.app, project_dir=str(tmp_path)).http.get("/openapi.json")
    assert reply.status_code == 200 and reply.headers["Content-Type"] == "application/json"
    return json.loads(reply.body)


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def test_the_document_is_valid_openapi_3(document):
    assert document["openapi"].startswith("3.")
    validate(document)  # raises on any structural error or unresolvable $ref


def test_every_route_of_the_app_is_described(document):
    routes = {  # CORS preflights (OPTIONS) are the browser's business, not operations
        (path, method)
        for path, entries in app_module.app.routes.items()
        for method in entries
        if method != "OPTIONS"
    }
    described = {(path, method) for path, method, _ in operations(document)}

    assert routes - described == set()
    assert described - routes == set()


def test_every_operation_has_its_request_and_response_schemas(document):
    by_key = {(op.path, op.method): op for op in OPERATIONS}
    for path, method, operation in operations(document):
        op = by_key[(path, method)]
        where = f"{method} {path}"
        success = operation["responses"][str(op.status)]
        if op.status in (204, 302):  # no content, or a redirect (the provider's callback)
            assert "content" not in success, where
        else:
            assert success["content"]["application/json"]["schema"]["$ref"], where
        if op.body is not None:
            assert operation["requestBody"]["content"]["application/json"]["schema"], where
        names = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
        assert names == set(re.findall(r"{(\w+)}", path)), where
        if op.query is not None:
            query = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
            fields = op.query.model_fields.items()
            assert query == {info.alias or name for name, info in fields}, where
        if op.auth:
            assert operation["security"] and {"401", "403"} <= set(operation["responses"]), where
        for status in op.errors:
            error = operation["responses"][str(status)]["content"]["application/json"]
            assert error["schema"]["$ref"].endswith("/ErrorOut"), where


def test_the_documented_answers_match_the_contract(document):
    schemas = document["components"]["schemas"]
    room = schemas["RoomOut"]["properties"]
    message = schemas["MessageOut"]["properties"]

    assert {
        "room_id",
        "department_id",
        "state",
        "visitor",
        "agent",
        "position",
        "created_at",
        "taken_at",
        "closed_at",
        "expires_at",
    } <= set(room)
    assert {"message_id", "room_id", "seq", "author", "text", "created_at", "client_id"} <= set(
        message
    )
    error = schemas["ErrorOut"]["properties"]["error"]
    assert error["$ref"].endswith("/ErrorBody")
    assert set(schemas["ErrorBody"]["required"]) == {"code", "message"}
