"""Web Push for agents over REST: the stack's key, subscriptions within the allowlist and the
limit, and pushes that a strict push service of our own accepts (tests/integration/
push_service.py checks the VAPID token and decrypts the payload as real ones do)."""

from __future__ import annotations

import uuid

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


# ---- when pushes go ----------------------------------------------------------------------------


def hide(api, agent):
    """The agent's console says its page is not seen."""
    api.ws_send(agent.connection_id, {"action": "heartbeat", "visible": False})


def close_console(api, agent):
    """The agent closes the console: the socket is gone, as API Gateway then answers."""
    api.ws_disconnect(agent.connection_id)
    api.pusher.gone.add(agent.connection_id)


def visitor_says(api, visitor, room_id, text):
    reply = api.post(
        f"/rooms/{room_id}/messages",
        {"text": text, "client_id": uuid.uuid4().hex},
        auth=visitor.auth,
    )
    assert reply.status == 201, reply.body


def test_a_visitors_message_reaches_the_agents_device_once_their_console_is_hidden(
    api, push_service
):
    paula = api.agent("Paula")
    browser, _ = subscribed(api, push_service, paula)
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]

    visitor_says(api, visitor, room_id, "while Paula watches")
    hide(api, paula)
    visitor_says(api, visitor, room_id, "Wann hat die Bibliothek offen?")

    assert push_service.wait_for(browser) == [{"kind": "message", "room_id": room_id}]
    assert push_service.refused == []
    assert browser.received[0]["urgency"] == "high"


def test_a_console_shown_again_stops_the_pushes(api, push_service):
    paula = api.agent("Paula")
    browser, _ = subscribed(api, push_service, paula)
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    hide(api, paula)

    api.ws_send(paula.connection_id, {"action": "heartbeat", "visible": True})
    visitor_says(api, visitor, room_id, "seen")
    api.ws_send(paula.connection_id, {"action": "heartbeat"})  # no flag: seen
    visitor_says(api, visitor, room_id, "seen too")

    assert browser.received == []


def test_with_previews_allowed_the_push_carries_the_visitors_words(api, push_service):
    paula = api.agent("Paula")
    browser, _ = subscribed(api, push_service, paula)
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    assert api.patch("/me", {"settings": {"push_previews": True}}, auth=paula.auth).status == 200
    close_console(api, paula)

    visitor_says(api, visitor, room_id, "Wann hat die Bibliothek offen?")

    assert push_service.wait_for(browser) == [
        {"kind": "message", "room_id": room_id, "text": "Wann hat die Bibliothek offen?"}
    ]


def test_a_new_chat_reaches_the_available_agents_who_do_not_watch(api, push_service):
    paula = api.agent("Paula")  # watching
    peter = api.agent("Peter")
    piet = api.agent("Piet", online=False)  # toggle off
    lena = api.agent("Lena", ("library",))
    devices = {a.name: subscribed(api, push_service, a)[0] for a in (paula, peter, piet, lena)}
    hide(api, peter)

    room_id = api.ask(api.visitor())["room_id"]

    expected = {"kind": "new_chat", "room_id": room_id, "department": "Studienberatung"}
    assert push_service.wait_for(devices["Peter"]) == [expected]
    assert [devices[n].received for n in ("Paula", "Piet", "Lena")] == [[], [], []]


def test_a_chat_forwarded_to_an_agent_whose_console_is_closed_reaches_their_device(
    api, push_service
):
    paula = api.agent("Paula")
    peter = api.agent("Peter")
    browser, _ = subscribed(api, push_service, peter)
    room_id = api.taken(api.visitor(), paula)["room_id"]
    close_console(api, peter)

    reply = api.post(f"/rooms/{room_id}/forward", {"agent_id": peter.agent_id}, auth=paula.auth)

    assert reply.status == 200, reply.body
    assert push_service.wait_for(browser) == [{"kind": "forwarded", "room_id": room_id}]


def test_a_chat_forwarded_to_a_hidden_console_pushes_its_messages_too(api, push_service):
    paula = api.agent("Paula")
    peter = api.agent("Peter")
    browser, _ = subscribed(api, push_service, peter)
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    hide(api, peter)

    api.post(f"/rooms/{room_id}/forward", {"agent_id": peter.agent_id}, auth=paula.auth)
    visitor_says(api, visitor, room_id, "Hallo Peter?")

    assert push_service.wait_for(browser, 2) == [
        {"kind": "forwarded", "room_id": room_id},
        {"kind": "message", "room_id": room_id},
    ]


def test_a_subscription_the_push_service_calls_gone_is_forgotten(api, push_service):
    paula = api.agent("Paula")
    gone, _ = subscribed(api, push_service, paula)
    kept, kept_id = subscribed(api, push_service, paula)
    gone.answer = 410
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    close_console(api, paula)

    visitor_says(api, visitor, room_id, "Hallo?")

    stored = api.ctx.store.push_targets(paula.agent_id).subscriptions
    assert [s.subscription_id for s in stored] == [kept_id]
    assert push_service.wait_for(kept) == [{"kind": "message", "room_id": room_id}]


