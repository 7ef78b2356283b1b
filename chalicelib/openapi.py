"""OpenAPI 3 document generated from the routes' pydantic models (never written by hand)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.schemas import ErrorOut

ERROR_TEXT = {
    400: "invalid input; the message names the field",
    401: "no or bad credentials",
    403: "not allowed",
    404: "unknown id",
    409: "state conflict",
    413: "too large",
    415: "unsupported media type",
    429: "too many requests",
    502: "the change was made, but a message about it (an email) could not be delivered",
}


@dataclass
class Operation:
    path: str
    method: str
    summary: str
    auth: str | None
    status: int
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    errors: tuple[int, ...] = field(default=(400,))


def build_document(operations: list[Operation], title: str, version: str) -> dict:
    models: set[type[BaseModel]] = {ErrorOut}
    for op in operations:
        models |= {m for m in (op.body, op.response, op.query) if m is not None}
    ordered = sorted(models, key=lambda m: m.__name__)
    keys, definitions = models_json_schema(
        [(m, "validation" if m in _inputs(operations) else "serialization") for m in ordered],
        ref_template="#/components/schemas/{model}",
    )
    refs = {model: schema for (model, _), schema in keys.items()}
    paths: dict[str, dict] = {}
    for op in operations:
        paths.setdefault("/" + op.path.lstrip("/"), {})[op.method.lower()] = _operation(op, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "agent": {"type": "http", "scheme": "bearer"},
                "visitor": {"type": "apiKey", "in": "header", "name": "X-Visitor-Token"},
            },
        },
        "paths": paths,
    }


def _inputs(operations: list[Operation]) -> set:
    return {m for op in operations for m in (op.body, op.query) if m is not None}


def _operation(op: Operation, refs: dict) -> dict:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", op.path)
    ]
    if op.query is not None:
        for field_name, info in op.query.model_fields.items():
            name = info.alias or field_name  # `from` is no Python name
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": info.is_required(),
                    "schema": op.query.model_json_schema()["properties"][name],
                }
            )
    success: dict = {"description": "success"}
    if op.response is not None:
        success["content"] = {"application/json": {"schema": refs[op.response]}}
    responses = {str(op.status): success}
    errors = set(op.errors) | ({401, 403} if op.auth else set())
    for status in sorted(errors):
        responses[str(status)] = {
            "description": ERROR_TEXT[status],
            "content": {"application/json": {"schema": refs[ErrorOut]}},
        }
    operation = {"summary": op.summary, "parameters": parameters, "responses": responses}
    if op.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[op.body]}},
        }
    if op.auth in ("agent", "admin"):
        operation["security"] = [{"agent": []}]
    elif op.auth == "visitor":
        operation["security"] = [{"visitor": []}]
    elif op.auth == "any":
        operation["security"] = [{"agent": []}, {"visitor": []}]
    return operation
