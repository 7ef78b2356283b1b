"""Agent accounts and administration through the Chalice test client."""

from __future__ import annotations


def test_register_confirm_approve_sign_in_and_sign_out(api):
    registered = api.post(
        "/auth/register", {"email": "Paula@Uni.example", "name": "Paula", "password": api.password}
    )
    assert registered.status == 202 and registered.json == {"state": "pending"}
    token = api.emailed_token("paula@uni.example")
    assert api.post("/auth/verify-email", {"token": token}).status == 200
    pending = api.get("/admin/agents?state=pending", auth=api.admin.auth).json["agents"]
    assert [a["email"] for a in pending] == ["paula@uni.example"]
    agent_id = pending[0]["agent_id"]

    approved = api.post(
        f"/admin/agents/{agent_id}/approve",
        {"role": "agent", "departments": ["sales"]},
        auth=api.admin.auth,
    )
    assert approved.status == 200
    assert (approved.json["state"], approved.json["departments"]) == ("active", ["sales"])
    link, approval = api.mails_to("paula@uni.example")
    assert "#verify=" in link.get_content() and "#verify=" not in approval.get_content()

    login = api.post("/auth/login", {"email": "paula@uni.example", "password": api.password})
    assert login.status == 200 and login.json["agent"]["agent_id"] == agent_id
    auth = {"Authorization": f"Bearer {login.json['token']}"}
    me = api.get("/me", auth=auth).json
    assert set(me) >= {
        "agent_id",
        "email",
        "name",
        "role",
        "departments",
        "status",
        "available",
        "settings",
    }
    assert set(me["settings"]) >= {"away_after_minutes", "sound", "theme", "avatar"}

    out = api.post("/auth/logout", auth=auth)
    assert out.status == 204 and out.body == b""
    assert api.get("/me", auth=auth).status == 401


def test_profile_status_and_toggle(api):
    paula = api.agent("Paula", online=False)

    patched = api.patch(
        "/me",
        {"name": "Paula P.", "settings": {"away_after_minutes": 0, "theme": "dark"}},
        auth=paula.auth,
    )
    status = api.put("/me/status", {"status": "away"}, auth=paula.auth)
    toggle = api.put("/me/availability", {"available": True}, auth=paula.auth)

    assert patched.status == status.status == toggle.status == 200
    me = api.get("/me", auth=paula.auth).json
    assert (me["name"], me["status"], me["available"]) == ("Paula P.", "away", True)
    assert (me["settings"]["away_after_minutes"], me["settings"]["theme"]) == (0, "dark")
    assert me["settings"]["sound"] is True


def test_a_profile_picture_is_a_small_inline_image_never_a_link(api):
    paula = api.agent("Paula", online=False)
    picture = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4"
        "DwABBAEAghKdsQAAAABJRU5ErkJggg=="
    )

    stored = api.patch("/me", {"settings": {"avatar": picture}}, auth=paula.auth)
    link = api.patch(
        "/me", {"settings": {"avatar": "https://tracker.example/pixel.png"}}, auth=paula.auth
    )

    assert stored.status == 200 and stored.json["settings"]["avatar"] == picture
    assert link.status == 400 and "settings.avatar" in link.json["error"]["message"]
    assert api.get("/me", auth=paula.auth).json["settings"]["avatar"] == picture


def test_an_agent_whose_stored_picture_is_a_link_still_gets_answers(api):
    paula = api.agent("Paula", online=False)
    api.ctx.store.change_agent(paula.agent_id, settings={"avatar": "https://old.example/p.png"})

    me = api.get("/me", auth=paula.auth)

    assert me.status == 200 and me.json["settings"]["avatar"] is None


def test_admin_lists_changes_and_disables_agents(api):
    paula = api.agent("Paula", ("sales",))
    active = api.get("/admin/agents?state=active", auth=api.admin.auth).json["agents"]
    assert paula.agent_id in [a["agent_id"] for a in active]

    patched = api.patch(
        f"/admin/agents/{paula.agent_id}", {"departments": ["library"]}, auth=api.admin.auth
    )
    assert patched.status == 200 and patched.json["departments"] == ["library"]
    assert api.get("/departments/sales/availability").json["available"] is False
    assert api.get("/departments/library/availability").json["available"] is True

    disabled = api.post(f"/admin/agents/{paula.agent_id}/disable", auth=api.admin.auth)
    assert disabled.status == 200 and disabled.json["state"] == "disabled"
    assert api.get("/me", auth=paula.auth).status == 401
    assert api.get("/departments/library/availability").json["available"] is False
    assert paula.connection_id in api.pusher.disconnected
    listed = api.get("/admin/agents?state=disabled", auth=api.admin.auth).json["agents"]
    assert [a["agent_id"] for a in listed] == [paula.agent_id]


def test_admin_agent_lists_are_paginated(api):
    ids = [api.register(f"P{n}")[0] for n in range(3)]

    first = api.get("/admin/agents?state=pending&limit=2", auth=api.admin.auth).json
    rest = api.get(
        f"/admin/agents?state=pending&limit=2&next={first['next']}", auth=api.admin.auth
    ).json

    assert first["next"] and rest["next"] is None
    assert sorted(a["agent_id"] for a in first["agents"] + rest["agents"]) == sorted(ids)


def test_admin_manages_departments(api):
    admin = api.admin.auth
    created = api.post(
        "/admin/departments",
        {
            "department_id": "it",
            "name": "IT-Service",
            "allowed_origins": ["https://www.uni.example"],
            "retention_hours": 12,
        },
        auth=admin,
    )
    assert created.status == 201
    assert created.json == {
        "department_id": "it",
        "name": "IT-Service",
        "allowed_origins": ["https://www.uni.example"],
        "retention_hours": 12,
        "available": False,
        "office_hours": None,  # none until an admin sets them
        "offline_messages": False,  # no "leave a message" until an admin allows it
        "privacy_url": None,
        "agent_display": "name",  # visitors see the agents' names
        "alert_after_minutes": 0,  # no escalation until an admin sets minutes
        "alert_email": None,
        "uploads": True,  # visitors and agents may send files until an admin says no
    }

    patched = api.patch("/admin/departments/it", {"name": "IT", "retention_hours": 1}, auth=admin)
    assert patched.status == 200 and (patched.json["name"], patched.json["retention_hours"]) == (
        "IT",
        1,
    )
    listed = api.get("/admin/departments", auth=admin).json["departments"]
    assert [d["department_id"] for d in listed] == ["it", "library", "sales"]

    deleted = api.delete("/admin/departments/it", auth=admin)
    assert deleted.status == 204
    assert api.get("/departments/it/availability").status == 404


def test_admins_hear_of_waiting_registrations_by_email_at_most_once_an_hour(api):
    second_admin = api.agent("Greta", role="admin", online=False)
    hugo = api.agent("Hugo", online=False)  # no admin: hears nothing

    api.register("Ines")
    api.register("Jonas")  # within the hour: no second mail
    api.clock.advance(3600)
    api.register("Karla")

    for admin in (api.admin, second_admin):
        mails = api.mails_to(admin.email)
        assert len(mails) == 2, [m["Subject"] for m in mails]
        assert "/console/#admin/registrations" in mails[0].get_content()
    assert api.mails_to(hugo.email) == []
