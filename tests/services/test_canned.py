"""Canned responses: a department's (managed by admins, offered to its agents) and each agent's
own, inserted in the composer by their shortcut."""

from __future__ import annotations

import pytest

from chalicelib.errors import Conflict, Forbidden, NotFound, TooLarge
from chalicelib.services import canned


def shortcuts(responses: list[dict]) -> list[str]:
    return [r["shortcut"] for r in responses]


def test_an_agent_sees_their_departments_texts_and_their_own(world):
    paula = world.agent("Paula", ("sales",))
    canned.add_to_department(world.ctx, "sales", "hours", "Wir sind Mo–Fr 8–18 Uhr da.")
    canned.add_personal(world.ctx, paula.p, "hi", "Hallo, ich bin Paula.")

    assert canned.of_department(world.ctx, paula.p, "sales") == [
        {"shortcut": "hours", "text": "Wir sind Mo–Fr 8–18 Uhr da.", "department_id": "sales"}
    ]
    assert canned.personal(world.ctx, paula.p) == [
        {"shortcut": "hi", "text": "Hallo, ich bin Paula.", "department_id": None}
    ]


def test_an_agent_of_another_department_does_not_see_its_texts(world):
    lars = world.agent("Lars", ("library",))
    canned.add_to_department(world.ctx, "sales", "hours", "Mo–Fr")

    with pytest.raises(Forbidden):
        canned.of_department(world.ctx, lars.p, "sales")


def test_personal_texts_are_nobody_elses(world):
    paula, piet = world.agent("Paula"), world.agent("Piet")
    canned.add_personal(world.ctx, paula.p, "hi", "Hallo, ich bin Paula.")

    assert canned.personal(world.ctx, piet.p) == []
    canned.add_personal(world.ctx, piet.p, "hi", "Moin, Piet hier.")  # the same shortcut is fine
    assert canned.personal(world.ctx, piet.p)[0]["text"] == "Moin, Piet hier."


def test_a_shortcut_is_unique_per_owner_and_renaming_onto_another_is_refused(world):
    paula = world.agent("Paula")
    canned.add_personal(world.ctx, paula.p, "hi", "Hallo")
    canned.add_personal(world.ctx, paula.p, "bye", "Tschüss")

    with pytest.raises(Conflict) as exists:
        canned.add_personal(world.ctx, paula.p, "hi", "Noch mal")
    with pytest.raises(Conflict) as renamed:
        canned.replace_personal(world.ctx, paula.p, "bye", "hi", "Tschüss")

    assert (exists.value.code, renamed.value.code) == ("canned_exists", "canned_exists")
    assert shortcuts(canned.personal(world.ctx, paula.p)) == ["bye", "hi"]


def test_texts_are_changed_renamed_and_deleted(world):
    canned.add_to_department(world.ctx, "sales", "hours", "alt")

    canned.replace_in_department(world.ctx, "sales", "hours", "zeiten", "Mo–Fr 8–18 Uhr")
    admin = world.agent("Ada", (), role="admin")
    assert canned.of_department(world.ctx, admin.p, "sales")[0]["text"] == "Mo–Fr 8–18 Uhr"
    canned.delete_from_department(world.ctx, "sales", "zeiten")

    assert canned.of_department(world.ctx, admin.p, "sales") == []
    with pytest.raises(NotFound) as gone:
        canned.delete_from_department(world.ctx, "sales", "zeiten")
    assert gone.value.code == "canned_not_found"


def test_an_unknown_department_has_no_texts(world):
    with pytest.raises(NotFound) as unknown:
        canned.add_to_department(world.ctx, "nope", "hours", "x")
    assert unknown.value.code == "department_not_found"


def test_a_text_longer_than_a_message_may_be_is_refused(world):
    paula = world.agent("Paula")
    with pytest.raises(TooLarge):
        canned.add_personal(
            world.ctx, paula.p, "long", "x" * (world.ctx.settings.max_message_length + 1)
        )
    assert canned.personal(world.ctx, paula.p) == []


def test_an_owner_keeps_at_most_the_limit(world, monkeypatch):
    monkeypatch.setattr(canned, "MAX_PER_OWNER", 2)
    paula = world.agent("Paula")
    canned.add_personal(world.ctx, paula.p, "a", "A")
    canned.add_personal(world.ctx, paula.p, "b", "B")

    with pytest.raises(Conflict) as full:
        canned.add_personal(world.ctx, paula.p, "c", "C")

    assert full.value.code == "canned_limit"
