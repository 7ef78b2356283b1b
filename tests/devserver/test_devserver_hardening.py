"""The devserver believes no proxy header, forwards REST calls as the stack's CloudFront does
(naming the real peer, with a secret of its own), serves the console with its security headers,
and writes no query string (tokens, tickets) to its logs."""

from __future__ import annotations

import logging
import os

import httpx
from devserver_support import WAIT_SECONDS, Journal
from websockets.sync.client import connect

from chalicelib.addresses import viewer_address
from devserver.server import REDACTED_LOGGERS, QueryStringRedactor
from devserver.testing import DevServerURLs

SPOOFED = {
    "X-Forwarded-For": "203.0.113.9",
    "Forwarded": "for=203.0.113.9",
    "X-Real-IP": "203.0.113.9",
}


def test_a_spoofed_forwarding_header_is_not_the_source_address(http: httpx.Client):
    answer = http.get("/api/items/x", headers=SPOOFED).json()

    assert answer["event"]["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"


def test_rest_calls_name_the_real_peer_with_the_runs_origin_secret_as_cloudfront_would(
    http: httpx.Client,
):
    claimed = {"CloudFront-Viewer-Address": "203.0.113.9:443", "X-Origin-Verify": "guessed"}

    event = http.get("/api/items/x", headers=claimed).json()["event"]

    secret = os.environ["ORIGIN_VERIFY_SECRET"]  # what the app copies read
    assert len(secret) >= 32 and secret != "guessed"
    assert event["headers"]["x-origin-verify"] == secret
    assert event["headers"]["cloudfront-viewer-address"].startswith("127.0.0.1:")
    assert event["multiValueHeaders"]["x-origin-verify"] == [secret]
    assert len(event["multiValueHeaders"]["cloudfront-viewer-address"]) == 1
    source_ip = event["requestContext"]["identity"]["sourceIp"]
    assert viewer_address(event["headers"], source_ip, secret) == "127.0.0.1"


def test_a_socket_with_a_spoofed_forwarding_header_keeps_its_source_address(
    server: DevServerURLs, journal: Journal
):
    with connect(
        f"{server.ws_url}?token=let-me-in", open_timeout=WAIT_SECONDS, additional_headers=SPOOFED
    ) as socket:
        socket.send("hello")
        socket.recv(timeout=WAIT_SECONDS)

    entry = journal.wait_for("connect", lambda e: e["headers"].get("x-real-ip") == "203.0.113.9")
    assert entry["request_context"]["identity"]["sourceIp"] == "127.0.0.1"


def test_the_console_is_served_with_its_security_headers(http: httpx.Client):
    console = http.get("/console/")
    widget = http.get("/widget/loader.js")

    policy = console.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert console.headers["x-content-type-options"] == "nosniff"
    assert console.headers["referrer-policy"] == "no-referrer"
    assert "content-security-policy" not in widget.headers  # the chat window is framed


def uvicorn_record(logger: str, msg: str, args: tuple) -> logging.LogRecord:
    return logging.LogRecord(logger, logging.INFO, __file__, 1, msg, args, None)


def test_query_strings_never_reach_the_log(server: DevServerURLs):
    for name in REDACTED_LOGGERS:  # installed by the running server
        assert any(isinstance(f, QueryStringRedactor) for f in logging.getLogger(name).filters)
    access = uvicorn_record(
        "uvicorn.access",
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/items/x?token=rest-secret-123", "1.1", 200),
    )
    socket = uvicorn_record(
        "uvicorn.error",
        '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5001", "/ws?token=let-me-in&ticket=socket-secret-456"),
    )

    for record in (access, socket):
        logger = logging.getLogger(record.name)
        assert all(f.filter(record) for f in logger.filters)  # what the running server uses
    lines = [access.getMessage(), socket.getMessage()]

    assert lines == [
        '127.0.0.1:5000 - "GET /api/items/x?[redacted] HTTP/1.1" 200',
        '127.0.0.1:5001 - "WebSocket /ws?[redacted]" [accepted]',
    ]
