"""A third-party fuzzer (schemathesis) over the API's own `/openapi.json`, as an anonymous caller,
a visitor, an agent and an admin: no answer is a server error, every status a route answers is
one its entry in the document lists, and every answer matches the response schema the document
declares. Examples are bounded and derandomized, so that each run
sends the same requests and takes the same time."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
import schemathesis
from chalice.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

EXAMPLES_PER_OPERATION = 8
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def chalice_as_wsgi(client: Client):
    """The Chalice app behind a WSGI face, the transport schemathesis drives in-process."""

    def wsgi(environ, start_response):
        path = quote(environ.get("PATH_INFO", "/"))
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        reply = client.http.request(environ["REQUEST_METHOD"], path, headers=headers, body=body)
        start_response(f"{reply.status_code} -", [(k, str(v)) for k, v in reply.headers.items()])
        return [reply.body or b""]

    return wsgi


@pytest.fixture
def schema(api):
    wsgi = chalice_as_wsgi(api.client)
    return schemathesis.openapi.from_wsgi("/openapi.json", wsgi)


def role_headers(api, role: str) -> dict:
    if role == "visitor":
        visitor = api.visitor(connect=False)
        api.ask(visitor)
        return visitor.auth
    if role == "agent":
        return api.agent("Paula", ("sales",), online=False).auth
    if role == "admin":
        return api.admin.auth
    return {}


@pytest.mark.timeout(600)
@pytest.mark.parametrize("role", ["anonymous", "visitor", "agent", "admin"])
def test_the_fuzzer_finds_no_server_error_and_no_answer_off_schema(api, schema, role):
    api.agent("Sven", ("sales",))  # someone can answer, so that chats can start
    headers = role_headers(api, role)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30

    for operation in operations:

        @given(
            case=operation.as_strategy(schemathesis.GenerationMode.POSITIVE)
            | operation.as_strategy(schemathesis.GenerationMode.NEGATIVE)
        )
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        fuzz()


def test_the_wsgi_face_passes_bodies_and_queries_through(api):
    wsgi = chalice_as_wsgi(api.client)
    answers = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/admin/agents",
        "QUERY_STRING": "state=bogus",
        "HTTP_AUTHORIZATION": api.admin.auth["Authorization"],
        "wsgi.input": io.BytesIO(b""),
    }

    body = b"".join(wsgi(environ, lambda status, headers: answers.append(status)))

    assert answers == ["400 -"] and b"state" in body
