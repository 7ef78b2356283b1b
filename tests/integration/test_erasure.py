""" "Delete my data" leaves nothing of the visitor in any table, including items whose TTL has
passed but that DynamoDB has not removed yet (it deletes expired items up to days late)."""

from __future__ import annotations

import json


def mentions(snapshot: dict, *needles: str) -> list[str]:
    return [
        f"{table}: {item}"
        for table, items in snapshot.items()
        for item in items
        if any(needle in item for needle in needles)
    ]


def test_deleting_my_data_also_removes_a_closed_chat_past_its_retention(api):
    paula = api.agent("Paula", ("library",))
    visitor = api.visitor()
    old_room = api.taken(visitor, paula, "library")["room_id"]  # retention: 2 hours
    api.post(
        f"/rooms/{old_room}/messages", {"text": "Danke!", "client_id": "c1"}, auth=visitor.auth
    )
    api.put(f"/contacts/{visitor.visitor_id}", {"email": "erika@example.org"}, auth=paula.auth)
    assert api.post(f"/rooms/{old_room}/close", {}, auth=visitor.auth).status == 200
    api.clock.advance(hours=3)  # the closed chat and the socket are past their TTL now
    api.get("/visitors/me", auth=visitor.auth)  # the visitor is still active
    assert api.get(f"/rooms/{old_room}", auth=paula.auth).status == 404
    assert mentions(api.snapshot(), old_room)  # expired, yet still stored

    reply = api.delete("/visitors/me", auth=visitor.auth)

    assert reply.status == 204
    left = mentions(api.snapshot(), visitor.visitor_id, old_room, json.dumps(visitor.name)[1:-1])
    assert left == []
