"""S1–S4: registration, approval, sign-in, sign-out, status, profile."""

from __future__ import annotations

import pytest

from chalicelib.errors import Conflict, DeliveryFailed, Forbidden, InvalidInput, Unauthorized
from chalicelib.services import agents, presence, rooms
from chalicelib.services.principals import authenticate_agent, principal_of_connection


def test_a_registration_waits_for_an_administrator(world):
    agent_id, email = world.pending_agent("Paula")

    pending, _ = agents.list_agents(world.ctx, "pending", 50, None)
    assert [a["agent_id"] for a in pending] == [agent_id]
    assert agents.list_agents(world.ctx, "active", 50, None)[0] == []
    with pytest.raises(Forbidden) as refused:
        agents.login(world.ctx, email, world.password)
    assert refused.value.code == "account_pending"


def test_registering_an_email_twice_is_refused_whatever_its_case(world):
    agents.register(world.ctx, "Ada@Uni.example", "Ada", world.password)

    with pytest.raises(Conflict) as taken:
        agents.register(world.ctx, "ada@uni.EXAMPLE", "Ada Again", world.password)
    assert taken.value.code == "email_taken"
    assert len(agents.list_agents(world.ctx, "pending", 50, None)[0]) == 1


def test_pending_and_disabled_accounts_cannot_sign_in(world):
    agent_id, email = world.pending_agent("Paula")
    with pytest.raises(Forbidden) as pending:
        agents.login(world.ctx, email, world.password)
    assert pending.value.code == "account_pending"

    agents.approve(world.ctx, agent_id, "agent", ["sales"])
    token, _ = agents.login(world.ctx, email, world.password)
    agents.disable(world.ctx, agent_id)

    with pytest.raises(Forbidden) as disabled:
        agents.login(world.ctx, email, world.password)
    assert disabled.value.code == "account_disabled"
    with pytest.raises(Unauthorized):
        authenticate_agent(world.ctx, token)


def test_wrong_passwords_and_unknown_emails_get_the_same_answer(world):
    _agent_id, email = world.pending_agent("Paula")
    with pytest.raises(Unauthorized) as wrong_password:
        agents.login(world.ctx, email, "not the password")
    with pytest.raises(Unauthorized) as unknown:
        agents.login(world.ctx, "nobody@uni.example", world.password)
    assert wrong_password.value.code == unknown.value.code == "invalid_credentials"
    assert wrong_password.value.message == unknown.value.message


def test_approval_sends_a_confirmation_email(world):
    agent_id, email = world.pending_agent("Paula")
    assert world.mails() == []

    agents.approve(world.ctx, agent_id, "agent", ["sales", "library"])

    mails = world.mails()
    assert len(mails) == 1
    assert mails[0]["To"] == email
    assert "freigeschaltet" in mails[0]["Subject"]
    body = mails[0].get_payload(decode=True).decode()
    assert "Paula" in body and "sales, library" in body


def test_an_approval_whose_email_fails_is_kept_and_says_so(world, monkeypatch):
    agent_id, email = world.pending_agent("Paula")

    def refuse(*_args, **_kwargs):
        raise OSError("mail server refused")

    monkeypatch.setattr(world.ctx.mailer, "send", refuse)
    with pytest.raises(DeliveryFailed) as refused:
        agents.approve(world.ctx, agent_id, "agent", ["sales"])

    assert refused.value.status == 502 and email in refused.value.message
    assert world.ctx.store.get_agent(agent_id).state == "active"


def test_approval_assigns_role_and_departments_once(world):
    agent_id, email = world.pending_agent("Paula")

    approved = agents.approve(world.ctx, agent_id, "admin", ["library", "library"])

    assert (approved["state"], approved["role"], approved["departments"]) == (
        "active",
        "admin",
        ["library"],
    )
    stored = world.ctx.store.get_agent(agent_id)
    assert (stored.state, stored.role, stored.departments) == ("active", "admin", ("library",))
    with pytest.raises(Conflict) as again:
        agents.approve(world.ctx, agent_id, "agent", ["sales"])
    assert again.value.code == "not_pending"
    assert world.ctx.store.get_agent(agent_id).role == "admin"
    assert len(world.mails()) == 1


def test_approval_with_an_unknown_department_changes_nothing(world):
    agent_id, _ = world.pending_agent("Paula")

    with pytest.raises(InvalidInput) as unknown:
        agents.approve(world.ctx, agent_id, "agent", ["sales", "nope"])

    assert "departments" in unknown.value.message
    assert world.ctx.store.get_agent(agent_id).state == "pending"
    assert world.mails() == []


def test_an_approved_agent_signs_in_and_lands_in_the_back_office(world):
    agent_id, email = world.pending_agent("Paula")
    agents.approve(world.ctx, agent_id, "agent", ["sales"])

    token, agent = agents.login(world.ctx, email.upper(), world.password)
    view = agents.me(world.ctx, authenticate_agent(world.ctx, token))

    assert agent["agent_id"] == agent_id
    assert view["departments"] == ["sales"] and view["role"] == "agent"
    # Offline until the console connects; the livechat toggle is green by default (S10).
    assert view["status"] == "offline" and view["available"] is True
    assert view["settings"]["away_after_minutes"] == 5
    assert "password_hash" not in view


def test_logout_stops_the_token_at_once(world):
    paula = world.agent("Paula")
    assert world.available("sales")

    agents.logout(world.ctx, paula.p)

    with pytest.raises(Unauthorized):
        authenticate_agent(world.ctx, paula.token)
    assert paula.connection_id in world.pusher.disconnected
    assert world.ctx.store.get_connection(paula.connection_id, world.ctx.now()) is None
    assert not world.available("sales")


