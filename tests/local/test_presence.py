"""S3, S10, S24 on the real stack: the button follows the agents, live."""

from __future__ import annotations

import time

import pytest

from tests.local.support import (
    approved_agent,
    available,
    go_online,
    new_visitor,
    open_socket,
    start_chat,
    wait_until,
)

QUICK = 5.0  # the promise: false within 5 s after the last agent leaves


def test_the_button_appears_with_the_first_available_agent_and_goes_when_they_log_out(stack):
    api, ws = stack.api, stack.urls.ws_url
    department = stack.new_department()
    assert available(api, department) is False
    anna = approved_agent(api, stack.admin_token, "Anna", [department])
    socket = go_online(api, ws, anna)
    assert available(api, department) is True
    api.call("POST", "/auth/logout", token=anna.token, expect=204)
    wait_until(lambda: available(api, department) is False, QUICK, "the button hiding")
    socket.wait_closed()
    api.call("GET", "/me", token=anna.token, expect=401)


@pytest.mark.parametrize("leave", ["busy", "offline", "toggle_off", "disconnect"])
def test_the_button_disappears_when_the_last_agent_leaves(stack, leave):
    api, ws = stack.api, stack.urls.ws_url
    department = stack.new_department()
    anna = approved_agent(api, stack.admin_token, "Anna", [department])
    ben = approved_agent(api, stack.admin_token, "Ben", [department])
    anna_socket, ben_socket = go_online(api, ws, anna), go_online(api, ws, ben)
    # Away still counts (S3: only the colour the visitor sees changes).
    api.call("PUT", "/me/status", {"status": "away"}, token=ben.token, expect=200)
    assert available(api, department) is True
    for agent, socket in ((anna, anna_socket), (ben, ben_socket)):
        assert available(api, department) is True
        if leave in ("busy", "offline"):
            api.call("PUT", "/me/status", {"status": leave}, token=agent.token, expect=200)
        elif leave == "toggle_off":
            api.call("PUT", "/me/availability", {"available": False}, token=agent.token, expect=200)
        else:
            socket.close()
    wait_until(lambda: available(api, department) is False, QUICK, "the button hiding")
    # And it comes back as soon as someone can answer again (S24).
    open_socket(api, ws, token=anna.token)
    api.call("PUT", "/me/availability", {"available": True}, token=anna.token, expect=200)
    api.call("PUT", "/me/status", {"status": "online"}, token=anna.token, expect=200)
    assert available(api, department) is True


def test_a_disabled_agent_stops_counting_at_once(stack):
    api, ws = stack.api, stack.urls.ws_url
    department = stack.new_department()
    anna = approved_agent(api, stack.admin_token, "Anna", [department])
    socket = go_online(api, ws, anna)
    api.call("POST", f"/admin/agents/{anna.agent_id}/disable", token=stack.admin_token, expect=200)
    assert available(api, department) is False
    socket.wait_closed()
    api.call("GET", "/me", token=anna.token, expect=401)


def test_a_connection_that_goes_silent_stops_counting_without_a_disconnect(quick_presence_stack):
    stack = quick_presence_stack
    api, ws = stack.api, stack.urls.ws_url
    department = stack.new_department()
    anna = approved_agent(api, stack.admin_token, "Anna", [department])
    socket = go_online(api, ws, anna)
    # Heartbeats keep the agent counting past the 3 s presence timeout.
    for _ in range(5):
        socket.send(action="heartbeat")
        time.sleep(1)  # pacing the heartbeats, not waiting for an event
        assert available(api, department) is True
    # Then the socket stays open but says nothing: as if the network vanished.
    wait_until(lambda: available(api, department) is False, 6.0, "the button hiding")
    # A heartbeat brings the agent back.
    socket.send(action="heartbeat")
    wait_until(lambda: available(api, department) is True, QUICK, "the button showing")
    socket.close()


def test_the_rooms_agent_status_follows_presence_in_rest_as_in_events(stack):
    """A reload after the agent's console vanished shows them as the event did: not online."""
    api, ws = stack.api, stack.urls.ws_url
    department = stack.new_department()
    anna = approved_agent(api, stack.admin_token, "Anna", [department])
    anna_socket = go_online(api, ws, anna)
    visitor = new_visitor(api)
    visitor_socket = open_socket(api, ws, visitor=visitor.token)
    room_id = start_chat(api, visitor, department, "Hallo?")
    api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)

    anna_socket.close()
    gone = visitor_socket.wait_for(lambda e: e.get("type") == "presence")

    assert gone["status"] == "offline"
    room = api.call("GET", f"/rooms/{room_id}", visitor=visitor.token, expect=200).json()
    assert room["agent"]["status"] == "offline"
    # Back with a console: the room says so again once the visitor heard it.
    go_online(api, ws, anna)
    room = api.call("GET", f"/rooms/{room_id}", token=anna.token, expect=200).json()
    assert room["agent"]["status"] == "online"
