"""REST requests under /api become API Gateway REST (v1) proxy events for the Chalice app."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
from devserver_support import POOL_SIZE

from devserver.testing import DevServerURLs


def test_event_has_the_rest_api_proxy_shape(http: httpx.Client, server: DevServerURLs):
    response = http.get(
        "/api/items/a%2Bb",
        params=[("x", "1"), ("x", "2"), ("y", "three")],
        headers={"X-Custom": "yes", "User-Agent": "pytest-agent"},
    )

    assert response.status_code == 200
    answer = response.json()
    event = answer["event"]
    assert answer["item_id"] == "a+b"
    assert event["resource"] == "/items/{item_id}"
    assert event["path"] == "/items/a%2Bb"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"item_id": "a+b"}
    assert event["queryStringParameters"] == {"x": "2", "y": "three"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": ["three"]}
    assert event["headers"]["x-custom"] == "yes"
    assert event["multiValueHeaders"]["x-custom"] == ["yes"]
    assert event["stageVariables"] is None
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["resourcePath"] == "/items/{item_id}"
    assert context["httpMethod"] == "GET"
    assert context["stage"] == "api"
    assert context["path"] == "/api/items/a%2Bb"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["userAgent"] == "pytest-agent"
    assert context["requestId"]
    assert context["domainName"] == server.base_url.removeprefix("http://")


def test_body_and_several_path_parameters(http: httpx.Client):
    body = '{"name": "Käse"}'
    put = http.put(
        "/api/items/7", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert put.json()["json_body"] == {"name": "Käse"}
    assert put.json()["event"]["body"] == body

    part = http.get("/api/items/7/parts/9/")  # API Gateway drops a trailing slash
    assert part.json() == {
        "item_id": "7",
        "part_id": "9",
        "path_parameters": {"item_id": "7", "part_id": "9"},
    }


def test_response_status_and_headers_come_from_the_app(http: httpx.Client):
    response = http.post("/api/created")

    assert response.status_code == 201
    assert response.headers["location"] == "/items/new"
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert response.content == b""


def test_unknown_path_is_a_json_404(http: httpx.Client):
    response = http.get("/api/no/such/thing")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_method_the_route_lacks_is_a_405(http: httpx.Client):
    response = http.delete("/api/items/1")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert response.headers["allow"] == "GET, PUT"


def test_cors_preflight_is_answered_for_cors_routes_only(http: httpx.Client):
    preflight = http.options(
        "/api/items/1",
        headers={"Origin": "http://example.org", "Access-Control-Request-Method": "PUT"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert preflight.headers["access-control-allow-methods"] == "GET,PUT,OPTIONS"
    assert "Content-Type" in preflight.headers["access-control-allow-headers"]

    assert http.get("/api/items/1").headers["access-control-allow-origin"] == "*"
    assert http.options("/api/env").status_code == 405


def test_requests_run_concurrently(http: httpx.Client):
    # Each request waits at a barrier until all have arrived: this passes only when the
    # server runs POOL_SIZE invocations at the same time.
    def meet(_: int) -> dict:
        return http.get(f"/api/rendezvous/concurrent/{POOL_SIZE}").json()

    with ThreadPoolExecutor(max_workers=POOL_SIZE) as executor:
        answers = list(executor.map(meet, range(POOL_SIZE)))

    assert answers == [{"met": True}] * POOL_SIZE


def test_app_sees_the_environment_of_the_contract(http: httpx.Client, server: DevServerURLs):
    env = http.get("/api/env").json()

    assert env["DYNAMODB_ENDPOINT"] == server.dynamodb_endpoint
    assert env["WS_URL"] == server.ws_url
    assert env["WS_MANAGEMENT_ENDPOINT"] == server.management_endpoint
    assert env["MAIL_OUTBOX_DIR"] == str(server.data_dir / "outbox")
    assert env["PUBLIC_ORIGIN"] == server.base_url
    assert env["AWS_DEFAULT_REGION"]


def test_demo_page_carries_the_snippet(http: httpx.Client):
    page = http.get("/")

    assert page.status_code == 200
    assert (
        '<script async src="/widget/loader.js" data-department="demo" data-lang="de"></script>'
    ) in page.text
    assert '<html lang="de">' in page.text


def test_widget_and_console_are_served_from_their_folders(http: httpx.Client):
    assert http.get("/widget/loader.js").text == "/* loader */\n"
    assert http.get("/widget/missing.js").status_code == 404
    console = http.get("/console/")
    assert console.status_code == 200
    assert "Console" in console.text


def test_outbox_lists_emails_newest_first(http: httpx.Client, server: DevServerURLs):
    outbox = server.data_dir / "outbox"
    older, newer = outbox / "older.eml", outbox / "newer.eml"
    for path, subject, age in ((older, "Bitte bestätigen <Konto>", 60), (newer, "Neu", 0)):
        sent = datetime.fromtimestamp(time.time() - age, UTC)
        path.write_text(
            f"From: chat@example.org\nTo: agent@example.org\nSubject: {subject}\n"
            f"Date: {format_datetime(sent)}\n\nHallo\n",
            encoding="utf-8",
        )
        os.utime(path, (sent.timestamp(), sent.timestamp()))
    try:
        listing = http.get("/dev/outbox", headers={"Accept": "application/json"}).json()
        names = [message["name"] for message in listing["messages"]]
        assert names[:2] == ["newer.eml", "older.eml"]
        assert listing["messages"][1]["subject"] == "Bitte bestätigen <Konto>"
        assert listing["messages"][1]["to"] == "agent@example.org"

        page = http.get("/dev/outbox")
        assert "text/html" in page.headers["content-type"]
        assert "Bitte bestätigen &lt;Konto&gt;" in page.text

        raw = http.get(listing["messages"][1]["url"])
        assert raw.status_code == 200
        assert "Subject: Bitte bestätigen <Konto>" in raw.text
        assert http.get("/dev/outbox/..%2F..%2Fetc%2Fpasswd").status_code == 404
        assert http.get("/dev/outbox/missing.eml").status_code == 404
    finally:
        older.unlink()
        newer.unlink()