def test_the_visitor_sees_the_agent_go_offline_when_they_log_out(world):
    paula = world.agent("Paula")
    served = world.visitor()
    room_id = world.taken(served, paula)["room_id"]

    agents.logout(world.ctx, paula.p)

    assert served.pushed("presence") == [
        {"type": "presence", "agent_id": paula.agent_id, "status": "offline"}
    ]
    assert rooms.get(world.ctx, served.p, room_id)["agent"]["status"] == "offline"


def test_logout_ends_only_that_session(world):
    paula = world.agent("Paula")
    second_token, _ = agents.login(world.ctx, paula.email, world.password)

    agents.logout(world.ctx, authenticate_agent(world.ctx, second_token))

    assert authenticate_agent(world.ctx, paula.token).id == paula.agent_id
    assert world.pusher.disconnected == []
    assert world.available("sales")


def test_a_session_expires_after_the_configured_hours(world):
    paula = world.agent("Paula")

    world.clock.advance(hours=world.ctx.settings.session_hours, seconds=1)

    with pytest.raises(Unauthorized):
        authenticate_agent(world.ctx, paula.token)


def test_an_open_socket_is_refused_once_its_session_has_ended(world):
    paula = world.agent("Paula")
    assert principal_of_connection(world.ctx, paula.connection_id).id == paula.agent_id

    world.clock.advance(hours=world.ctx.settings.session_hours, seconds=1)

    with pytest.raises(Unauthorized):
        principal_of_connection(world.ctx, paula.connection_id)


def test_a_socket_speaks_with_the_name_and_departments_the_agent_has_now(world):
    paula = world.agent("Paula")

    agents.update_me(world.ctx, paula.p, "Paula P.", None)
    agents.patch_agent(world.ctx, paula.agent_id, None, ["library"])

    sender = principal_of_connection(world.ctx, paula.connection_id)
    assert (sender.name, sender.departments) == ("Paula P.", ("library",))


def test_a_forged_token_is_refused(world):
    paula = world.agent("Paula")
    session_id = paula.token.split(".")[0]

    for forged in (f"{session_id}.guessed", "no-dot", "", None, f"ses_unknown.{'x' * 43}"):
        with pytest.raises(Unauthorized):
            authenticate_agent(world.ctx, forged)


def test_disabling_an_account_stops_its_tokens_and_hides_the_button(world):
    paula = world.agent("Paula")

    agents.disable(world.ctx, paula.agent_id)

    with pytest.raises(Unauthorized):
        authenticate_agent(world.ctx, paula.token)
    assert paula.connection_id in world.pusher.disconnected
    assert not world.available("sales")
    assert world.ctx.store.get_agent(paula.agent_id).state == "disabled"


def test_profile_name_and_settings_are_kept(world):
    paula = world.agent("Paula")

    agents.update_me(world.ctx, paula.p, "Paula P.", {"away_after_minutes": 0, "theme": "dark"})
    agents.update_me(world.ctx, paula.p, None, {"sound": False})

    view = agents.me(world.ctx, paula.p)
    assert view["name"] == "Paula P."
    assert view["settings"]["away_after_minutes"] == 0  # away switched off (S3)
    assert view["settings"]["theme"] == "dark" and view["settings"]["sound"] is False


def test_status_and_toggle_are_stored(world):
    paula = world.agent("Paula")

    agents.set_status(world.ctx, paula.p, "busy")
    agents.set_availability(world.ctx, paula.p, False)

    stored = world.ctx.store.get_agent(paula.agent_id)
    assert (stored.status, stored.available) == ("busy", False)


def test_moving_an_agent_to_another_department_moves_the_button(world):
    paula = world.agent("Paula", ("sales",))
    assert (world.available("sales"), world.available("library")) == (True, False)

    agents.patch_agent(world.ctx, paula.agent_id, None, ["library"])

    assert (world.available("sales"), world.available("library")) == (False, True)


def test_the_department_agents_list_shows_only_active_agents_of_it(world):
    world.agent("Paula", ("sales",))
    world.agent("Lars", ("library",))
    world.agent("Sam", ("sales", "library"), connect=False, available=False, status="offline")
    world.pending_agent("Pending")

    names = [a["name"] for a in agents.colleagues_in(world.ctx, "sales")]

    assert names == ["Paula", "Sam"]


def test_status_changes_are_announced_to_the_visitors_the_agent_serves(world):
    paula = world.agent("Paula")
    served, waiting = world.visitor(), world.visitor()
    world.taken(served, paula)
    world.ask(waiting)

    agents.set_status(world.ctx, paula.p, "away")

    assert served.pushed("presence") == [
        {"type": "presence", "agent_id": paula.agent_id, "status": "away"}
    ]
    assert waiting.pushed("presence") == []


def test_a_status_change_is_not_announced_to_a_closed_chat(world):
    from chalicelib.services import rooms

    paula = world.agent("Paula")
    visitor = world.visitor()
    room = world.taken(visitor, paula)
    rooms.close(world.ctx, paula.p, room["room_id"], None)

    agents.set_status(world.ctx, paula.p, "busy")

    assert visitor.pushed("presence") == []


def test_the_first_admin_is_created_once(world):
    assert agents.ensure_admin(world.ctx, "root@uni.example", world.password) is True
    assert agents.ensure_admin(world.ctx, "root@uni.example", "another password") is False

    token, admin = agents.login(world.ctx, "root@uni.example", world.password)
    assert admin["role"] == "admin" and authenticate_agent(world.ctx, token).is_admin
    presence.refresh_agent(world.ctx, admin["agent_id"])  # an admin with no department: no error