def test_an_unreachable_push_service_fails_nothing(api, push_service, monkeypatch):
    paula = api.agent("Paula")
    browser, _ = subscribed(api, push_service, paula)
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    hide(api, paula)
    push_service.__exit__()

    visitor_says(api, visitor, room_id, "still delivered")

    assert api.pusher.to(paula.connection_id, "message")[-1]["message"]["text"] == "still delivered"
    assert len(api.ctx.store.push_targets(paula.agent_id).subscriptions) == 1


def test_a_message_to_an_agent_who_does_not_watch_costs_one_read_more(
    api, push_service, dynamodb_calls
):
    paula = api.agent("Paula")
    browser, _ = subscribed(api, push_service, paula)
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]

    with dynamodb_calls.measure():
        visitor_says(api, visitor, room_id, "watched")
    watched = list(dynamodb_calls.calls)
    hide(api, paula)
    with dynamodb_calls.measure():
        visitor_says(api, visitor, room_id, "not watched")

    # Watched: the message's own three calls (test_budget.py), no call more.
    assert sorted(watched) == ["GetItem", "GetItem", "TransactWriteItems"]
    assert sorted(dynamodb_calls.calls) == sorted([*watched, "GetItem"])
    assert push_service.wait_for(browser) == [{"kind": "message", "room_id": room_id}]


def staff_says(api, agent, room_id, text):
    reply = api.post(
        f"/rooms/{room_id}/messages",
        {"text": text, "client_id": uuid.uuid4().hex},
        auth=agent.auth,
    )
    assert reply.status == 201, reply.body


def test_a_direct_message_reaches_the_devices_of_the_members_who_do_not_watch(api, push_service):
    anna, ben, carl, dana = (api.agent(n) for n in ("Anna", "Ben", "Carl", "Dana"))
    devices = {a.name: subscribed(api, push_service, a)[0] for a in (anna, ben, carl, dana)}
    members = {"agent_ids": [ben.agent_id, carl.agent_id, dana.agent_id]}
    room_id = api.post("/direct", members, auth=anna.auth).json["room_id"]
    hide(api, ben)  # Carl watches
    close_console(api, dana)

    staff_says(api, anna, room_id, "Kurze Frage")

    expected = {"kind": "direct", "room_id": room_id, "from": "Anna"}
    assert push_service.wait_for(devices["Ben"]) == [expected]
    assert push_service.wait_for(devices["Dana"]) == [expected]
    assert devices["Anna"].received == devices["Carl"].received == []


def test_a_mention_in_a_channel_reaches_only_the_named_members_device(api, push_service):
    anna, ben, carl = api.agent("Anna"), api.agent("Ben"), api.agent("Carl")
    devices = {a.name: subscribed(api, push_service, a)[0] for a in (ben, carl)}
    assert api.patch("/me", {"settings": {"push_previews": True}}, auth=ben.auth).status == 200
    members = {"kind": "channel", "name": "Team", "members": [ben.agent_id, carl.agent_id]}
    room_id = api.post("/channels", members, auth=anna.auth).json["room_id"]
    hide(api, ben)
    hide(api, carl)

    staff_says(api, anna, room_id, "ohne Namen")
    staff_says(api, anna, room_id, "@Ben bitte übernehmen")

    assert push_service.wait_for(devices["Ben"]) == [
        {"kind": "mention", "room_id": room_id, "from": "Anna", "text": "@Ben bitte übernehmen"}
    ]
    assert devices["Carl"].received == []


def test_a_member_who_left_a_direct_room_gets_no_push_of_it(api, push_service):
    anna, ben, carl = api.agent("Anna"), api.agent("Ben"), api.agent("Carl")
    devices = {a.name: subscribed(api, push_service, a)[0] for a in (ben, carl)}
    members = {"agent_ids": [ben.agent_id, carl.agent_id]}
    room_id = api.post("/direct", members, auth=anna.auth).json["room_id"]
    assert api.post(f"/channels/{room_id}/leave", auth=carl.auth).status == 204
    close_console(api, ben)
    close_console(api, carl)

    staff_says(api, anna, room_id, "@Carl noch da?")

    assert push_service.wait_for(devices["Ben"]) == [
        {"kind": "direct", "room_id": room_id, "from": "Anna"}
    ]
    assert devices["Carl"].received == []


