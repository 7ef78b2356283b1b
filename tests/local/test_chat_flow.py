"""S14–S21 played on the real stack: one visitor, two agents, real WebSockets, DynamoDB Local."""

from __future__ import annotations

import threading

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.local.support import (
    approved_agent,
    go_online,
    is_message,
    is_queue_event,
    is_room_event,
    new_visitor,
    open_socket,
    start_chat,
    write,
)


def test_a_chat_goes_from_the_queue_through_return_forward_and_close_to_deletion(stack):
    api, ws = stack.api, stack.urls.ws_url
    department = stack.new_department()
    anna = approved_agent(api, stack.admin_token, "Anna", [department])
    ben = approved_agent(api, stack.admin_token, "Ben", [department])
    anna_socket, ben_socket = go_online(api, ws, anna), go_online(api, ws, ben)
    visitor = new_visitor(api)
    visitor_socket = open_socket(api, ws, visitor=visitor.token)

    # S14: the request enters the queue; both agents see it live, the visitor learns the position.
    room = api.call(
        "POST",
        "/rooms",
        {"department_id": department, "text": "Hallo?"},
        visitor=visitor.token,
        expect=201,
    ).json()
    room_id = room["room_id"]
    assert room["state"] == "queued" and room["position"] == 1
    anna_socket.wait_for(is_queue_event("added", room_id))
    ben_socket.wait_for(is_queue_event("added", room_id))
    visitor_socket.wait_for(is_room_event("queued", room_id))

    # The visitor may write while queued.
    visitor_socket.send(action="send", room_id=room_id, text="Ist jemand da?", client_id="v-1")
    visitor_socket.wait_for(is_message("Ist jemand da?"))

    # S15: Anna previews; the visitor is told someone will be with them shortly.
    preview = api.call("POST", f"/rooms/{room_id}/preview", token=anna.token, expect=200).json()
    assert [m["text"] for m in preview["messages"] if m["author"]["kind"] == "visitor"] == [
        "Hallo?",
        "Ist jemand da?",
    ]
    visitor_socket.wait_for(is_room_event("preview", room_id))
    visitor_socket.wait_for(
        lambda e: e.get("type") == "message" and e["message"].get("event") == "preview"
    )

    # S17: Anna takes it; Ben's queue loses it; the visitor sees Anna's name and status.
    taken = api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200).json()
    assert taken["agent"]["name"] == "Anna"
    ben_socket.wait_for(is_queue_event("removed", room_id))
    joined = visitor_socket.wait_for(is_room_event("taken", room_id))
    assert joined["room"]["agent"] == {
        "agent_id": anna.agent_id,
        "name": "Anna",
        "status": "online",
    }

    # Messages both ways, live, with typing.
    anna_socket.send(action="typing", room_id=room_id, typing=True)
    typing = visitor_socket.wait_for(lambda e: e.get("type") == "typing")
    assert typing["author"]["name"] == "Anna" and typing["typing"] is True
    anna_socket.send(action="send", room_id=room_id, text="Guten Tag!", client_id="a-1")
    visitor_socket.wait_for(is_message("Guten Tag!"))
    visitor_socket.send(action="send", room_id=room_id, text="Danke", client_id="v-2")
    anna_socket.wait_for(is_message("Danke"))

    # The visitor sees the agent's status change.
    api.call("PUT", "/me/status", {"status": "away"}, token=anna.token, expect=200)
    presence = visitor_socket.wait_for(lambda e: e.get("type") == "presence")
    assert presence == {"type": "presence", "agent_id": anna.agent_id, "status": "away"}

    # S19: return to the queue; the visitor is told, and Ben may take it again.
    api.call("POST", f"/rooms/{room_id}/return", token=anna.token, expect=200)
    visitor_socket.wait_for(is_room_event("returned", room_id))
    ben_socket.wait_for(is_queue_event("added", room_id))
    api.call("POST", f"/rooms/{room_id}/take", token=ben.token, expect=200)

    # S20: Ben forwards to Anna; the visitor is told and continues with Anna.
    forwarded = api.call(
        "POST",
        f"/rooms/{room_id}/forward",
        {"agent_id": anna.agent_id},
        token=ben.token,
        expect=200,
    ).json()
    assert forwarded["agent"]["agent_id"] == anna.agent_id
    visitor_socket.wait_for(is_room_event("forwarded", room_id))
    anna_socket.wait_for(is_room_event("forwarded", room_id))
    anna_socket.send(action="send", room_id=room_id, text="Ich bin wieder da.", client_id="a-2")
    visitor_socket.wait_for(is_message("Ich bin wieder da."))

    # S13: an open chat cannot be deleted.
    refused = api.call("DELETE", f"/rooms/{room_id}", token=anna.token, expect=409)
    assert refused.json()["error"]["code"] == "room_not_closed"

    # S21: Anna closes; the history stays in the contact center until deleted.
    closed = api.call(
        "POST", f"/rooms/{room_id}/close", {"comment": "erledigt"}, token=anna.token, expect=200
    ).json()
    assert closed["state"] == "closed" and closed["expires_at"]
    visitor_socket.wait_for(is_room_event("closed", room_id))
    chats = api.call("GET", "/rooms?state=closed", token=anna.token, expect=200).json()
    assert room_id in [r["room_id"] for r in chats["rooms"]]
    history = api.call(
        "GET", f"/rooms/{room_id}/messages?after=0", token=anna.token, expect=200
    ).json()["messages"]
    texts = [m["text"] for m in history if m["author"]["kind"] != "system"]
    assert texts == ["Hallo?", "Ist jemand da?", "Guten Tag!", "Danke", "Ich bin wieder da."]
    assert [m["seq"] for m in history] == sorted(m["seq"] for m in history)

    # S11/S16: the contact center lists the visitor; contact information can be added.
    contact = api.call(
        "PUT",
        f"/contacts/{visitor.visitor_id}",
        {"note": "fragt nach BAföG"},
        token=anna.token,
        expect=200,
    ).json()
    assert contact["name"] == visitor.name and contact["contact"]["note"] == "fragt nach BAföG"

    # S13: delete the closed chat; it is gone for everyone.
    api.call("DELETE", f"/rooms/{room_id}", token=anna.token, expect=204)
    visitor_socket.wait_for(is_room_event("deleted", room_id))
    api.call("GET", f"/rooms/{room_id}", token=anna.token, expect=404)
    for socket in (anna_socket, ben_socket, visitor_socket):
        socket.close()


