"""S1: a registration proves its address by the emailed link before any admin sees it; what
happens when registrations, confirmations and institutional sign-ins of one address meet."""

from __future__ import annotations

import re
import threading

import pytest

from chalicelib.errors import Conflict, Forbidden, InvalidInput
from chalicelib.services import agents, registration

ADDRESS = "198.51.100.7"


def register(world, email: str, name: str, password: str | None = None) -> None:
    registration.request_account(world.ctx, email, name, password or world.password, ADDRESS)


def mailed_to(world, email: str) -> list[str]:
    return [m.get_payload(decode=True).decode() for m in world.mails() if m["To"] == email]


def tokens_mailed_to(world, email: str) -> list[str]:
    found = (re.search(r"#verify=(\S+)", body) for body in mailed_to(world, email))
    return [match.group(1) for match in found if match]


def verify(world, token: str) -> None:
    registration.verify_email(world.ctx, token, ADDRESS)


def pending(world) -> list[tuple[str, str]]:
    return [(a["email"], a["name"]) for a in agents.list_agents(world.ctx, "pending", 50, None)[0]]


def before_the_first(world, operation: str, meanwhile) -> None:
    """Run `meanwhile` once, right before the store's `operation` is first asked: what another
    request would do at that moment."""
    store = world.ctx.store
    real = getattr(store, operation)
    done = []

    def interleaved(*args, **kwargs):
        if not done:
            done.append(True)
            meanwhile()
        return real(*args, **kwargs)

    setattr(store, operation, interleaved)


def test_an_institutional_registration_is_pending_at_once_and_mails_nobody(world):
    agents.register(world.ctx, "ute@uni.example", "Ute", password=None)

    assert pending(world) == [("ute@uni.example", "Ute")]
    assert world.mails() == []


def test_an_institutional_registration_replaces_an_unverified_one_and_its_password(world):
    register(world, "ute@uni.example", "Mallory", password="Mallory's own password")
    [stale] = tokens_mailed_to(world, "ute@uni.example")

    agents.register(world.ctx, "ute@uni.example", "Ute", password=None)

    assert pending(world) == [("ute@uni.example", "Ute")]
    with pytest.raises(InvalidInput):
        verify(world, stale)
    with pytest.raises(Exception) as refused:
        agents.login(world.ctx, "ute@uni.example", "Mallory's own password")
    assert refused.value.code == "invalid_credentials"


def test_a_confirmation_just_before_a_replacement_keeps_the_first_and_tells_its_owner(world):
    register(world, "ada@uni.example", "Ada")
    [first] = tokens_mailed_to(world, "ada@uni.example")
    before_the_first(world, "replace_unverified_agent", lambda: verify(world, first))

    register(world, "ada@uni.example", "Mallory", password="Mallory's own password")

    assert pending(world) == [("ada@uni.example", "Ada")]
    assert len(tokens_mailed_to(world, "ada@uni.example")) == 1  # the second mail is a note
    assert len(mailed_to(world, "ada@uni.example")) == 2


def test_of_two_registrations_replacing_one_at_once_the_later_stands_alone(world):
    register(world, "ada@uni.example", "First")
    before_the_first(
        world, "replace_unverified_agent", lambda: register(world, "ada@uni.example", "Second")
    )

    register(world, "ada@uni.example", "Third")

    first, second, third = tokens_mailed_to(world, "ada@uni.example")
    for token in (first, second):
        with pytest.raises(InvalidInput):
            verify(world, token)
    verify(world, third)
    assert pending(world) == [("ada@uni.example", "Third")]


def test_of_two_registrations_of_a_new_address_at_once_exactly_one_link_works(world):
    barrier = threading.Barrier(2)

    def attempt(name: str) -> None:
        barrier.wait()
        register(world, "ada@uni.example", name)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in ("Ada", "Mallory")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    confirmed = []
    for token in tokens_mailed_to(world, "ada@uni.example"):
        try:
            verify(world, token)
            confirmed.append(token)
        except InvalidInput:
            pass
    assert len(confirmed) == 1
    assert len(pending(world)) == 1


def test_a_registration_cannot_sign_in_before_and_waits_for_approval_after_confirming(world):
    register(world, "ada@uni.example", "Ada")
    with pytest.raises(Forbidden) as unverified:
        agents.login(world.ctx, "ada@uni.example", world.password)

    verify(world, tokens_mailed_to(world, "ada@uni.example")[0])

    with pytest.raises(Forbidden) as waiting:
        agents.login(world.ctx, "ada@uni.example", world.password)
    assert (unverified.value.code, waiting.value.code) == ("account_unverified", "account_pending")


def test_an_unverified_registration_is_never_approved(world):
    register(world, "ada@uni.example", "Ada")
    agent_id = tokens_mailed_to(world, "ada@uni.example")[0].split(".")[0]

    with pytest.raises(Conflict) as refused:
        agents.approve(world.ctx, agent_id, "agent", ["sales"])
    assert refused.value.code == "not_pending"


def test_the_first_admin_takes_an_address_an_unverified_registration_holds(world):
    register(world, "admin@uni.example", "Mallory", password="Mallory's own password")

    assert agents.ensure_admin(world.ctx, "admin@uni.example", "admin password 1") is True
    token, agent = agents.login(world.ctx, "admin@uni.example", "admin password 1")
    assert (agent["role"], agent["state"]) == ("admin", "active")
