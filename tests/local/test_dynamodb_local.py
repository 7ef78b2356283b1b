"""What only a real DynamoDB shows: TTL deletion, GoneException clean-up, data kept on disk."""

from __future__ import annotations

import time

from chalicelib.settings import load_settings
from chalicelib.store.dynamo import DynamoStore
from chalicelib.store.records import Room
from devserver.dynamodb_local import DynamoDBLocal
from tests.local.support import (
    approved_agent,
    go_online,
    new_visitor,
    raw_dynamodb,
    start_chat,
    wait_until,
)


def test_ttl_is_enabled_on_expires_at_of_every_table_with_personal_data(stack):
    client = raw_dynamodb(stack.urls)
    for table in (
        "keys",
        "sessions",
        "connections",
        "visitors",
        "contacts",
        "rooms",
        "agent-rooms",
        "messages",
    ):
        ttl = client.describe_time_to_live(TableName=f"livechat-{table}")
        assert ttl["TimeToLiveDescription"] == {
            "TimeToLiveStatus": "ENABLED",
            "AttributeName": "expires_at",
        }, table


def test_an_expired_room_is_never_read(stack):
    client = raw_dynamodb(stack.urls)
    api = stack.api
    department = stack.new_department()
    anna = approved_agent(api, stack.admin_token, "Anna", [department])
    socket = go_online(api, stack.urls.ws_url, anna)
    visitor = new_visitor(api)
    room_id = start_chat(api, visitor, department, "Hallo")
    api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    api.call("POST", f"/rooms/{room_id}/close", {}, token=anna.token, expect=200)
    # The retention runs out (we move the room's expiry into the past instead of waiting a day).
    client.update_item(
        TableName="livechat-rooms",
        Key={"room_id": {"S": room_id}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
    )
    # Not one read returns it, although DynamoDB has not deleted it yet.
    assert "Item" in client.get_item(TableName="livechat-rooms", Key={"room_id": {"S": room_id}})
    api.call("GET", f"/rooms/{room_id}", token=anna.token, expect=404)
    api.call("GET", f"/rooms/{room_id}/messages", visitor=visitor.token, expect=404)
    closed = api.call("GET", "/rooms?state=closed", token=anna.token, expect=200).json()["rooms"]
    assert room_id not in [r["room_id"] for r in closed]
    contacts = api.call("GET", "/contacts", token=anna.token, expect=200).json()["contacts"]
    assert visitor.visitor_id not in [c["visitor_id"] for c in contacts]
    socket.close()


def test_dynamodb_deletes_a_room_whose_expires_at_has_passed(tmp_path, monkeypatch):
    """The TTL attribute the code writes is the one DynamoDB expires by. DynamoDB Local's TTL has
    two bugs (docs/known-problems.md), so this runs on an instance of its own with TTL on the
    rooms table only, and with a queued room, which carries every index key."""
    with DynamoDBLocal(log_path=tmp_path / "dynamodb.log") as dynamodb:
        monkeypatch.setenv("DYNAMODB_ENDPOINT", dynamodb.endpoint)
        monkeypatch.setenv("TABLE_PREFIX", "ttl-")
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            monkeypatch.setenv(key, "local")
        monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
        store = DynamoStore.from_settings(load_settings())
        store.create_missing_tables(ttl_tables=("rooms",))
        queued_key = "2026-01-01T00:00:00.000Z#k"
        room = Room(
            room_id="room_expired",
            department_id="demo",
            state="queued",
            visitor_id="vis_1",
            visitor_name="Guest-1",
            created_at="2026-01-01T00:00:00.000Z",
            created_key=queued_key,
            queued_key=queued_key,
            expires_at=int(time.time()) - 60,
        )
        store.create_room(room, None)
        assert store.get_room("room_expired", time.time()) is None  # filtered at once
        wait_until(
            lambda: store.get_room("room_expired", 0) is None,  # 0: a read that filters nothing
            30.0,
            "DynamoDB's TTL deleting the room",
        )


def test_a_connection_that_is_gone_is_forgotten_on_the_next_push(stack):
    client = raw_dynamodb(stack.urls)
    api = stack.api
    department = stack.new_department()
    anna = approved_agent(api, stack.admin_token, "Anna", [department])
    socket = go_online(api, stack.urls.ws_url, anna)
    visitor = new_visitor(api)
    # A connection the store still lists, though API Gateway has forgotten it (lost $disconnect).
    client.put_item(
        TableName="livechat-connections",
        Item={
            "connection_id": {"S": "vanished-connection="},
            "principal_id": {"S": visitor.visitor_id},
            "kind": {"S": "visitor"},
            "last_seen": {"N": str(time.time())},
            "expires_at": {"N": str(int(time.time()) + 3600)},
        },
    )
    # Starting the chat pushes `queued` to the visitor: the management API answers Gone.
    start_chat(api, visitor, department)
    stored = client.get_item(
        TableName="livechat-connections", Key={"connection_id": {"S": "vanished-connection="}}
    )
    assert "Item" not in stored
    socket.close()