def test_exactly_one_of_several_concurrent_takes_wins(stack):
    api, ws = stack.api, stack.urls.ws_url
    department = stack.new_department()
    agents = [approved_agent(api, stack.admin_token, f"Agent{i}", [department]) for i in range(4)]
    go_online(api, ws, agents[0])
    visitor = new_visitor(api)
    room_id = start_chat(api, visitor, department)
    start = threading.Barrier(len(agents))
    answers: dict[str, int] = {}

    def take(agent):
        start.wait()
        response = api.call("POST", f"/rooms/{room_id}/take", token=agent.token)
        answers[agent.agent_id] = (response.status_code, response.json())

    threads = [threading.Thread(target=take, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [a for a, (status, _) in answers.items() if status == 200]
    losers = [body for status, body in answers.values() if status != 200]
    assert len(winners) == 1
    assert len(losers) == 3 and all(b["error"]["code"] == "already_taken" for b in losers)
    room = api.call("GET", f"/rooms/{room_id}", visitor=visitor.token, expect=200).json()
    assert room["state"] == "open" and room["agent"]["agent_id"] == winners[0]
    for agent in agents:
        for socket in agent.sockets:
            socket.close()


def test_a_visitor_who_loses_the_connection_resumes_with_after_and_nothing_is_lost_or_doubled(
    stack,
):
    api, ws = stack.api, stack.urls.ws_url
    department = stack.new_department()
    anna = approved_agent(api, stack.admin_token, "Anna", [department])
    anna_socket = go_online(api, ws, anna)
    visitor = new_visitor(api)
    visitor_socket = open_socket(api, ws, visitor=visitor.token)
    room_id = start_chat(api, visitor, department, "Hallo")
    api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    joined = visitor_socket.wait_for(
        lambda e: e.get("type") == "message" and e["message"].get("event") == "taken"
    )
    assert joined["message"]["event_name"] == "Anna"
    last_seq = joined["message"]["seq"]

    # The server drops the visitor's socket (as API Gateway does after idling or a network loss).
    connection_id = stack.connection_id_of(visitor.visitor_id)
    httpx.delete(
        f"{stack.urls.management_endpoint}/@connections/{connection_id}"
    ).raise_for_status()
    visitor_socket.wait_closed()

    # While the visitor is away Anna writes twice; the visitor's send may or may not have arrived.
    for text, client_id in (("Sind Sie noch da?", "a-1"), ("Hallo?", "a-2")):
        write(api, room_id, text, client_id, token=anna.token)
    write(api, room_id, "Ja!", "v-offline", visitor=visitor.token)

    # Reconnect, fetch what was missed with after=, resend the unconfirmed message.
    visitor_socket = open_socket(api, ws, visitor=visitor.token)
    missed = api.call(
        "GET", f"/rooms/{room_id}/messages?after={last_seq}", visitor=visitor.token, expect=200
    ).json()["messages"]
    assert [m["text"] for m in missed] == ["Sind Sie noch da?", "Hallo?", "Ja!"]
    visitor_socket.send(action="send", room_id=room_id, text="Ja!", client_id="v-offline")
    echo = visitor_socket.wait_for(is_message("Ja!"))
    assert echo["message"]["seq"] == missed[-1]["seq"]
    everything = api.call(
        "GET", f"/rooms/{room_id}/messages?after=0", visitor=visitor.token, expect=200
    ).json()["messages"]
    assert [m["client_id"] for m in everything].count("v-offline") == 1
    visitor_socket.close()
    anna_socket.close()


def test_an_agent_of_another_department_never_sees_the_request(stack):
    api, ws = stack.api, stack.urls.ws_url
    ours, theirs = stack.new_department(), stack.new_department(name="Bibliothek")
    anna = approved_agent(api, stack.admin_token, "Anna", [ours])
    carl = approved_agent(api, stack.admin_token, "Carl", [theirs])
    anna_socket, carl_socket = go_online(api, ws, anna), go_online(api, ws, carl)
    visitor = new_visitor(api)
    room_id = start_chat(api, visitor, ours, "Frage")
    anna_socket.wait_for(is_queue_event("added", room_id))
    queue = api.call("GET", "/queue", token=carl.token, expect=200).json()["rooms"]
    assert room_id not in [r["room_id"] for r in queue]
    api.call("GET", f"/rooms/{room_id}", token=carl.token, expect=403)
    api.call("POST", f"/rooms/{room_id}/take", token=carl.token, expect=403)
    assert not any(e.get("type") == "queue" for e in carl_socket.events_so_far())
    anna_socket.close()
    carl_socket.close()


def test_a_socket_opens_with_a_ticket_only_never_with_a_token_in_its_url(stack):
    api, ws = stack.api, stack.urls.ws_url
    anna = approved_agent(api, stack.admin_token, "Anna", [stack.new_department()])
    visitor = new_visitor(api)
    for query in (f"token={anna.token}", f"visitor_token={visitor.token}"):
        with pytest.raises(InvalidStatus):
            connect(f"{ws}?{query}", open_timeout=10)

    socket = open_socket(api, ws, visitor=visitor.token)
    socket.send(action="heartbeat")
    socket.wait_for(lambda e: e.get("type") == "heartbeat")
    socket.close()
