"""What `make run` promises: data kept across restarts, the demo department, the admin account,
the confirmation email in the outbox, and the OpenAPI document."""

from __future__ import annotations

import httpx

from devserver.testing import devserver_process
from tests.local.support import (
    Api,
    approved_agent,
    go_online,
    new_visitor,
    sign_in_admin,
    start_chat,
    write,
)


def test_a_restart_keeps_every_account_room_and_message(tmp_path):
    data_dir = tmp_path / "data"
    with devserver_process(data_dir=data_dir, in_memory=False) as urls:
        api = Api(urls.api_url)
        admin = sign_in_admin(api, urls.admin_email, urls.admin_password)
        anna = approved_agent(api, admin, "Anna", ["demo"])
        visitor = new_visitor(api)
        socket = go_online(api, urls.ws_url, anna)
        room_id = start_chat(api, visitor, "demo", "Hallo")
        api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
        write(api, room_id, "Moin", "a-1", token=anna.token)
        socket.close()

    with devserver_process(data_dir=data_dir, in_memory=False) as urls:
        api = Api(urls.api_url)
        assert (
            api.call("GET", "/visitors/me", visitor=visitor.token, expect=200).json()["name"]
            == visitor.name
        )
        api.call("GET", "/me", token=anna.token, expect=200)
        texts = [
            m["text"]
            for m in api.call(
                "GET",
                f"/rooms/{room_id}/messages",
                visitor=visitor.token,
                expect=200,
            ).json()["messages"]
            if m["author"]["kind"] != "system"
        ]
        assert texts == ["Hallo", "Moin"]
        # The admin account was created once, not again.
        assert "(already existed)" in (urls.data_dir / "devserver.log").read_text()


def test_the_stack_starts_with_the_demo_department_an_admin_and_the_openapi_document(stack):
    api = stack.api
    port = stack.urls.base_url.rsplit(":", 1)[1]
    assert api.call("GET", "/departments/demo/availability", expect=200).json() == {
        "department_id": "demo",
        "available": False,
        "open": True,
        # The demo page's snippet may show the button on the devserver's own origins.
        "allowed_origins": [stack.urls.base_url, f"http://localhost:{port}"],
        "offline_messages": False,  # the demo department takes no messages while closed
        "privacy_url": None,
    }
    me = api.call("GET", "/me", token=stack.admin_token, expect=200).json()
    assert me["role"] == "admin"
    document = api.call("GET", "/openapi.json", expect=200).json()
    assert document["openapi"].startswith("3.")
    assert "/rooms/{room_id}/take" in document["paths"]


def test_the_approval_email_lands_in_the_outbox(stack):
    api = stack.api
    anna = approved_agent(api, stack.admin_token, "Anna", [stack.new_department()])
    listing = httpx.get(stack.urls.outbox_url, headers={"Accept": "application/json"}).json()
    mails = [m for m in listing["messages"] if m["to"] == anna.email]  # newest first
    assert [("bestätigen" in m["subject"], "freigeschaltet" in m["subject"]) for m in mails] == [
        (False, True),
        (True, False),
    ]
    raw = httpx.get(
        mails[0]["url"]
        if mails[0]["url"].startswith("http")
        else stack.urls.base_url + mails[0]["url"]
    ).text
    assert "Hallo Anna" in raw
