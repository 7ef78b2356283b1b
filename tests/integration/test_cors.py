"""Browsers may read visitor and agent answers only from the chat's own origin (PUBLIC_ORIGIN,
where the chat window and the console live); the availability check, the settings and the API
description stay readable from any page."""

from __future__ import annotations

import dataclasses

import pytest

CHAT = "https://chat.uni.example"
EVIL = "https://evil.example"


@pytest.fixture
def chat_origin(api):
    api.ctx.settings = dataclasses.replace(api.ctx.settings, public_origin=CHAT)
    return api


@pytest.mark.parametrize(
    "method, path",
    [
        ("POST", "/visitors"),
        ("GET", "/visitors/me"),
        ("POST", "/rooms"),
        ("POST", "/auth/login"),
        ("GET", "/me"),
        ("GET", "/queue"),
        ("POST", "/ws-ticket"),
    ],
)
def test_visitor_and_agent_routes_grant_cors_only_to_the_chats_origin(chat_origin, method, path):
    api = chat_origin
    from_chat = api.call(method, path, headers={"Origin": CHAT})
    from_elsewhere = api.call(method, path, headers={"Origin": EVIL})
    preflight_chat = api.call(
        "OPTIONS", path, headers={"Origin": CHAT, "Access-Control-Request-Method": method}
    )
    preflight_elsewhere = api.call(
        "OPTIONS", path, headers={"Origin": EVIL, "Access-Control-Request-Method": method}
    )

    assert from_chat.headers.get("access-control-allow-origin") == CHAT
    assert "access-control-allow-origin" not in from_elsewhere.headers
    assert from_elsewhere.headers.get("vary") == "Origin"
    assert preflight_chat.headers.get("access-control-allow-origin") == CHAT
    assert method in preflight_chat.headers["access-control-allow-methods"].split(",")
    assert "X-Visitor-Token" in preflight_chat.headers["access-control-allow-headers"]
    assert "access-control-allow-origin" not in preflight_elsewhere.headers
    assert "access-control-allow-methods" not in preflight_elsewhere.headers


@pytest.mark.parametrize("path", ["/departments/sales/availability", "/config", "/openapi.json"])
def test_the_availability_check_settings_and_description_are_readable_from_any_page(
    chat_origin, path
):
    reply = chat_origin.get(path, headers={"Origin": EVIL})

    assert reply.status == 200
    assert reply.headers.get("access-control-allow-origin") == "*"


def test_without_a_public_origin_no_page_is_granted(api):
    reply = api.post("/visitors", headers={"Origin": EVIL})

    assert reply.status == 201 and "access-control-allow-origin" not in reply.headers