def test_a_direct_message_to_a_colleague_who_does_not_watch_costs_one_read_more(
    api, push_service, dynamodb_calls
):
    anna, ben = api.agent("Anna"), api.agent("Ben")
    browser, _ = subscribed(api, push_service, ben)
    room_id = api.post("/direct", {"agent_ids": [ben.agent_id]}, auth=anna.auth).json["room_id"]
    staff_says(api, anna, room_id, "first")

    with dynamodb_calls.measure():
        staff_says(api, anna, room_id, "watched")
    watched = list(dynamodb_calls.calls)
    hide(api, ben)
    with dynamodb_calls.measure():
        staff_says(api, anna, room_id, "not watched")

    assert sorted(dynamodb_calls.calls) == sorted([*watched, "GetItem"])
    expected = {"kind": "direct", "room_id": room_id, "from": "Anna"}
    assert push_service.wait_for(browser) == [expected]


def test_a_new_chat_costs_one_read_more_for_each_agent_who_does_not_watch(
    api, push_service, dynamodb_calls
):
    paula, peter = api.agent("Paula"), api.agent("Peter")
    devices = {a.name: subscribed(api, push_service, a)[0] for a in (paula, peter)}

    with dynamodb_calls.measure():
        api.ask(api.visitor())
    watched = list(dynamodb_calls.calls)
    hide(api, peter)
    with dynamodb_calls.measure():
        room_id = api.ask(api.visitor())["room_id"]

    assert sorted(dynamodb_calls.calls) == sorted([*watched, "GetItem"])
    expected = {"kind": "new_chat", "room_id": room_id, "department": "Studienberatung"}
    assert push_service.wait_for(devices["Peter"]) == [expected]
    assert devices["Paula"].received == []


def test_a_chat_waiting_longer_than_its_departments_minutes_alerts_its_agents_once(
    api, push_service
):
    from tests.integration.test_budget import SCHEDULED_EVENT

    changed = api.patch("/admin/departments/sales", {"alert_after_minutes": 5}, auth=api.admin.auth)
    assert changed.status == 200, changed.body
    assert changed.json["alert_after_minutes"] == 5
    paula = api.agent("Paula")  # watching: the queue is in front of her
    peter = api.agent("Peter", online=False)  # toggle off: no new chats, but escalations
    lena = api.agent("Lena", ("library",))
    devices = {a.name: subscribed(api, push_service, a)[0] for a in (paula, peter, lena)}
    room_id = api.ask(api.visitor())["room_id"]

    api.clock.advance(minutes=4)
    early = api.app.maintenance(SCHEDULED_EVENT, None)
    api.clock.advance(minutes=2)
    late = api.app.maintenance(SCHEDULED_EVENT, None)
    again = api.app.maintenance(SCHEDULED_EVENT, None)

    assert (early["chats_escalated"], late["chats_escalated"], again["chats_escalated"]) == (
        0,
        1,
        0,
    )
    expected = {"kind": "waiting", "room_id": room_id, "department": "Studienberatung"}
    assert push_service.wait_for(devices["Peter"]) == [expected]
    assert devices["Paula"].received == devices["Lena"].received == []


def test_a_chat_waiting_too_long_is_mailed_to_the_departments_address_once(api, push_service):
    from tests.integration.test_budget import SCHEDULED_EVENT

    alert = {"alert_after_minutes": 5, "alert_email": "Beratung@Uni.example"}
    changed = api.patch("/admin/departments/sales", alert, auth=api.admin.auth)
    assert changed.status == 200, changed.body
    assert changed.json["alert_email"] == "Beratung@uni.example"
    api.agent("Paula")  # watching: pushes to nobody, mails all the same
    visitor = api.visitor()
    room_id = api.ask(visitor, text="Bitte um Rückruf zu meiner Note")["room_id"]

    api.clock.advance(minutes=6)
    api.app.maintenance(SCHEDULED_EVENT, None)
    api.app.maintenance(SCHEDULED_EVENT, None)

    (mail,) = api.mails_to("Beratung@uni.example")
    body = mail.get_content()
    assert "Studienberatung" in mail["Subject"]
    assert f"/console/#room/{room_id}" in body
    assert "Note" not in body  # the visitor's words stay in the console


def test_an_alert_address_is_removed_with_an_empty_one_and_checked_naming_the_field(api):
    path = "/admin/departments/sales"
    set_ = api.patch(path, {"alert_email": "beratung@uni.example"}, auth=api.admin.auth)
    removed = api.patch(path, {"alert_email": ""}, auth=api.admin.auth)
    refused = api.patch(path, {"alert_email": "no address"}, auth=api.admin.auth)

    assert set_.json["alert_email"] == "beratung@uni.example"
    assert removed.json["alert_email"] is None
    assert (refused.status, refused.error["field"]) == (400, "alert_email")


def test_alert_minutes_out_of_range_are_refused_naming_the_field(api):
    reply = api.patch("/admin/departments/sales", {"alert_after_minutes": -1}, auth=api.admin.auth)

    assert reply.status == 400
    assert reply.error["field"] == "alert_after_minutes"
