"""Web Push for agents over REST: the stack's key, subscriptions within the allowlist and the
limit, and pushes that a strict push service of our own accepts (tests/integration/
push_service.py checks the VAPID token and decrypts the payload as real ones do)."""

from __future__ import annotations

import pytest

from tests.integration.push_service import PushService


@pytest.fixture
def push_service():
    with PushService() as service:
        yield service


@pytest.fixture
def app_env(app_env, monkeypatch, push_service):
    """The test's own push service is the one allowed (the browsers' are by default)."""
    from chalicelib.settings import reset_settings

    monkeypatch.setenv("PUSH_SERVICE_ORIGINS", push_service.origin)
    reset_settings()
    return app_env


def subscribed(api, push_service, agent):
    """The agent's browser subscribed as a browser does: with the stack's key."""
    key = api.get("/push/key", auth=agent.auth)
    assert key.status == 200, key.body
    browser, subscription = push_service.subscribe(key.json["public_key"])
    reply = api.post("/me/push-subscriptions", subscription, auth=agent.auth)
    assert reply.status == 201, reply.body
    return browser, reply.json["subscription_id"]


# ---- the key and the subscriptions -------------------------------------------------------------


def test_the_push_key_is_one_uncompressed_p256_point_that_stays_the_same(api):
    paula = api.agent("Paula", online=False)

    first = api.get("/push/key", auth=paula.auth).json["public_key"]

    from tests.integration.push_service import unb64url

    point = unb64url(first)
    assert (len(point), point[0]) == (65, 4)
    assert api.get("/push/key", auth=paula.auth).json["public_key"] == first
    assert api.get("/push/key").status == 401


def test_a_subscription_at_a_push_service_not_listed_is_refused(api, push_service):
    paula = api.agent("Paula", online=False)
    _, subscription = push_service.subscribe("unused")

    for endpoint in (
        "https://attacker.example/push/1",
        "http://127.0.0.1:1/push/1",  # another port of an allowed host
        push_service.origin.replace("http:", "https:") + "/push/1",
        f"http://user@{push_service.origin[7:]}/push/1",
        "javascript:alert(1)",
    ):
        reply = api.post(
            "/me/push-subscriptions", {**subscription, "endpoint": endpoint}, auth=paula.auth
        )
        assert reply.status == 400, endpoint
        assert reply.error["code"] == "push_endpoint_not_allowed"
    assert api.ctx.store.push_targets(paula.agent_id).subscriptions == ()


def test_keys_that_are_no_browser_keys_are_refused_naming_the_field(api, push_service):
    paula = api.agent("Paula", online=False)
    _, subscription = push_service.subscribe("unused")

    reply = api.post(
        "/me/push-subscriptions",
        {**subscription, "keys": {**subscription["keys"], "auth": "not base64!"}},
        auth=paula.auth,
    )

    assert reply.status == 400
    assert reply.error["field"] == "keys.auth"


def test_an_agent_has_at_most_ten_subscriptions(api, push_service):
    paula = api.agent("Paula", online=False)
    for _ in range(10):
        subscribed(api, push_service, paula)
    _, eleventh = push_service.subscribe("unused")

    refused = api.post("/me/push-subscriptions", eleventh, auth=paula.auth)

    assert refused.status == 409
    assert refused.error["code"] == "too_many_push_subscriptions"
    assert len(api.ctx.store.push_targets(paula.agent_id).subscriptions) == 10


def test_the_same_browser_subscribing_again_is_one_subscription(api, push_service):
    paula = api.agent("Paula", online=False)
    browser, subscription_id = subscribed(api, push_service, paula)
    _, subscription = push_service.subscribe("unused")
    subscription["endpoint"] = f"{push_service.origin}/push/{browser.token}"

    again = api.post("/me/push-subscriptions", subscription, auth=paula.auth)

    assert again.json["subscription_id"] == subscription_id
    stored = api.ctx.store.push_targets(paula.agent_id).subscriptions
    assert [(s.subscription_id, s.p256dh) for s in stored] == [
        (subscription_id, subscription["keys"]["p256dh"])
    ]


def test_an_agent_deletes_only_their_own_subscriptions(api, push_service):
    paula = api.agent("Paula", online=False)
    peter = api.agent("Peter", online=False)
    _, subscription_id = subscribed(api, push_service, paula)

    assert api.delete(f"/me/push-subscriptions/{subscription_id}", auth=peter.auth).status == 404
    assert api.delete(f"/me/push-subscriptions/{subscription_id}", auth=paula.auth).status == 204
    gone = api.delete(f"/me/push-subscriptions/{subscription_id}", auth=paula.auth)
    assert gone.status == 404
    assert gone.error["code"] == "push_subscription_not_found"
    assert api.ctx.store.push_targets(paula.agent_id).subscriptions == ()
