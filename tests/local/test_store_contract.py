"""One contract, three stores: the same cases on the in-memory store the service tests use, on
moto, and on DynamoDB Local, so that the fake cannot drift from what DynamoDB does."""

from __future__ import annotations

import contextlib
import itertools
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest

from chalicelib.store.base import Changed, Closed, Store, Taken
from chalicelib.store.dynamo import DynamoStore
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import (
    Agent,
    CannedResponse,
    Connection,
    Contact,
    Department,
    Handover,
    IdentityLink,
    MessageDraft,
    PushSubscription,
    PushTargets,
    Room,
    Session,
    SignInAttempt,
    SignInFailures,
    SocketTicket,
    StaffMember,
    StaffRoom,
    Upload,
    Visitor,
)
from devserver.dynamodb_local import DynamoDBLocal

NOW = 1_770_000_000
REGION = "eu-central-1"
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def aws_environment() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {
            "AWS_ACCESS_KEY_ID": "contract",
            "AWS_SECRET_ACCESS_KEY": "contract",
            "AWS_DEFAULT_REGION": REGION,
        }.items():
            patch.setenv(key, value)
        yield


@pytest.fixture(scope="module")
def moto_aws(aws_environment) -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        yield


@pytest.fixture(scope="module")
def dynamodb_local(aws_environment, tmp_path_factory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("contract") / "dynamodb.log"
    with DynamoDBLocal(log_path=log) as dynamodb:
        yield dynamodb.endpoint


def _tables(endpoint: str | None) -> DynamoStore:
    store = DynamoStore(f"c{uuid.uuid4().hex[:8]}-", endpoint, REGION)
    store.create_missing_tables(ttl_tables=())  # reads filter expiry themselves
    return store


@pytest.fixture(params=["memory", "moto", "dynamodb_local"])
def store(request) -> Store:
    if request.param == "memory":
        return MemoryStore()
    if request.param == "moto":
        request.getfixturevalue("moto_aws")
        return _tables(None)
    return _tables(request.getfixturevalue("dynamodb_local"))


@pytest.fixture(params=["memory", "dynamodb_local"])
def atomic_store(request) -> Store:
    """The stores that apply concurrent requests one at a time, as DynamoDB does (moto does
    not lock, so it can let two concurrent conditional writes both pass)."""
    if request.param == "memory":
        return MemoryStore()
    return _tables(request.getfixturevalue("dynamodb_local"))


# ---- records -----------------------------------------------------------------------------------


def agent(state: str = "active", **fields) -> Agent:
    n = next(_numbers)
    values = {
        "agent_id": f"agt_{n}",
        "email": f"agent{n}@uni.example",
        "name": f"Agent {n}",
        "password_hash": "hash",
        "state": state,
        "departments": ("sales",),
        "settings": {"sound": True},
        "created_at": f"2026-01-01T00:00:{n % 60:02d}.000Z",
    }
    return Agent(**{**values, **fields})


def room(department_id: str = "sales", **fields) -> Room:
    n = next(_numbers)
    key = f"2026-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}.000Z#k{n}"
    values = {
        "room_id": f"room_{n}",
        "department_id": department_id,
        "state": "queued",
        "visitor_id": f"vis_{n}",
        "visitor_name": f"Guest-{n}",
        "created_at": key[:24],
        "created_key": key,
        "queued_key": key,
        "expires_at": NOW + 3600,
    }
    return Room(**{**values, **fields})


def draft(client_id: str, text: str = "Hallo") -> MessageDraft:
    return MessageDraft(
        message_id=f"msg_{client_id}",
        author_kind="visitor",
        author_id="vis_1",
        author_name="Guest-1",
        text=text,
        client_id=client_id,
        created_at="2026-01-01T00:00:00.000Z",
        expires_at=NOW + 7200,
    )


# ---- accounts ----------------------------------------------------------------------------------


def test_an_email_is_claimed_by_one_account_only(store):
    paula = agent()
    store.create_agent(paula)

    with pytest.raises(Taken):
        store.create_agent(agent(email=paula.email))

    assert store.agent_id_for_email(paula.email) == paula.agent_id
    assert store.get_agent(paula.agent_id) == paula
    assert store.get_agent("agt_nobody") is None


def test_a_registration_is_approved_once(store):
    pending = agent(state="pending", departments=(), available=False)
    store.create_agent(pending)

    approved = store.approve_agent(pending.agent_id, "admin", ("library",))

    assert (approved.state, approved.role, approved.departments) == (
        "active",
        "admin",
        ("library",),
    )
    assert approved.available is True and store.get_agent(pending.agent_id) == approved
    with pytest.raises(Changed):
        store.approve_agent(pending.agent_id, "agent", ("sales",))


def unverified(**fields) -> Agent:
    values = {
        "state": "unverified",
        "departments": (),
        "available": False,
        "expires_at": NOW + 3600,
        "verification_hash": "hash-of-the-link",
    }
    return agent(**{**values, **fields})


def test_an_unverified_registration_is_verified_once_with_its_hash_and_kept_for_good(store):
    registered = unverified()
    store.create_agent(registered)

    with pytest.raises(Changed):
        store.verify_agent(registered.agent_id, "another hash", NOW)
    verified = store.verify_agent(registered.agent_id, "hash-of-the-link", NOW)

    assert verified == replace(registered, state="pending", expires_at=None, verification_hash=None)
    assert store.get_agent(registered.agent_id) == verified
    with pytest.raises(Changed):
        store.verify_agent(registered.agent_id, "hash-of-the-link", NOW)
    assert [a.agent_id for a in store.agents_by_state("pending", 10, None)[0]] == [
        registered.agent_id
    ]


def test_an_unverified_registration_is_not_verified_after_it_expired(store):
    registered = unverified()
    store.create_agent(registered)

    with pytest.raises(Changed):
        store.verify_agent(registered.agent_id, "hash-of-the-link", NOW + 3600)
    with pytest.raises(Changed):
        store.verify_agent("agt_nobody", "hash-of-the-link", NOW)
    assert store.get_agent(registered.agent_id) == registered


def test_an_unverified_registration_is_replaced_with_its_email_and_nothing_else_is(store):
    first = unverified()
    store.create_agent(first)
    second = unverified(email=first.email, name="Second", verification_hash="another")

    store.replace_unverified_agent(first.agent_id, second)

    assert store.get_agent(first.agent_id) is None
    assert store.agent_id_for_email(first.email) == second.agent_id
    assert store.get_agent(second.agent_id) == second
    with pytest.raises(Changed):  # the email is no longer the first's
        store.replace_unverified_agent(first.agent_id, unverified(email=first.email))
    store.verify_agent(second.agent_id, "another", NOW)
    with pytest.raises(Changed):  # a confirmed registration stays
        store.replace_unverified_agent(second.agent_id, unverified(email=first.email))
    assert store.agent_id_for_email(first.email) == second.agent_id


def test_of_a_confirmation_and_a_replacement_racing_exactly_one_wins(atomic_store):
    first = unverified()
    atomic_store.create_agent(first)
    second = unverified(email=first.email)
    barrier = threading.Barrier(2)
    won: list[str] = []

    def attempt(name: str, write) -> None:
        barrier.wait()
        try:
            write()
            won.append(name)
        except Changed:
            pass

    def confirm() -> None:
        atomic_store.verify_agent(first.agent_id, "hash-of-the-link", NOW)

    def replace_it() -> None:
        atomic_store.replace_unverified_agent(first.agent_id, second)

    threads = [
        threading.Thread(target=attempt, args=("verify", confirm)),
        threading.Thread(target=attempt, args=("replace", replace_it)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    holder = atomic_store.get_agent(atomic_store.agent_id_for_email(first.email) or "")
    assert holder is not None
    assert (holder.agent_id, holder.state) == (
        (first.agent_id, "pending") if won == ["verify"] else (second.agent_id, "unverified")
    )


def test_a_marker_is_claimed_once_until_it_expires(store):
    assert store.claim_marker("owner-notice#ada@uni.example", NOW, NOW + 3600) is True
    assert store.claim_marker("owner-notice#ada@uni.example", NOW + 3599, NOW + 7199) is False
    assert store.claim_marker("owner-notice#bob@uni.example", NOW, NOW + 3600) is True
    assert store.claim_marker("owner-notice#ada@uni.example", NOW + 3600, NOW + 7200) is True
    assert store.claim_marker("owner-notice#ada@uni.example", NOW + 7199, NOW + 9999) is False


def test_changes_to_an_account_are_kept_and_a_missing_account_is_refused(store):
    paula = agent()
    store.create_agent(paula)

    changed = store.change_agent(paula.agent_id, name="Paula P.", status="busy", available=True)
    disabled = store.disable_agent(paula.agent_id)

    assert (changed.name, changed.status, changed.available) == ("Paula P.", "busy", True)
    assert (disabled.state, disabled.available, disabled.name) == ("disabled", False, "Paula P.")
    with pytest.raises(Changed):
        store.change_agent("agt_nobody", status="online")


def test_a_new_password_is_stored_only_over_the_password_read(store):
    paula = agent()
    store.create_agent(paula)

    changed = store.change_password(paula.agent_id, "hash-2", "stamp-2", "ses_kept", "hash")

    assert (changed.password_hash, changed.password_stamp, changed.password_changed_in) == (
        "hash-2",
        "stamp-2",
        "ses_kept",
    )
    assert store.get_agent(paula.agent_id) == changed
    with pytest.raises(Changed):  # a change racing this one read the former password
        store.change_password(paula.agent_id, "hash-3", "stamp-3", "ses_other", "hash")
    with pytest.raises(Changed):
        store.change_password("agt_nobody", "hash-3", "stamp-3", "ses_other", "hash")
    assert store.get_agent(paula.agent_id) == changed


def test_agents_are_listed_by_state_page_by_page(store):
    created = [agent(state="pending") for _ in range(3)]
    for each in created:
        store.create_agent(each)

    first, cursor = store.agents_by_state("pending", 2, None)
    second, end = store.agents_by_state("pending", 2, cursor)

    assert [a.agent_id for a in first + second] == [a.agent_id for a in created]
    assert cursor is not None and end is None
    assert cursor["state"] == {"S": "pending"}
    assert set(cursor) == {"agent_id", "state", "created_at"}
    found = store.get_agents([created[2].agent_id, created[0].agent_id, "agt_nobody"])
    assert found == sorted([created[0], created[2]], key=lambda a: a.agent_id)


def test_failed_sign_ins_are_counted_per_account_and_address_until_they_are_forgotten(store):
    paula, piet = "paula@uni.example", "piet@uni.example"
    for n in range(3):
        counted = store.count_sign_in_failure(paula, "198.51.100.7", NOW + n, NOW + 60)
    store.count_sign_in_failure(paula, "2001:db8::/64", NOW, NOW + 60)
    store.count_sign_in_failure(piet, "198.51.100.7", NOW, NOW + 60)

    assert counted == SignInFailures(3, NOW + 2)
    assert store.sign_in_failures(paula, "198.51.100.7", NOW + 2) == SignInFailures(3, NOW + 2)
    assert store.sign_in_failures(paula, "2001:db8::/64", NOW) == SignInFailures(1, NOW)
    assert store.sign_in_failures(paula, "198.51.100.8", NOW) is None
    assert store.sign_in_failures(paula, "198.51.100.7", NOW + 60) is None  # expired
    store.forget_sign_in_failures(piet, "198.51.100.7")
    assert store.sign_in_failures(piet, "198.51.100.7", NOW) is None
    store.forget_sign_in_failures("nobody@uni.example", "198.51.100.7")  # nothing to forget


def test_a_failed_sign_in_after_the_failures_expired_counts_from_one(store):
    store.count_sign_in_failure("paula@uni.example", "198.51.100.7", NOW, NOW + 60)
    store.count_sign_in_failure("paula@uni.example", "198.51.100.7", NOW + 1, NOW + 61)

    again = store.count_sign_in_failure("paula@uni.example", "198.51.100.7", NOW + 61, NOW + 121)

    assert again == SignInFailures(1, NOW + 61)
    assert store.sign_in_failures("paula@uni.example", "198.51.100.7", NOW + 62) == again


@pytest.mark.parametrize("expired_before", [False, True])
def test_concurrent_failed_sign_ins_are_each_counted(atomic_store, expired_before):
    store = atomic_store
    if expired_before:  # all of them race to count from one again
        store.count_sign_in_failure("paula@uni.example", "198.51.100.7", NOW - 90, NOW - 30)
    start = threading.Barrier(12, timeout=30)
    errors: list[BaseException] = []

    def fail() -> None:
        start.wait()
        try:
            store.count_sign_in_failure("paula@uni.example", "198.51.100.7", NOW, NOW + 60)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=fail) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert store.sign_in_failures("paula@uni.example", "198.51.100.7", NOW).count == 12


def test_a_session_is_gone_when_it_expires_or_ends(store):
    session = Session("ses_1", "agt_1", "secret", NOW + 60)
    store.create_session(session)

    assert store.get_session("ses_1", NOW) == session
    assert store.get_session("ses_1", NOW + 60) is None
    store.end_session("ses_1")
    assert store.get_session("ses_1", NOW) is None


def a_session(session_id: str, agent_id: str, **fields) -> Session:
    values = {
        "session_id": session_id,
        "agent_id": agent_id,
        "secret_hash": "secret",
        "expires_at": NOW + 60,
        "created_at": "2026-02-02T02:00:00.000Z",
        "last_seen_at": "2026-02-02T02:00:00.000Z",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0",
        "password_stamp": "stamp-1",
    }
    return Session(**{**values, **fields})


def test_an_agents_sessions_are_listed_until_they_expire_or_end(store):
    kept = a_session("ses_kept", "agt_paula")
    store.create_session(kept)
    store.create_session(a_session("ses_ended", "agt_paula"))
    store.create_session(a_session("ses_expired", "agt_paula", expires_at=NOW))
    store.create_session(a_session("ses_other", "agt_piet"))
    store.end_session("ses_ended")

    assert store.sessions_of("agt_paula", NOW) == [kept]
    assert store.sessions_of("agt_nobody", NOW) == []


def test_a_use_of_a_session_is_noted_but_never_brings_an_ended_one_back(store):
    store.create_session(a_session("ses_1", "agt_1"))
    store.create_session(a_session("ses_old", "agt_1", last_seen_at=""))

    store.touch_session("ses_1", "2026-02-02T02:10:00.000Z")
    store.touch_session("ses_1", "2026-02-02T02:05:00.000Z")  # a slower request, seen earlier
    store.touch_session("ses_old", "2026-02-02T02:10:00.000Z")
    store.touch_session("ses_gone", "2026-02-02T02:10:00.000Z")

    seen = store.get_session("ses_1", NOW)
    assert seen is not None and seen.last_seen_at == "2026-02-02T02:10:00.000Z"
    old = store.get_session("ses_old", NOW)
    assert old is not None and old.last_seen_at == "2026-02-02T02:10:00.000Z"
    assert store.get_session("ses_gone", NOW) is None


# ---- connections -------------------------------------------------------------------------------


def test_a_connection_remembers_who_opened_it(store):
    paula = agent()
    store.create_agent(paula)
    opened = Connection(
        connection_id="c-1",
        kind="agent",
        principal_id=paula.agent_id,
        last_seen=NOW,
        connected_at=NOW,
        expires_at=NOW + 7200,
        name=paula.name,
        session_id="ses_1",
        session_expires_at=NOW + 3600,
        departments=("sales",),
        status="online",
        counts=True,
    )
    store.add_connection(opened)

    before = store.touch_connection("c-1", NOW + 30, NOW + 9000)
    renamed = store.change_agent(paula.agent_id, name="P.", status="busy")
    store.update_agent_connections(renamed, False, NOW)

    assert before == opened
    assert store.touch_connection("c-unknown", NOW, NOW + 60) is None
    now_stored = store.get_connection("c-1", NOW + 30)
    assert now_stored is not None
    assert (now_stored.last_seen, now_stored.expires_at, now_stored.name) == (
        NOW + 30,
        NOW + 9000,
        "P.",
    )
    assert store.connections_of(paula.agent_id, NOW) == [now_stored]
    assert store.remove_connection("c-1") == now_stored
    assert store.remove_connection("c-1") is None
    assert store.connections_of(paula.agent_id, NOW) == []


def test_a_connection_whose_session_ended_is_no_live_connection(store):
    opened = Connection(
        connection_id="c-session",
        kind="agent",
        principal_id="agt_session",
        last_seen=NOW,
        expires_at=NOW + 7200,
        session_id="ses_1",
        session_expires_at=NOW + 60,
    )
    store.add_connection(opened)

    assert store.connections_of("agt_session", NOW + 59) == [opened]
    assert store.connections_of("agt_session", NOW + 60) == []


def test_erasing_removes_every_connection_even_one_past_its_expiry(store):
    for n, expires_at in enumerate((NOW + 60, NOW - 60)):
        store.add_connection(
            Connection(f"c-erase-{n}", "visitor", "vis_erase", NOW - 120, expires_at)
        )
    store.add_connection(Connection("c-other", "visitor", "vis_other", NOW, NOW + 60))

    store.erase_connections_of("vis_erase")

    assert store.remove_connection("c-erase-1") is None
    assert store.get_connection("c-erase-0", NOW) is None
    assert store.connections_of("vis_other", NOW) != []


def test_a_socket_ticket_is_taken_once_and_not_after_it_expires(store):
    agent_ticket = SocketTicket("agent", "agt_1", "ses_1", NOW + 30)
    visitor_ticket = SocketTicket("visitor", "vis_1", None, NOW + 30)
    store.issue_socket_ticket("hash-agent", agent_ticket)
    store.issue_socket_ticket("hash-visitor", visitor_ticket)
    store.issue_socket_ticket("hash-late", visitor_ticket)

    assert store.take_socket_ticket("hash-agent", NOW) == agent_ticket
    assert store.take_socket_ticket("hash-agent", NOW) is None
    assert store.take_socket_ticket("hash-visitor", NOW) == visitor_ticket
    assert store.take_socket_ticket("hash-late", NOW + 30) is None
    assert store.take_socket_ticket("hash-unknown", NOW) is None


# ---- departments -------------------------------------------------------------------------------


def test_a_department_id_is_taken_once_and_changes_are_kept(store):
    sales = Department("sales", "Sales", 24, ("https://uni.example",), created_at="2026")
    store.create_department(sales)
    store.create_department(Department("library", "Library", 2))

    with pytest.raises(Taken):
        store.create_department(Department("sales", "Other", 1))
    changed = store.change_department("sales", name="Studienberatung", retention_hours=48)

    assert (changed.name, changed.retention_hours, changed.allowed_origins) == (
        "Studienberatung",
        48,
        ("https://uni.example",),
    )
    assert [d.department_id for d in store.all_departments()] == ["library", "sales"]
    store.delete_department("library")
    with pytest.raises(Changed):
        store.delete_department("library")
    with pytest.raises(Changed):
        store.change_department("library", name="x")


def test_office_hours_are_kept_on_the_department_whole_and_unchanged(store):
    store.create_department(Department("sales", "Sales", 24))
    hours = {
        "enabled": True,
        "time_zone": "Europe/Berlin",
        "weekly": {"mon": ["08:00-12:00", "13:00-18:00"], "sun": []},
        "closed_dates": ["2026-12-24"],
    }

    store.change_department("sales", office_hours=hours)
    store.change_department("sales", name="Studienberatung")  # other changes keep them
    store.set_agent_presence("sales", "agt_1", NOW + 90, ("ws_1",))

    sales = store.get_department("sales")
    assert sales is not None and dict(sales.office_hours or {}) == hours
    assert store.get_department("sales") == sales
    assert store.all_departments()[0].office_hours == sales.office_hours


def test_a_department_takes_messages_and_links_its_privacy_notice_once_told(store):
    store.create_department(Department("sales", "Sales", 24))
    assert store.get_department("sales").offline_messages is False

    store.change_department(
        "sales", offline_messages=True, privacy_url="https://uni.example/datenschutz"
    )
    store.change_department("sales", name="Studienberatung")  # other changes keep them
    told = store.get_department("sales")
    store.change_department("sales", privacy_url="")  # empty: removed

    assert (told.offline_messages, told.privacy_url) == (True, "https://uni.example/datenschutz")
    assert store.all_departments()[0].privacy_url is None
    assert store.get_department("sales").offline_messages is True


def test_a_department_keeps_its_alert_minutes_and_address_until_changed(store):
    store.create_department(Department("sales", "Sales", 24))

    store.change_department("sales", alert_after_minutes=5, alert_email="beratung@uni.example")
    store.change_department("sales", name="Studienberatung")  # other changes keep them
    told = store.get_department("sales")
    store.change_department("sales", alert_email="")  # empty: removed

    assert (told.alert_after_minutes, told.alert_email) == (5, "beratung@uni.example")
    assert store.all_departments()[0].alert_email is None
    assert store.get_department("sales").alert_after_minutes == 5


def test_a_department_takes_files_until_it_is_switched_off(store):
    store.create_department(Department("sales", "Sales", 24))
    assert store.get_department("sales").uploads is True

    store.change_department("sales", uploads=False)
    store.change_department("sales", name="Studienberatung")  # other changes keep the switch

    assert store.get_department("sales").uploads is False
    assert store.change_department("sales", uploads=True).uploads is True


def test_agents_gone_are_remembered_per_department_until_forgotten(store):
    store.create_department(Department("sales", "Sales", 24))

    store.mark_agent_gone("sales", "agt_1", NOW)
    store.mark_agent_gone("sales", "agt_2", NOW + 30)
    store.mark_agent_gone("sales", "agt_2", None)
    store.mark_agent_gone("sales", "agt_3", None)  # never marked: nothing to forget
    store.mark_agent_gone("gone", "agt_1", NOW)  # deleted meanwhile: no error

    sales = store.get_department("sales")
    assert sales is not None and dict(sales.gone_agents) == {"agt_1": NOW}
    assert store.get_department("gone") is None


def test_a_department_stored_before_agents_gone_were_kept_remembers_them_too(store):
    store.create_department(Department("sales", "Sales", 24))
    if isinstance(store, DynamoStore):
        store.m.DepartmentItem("sales").update(
            actions=[store.m.DepartmentItem.gone_agents.remove()]
        )

    store.mark_agent_gone("sales", "agt_1", None)
    store.mark_agent_gone("sales", "agt_1", NOW)
    store.mark_agent_gone("sales", "agt_2", NOW + 1)

    sales = store.get_department("sales")
    assert sales is not None and dict(sales.gone_agents) == {"agt_1": NOW, "agt_2": NOW + 1}


def test_presence_is_kept_per_agent_in_the_department(store):
    store.create_department(Department("sales", "Sales", 24))

    store.set_agent_presence("sales", "agt_1", NOW + 90, ("c-1", "c-2"))
    store.set_agent_presence("sales", "agt_2", NOW + 60, ("c-3",))
    store.set_agent_presence("sales", "agt_2", None, ())
    store.set_agent_presence("sales", "agt_3", None, ("c-4",))  # busy, but its console is open
    store.set_agent_presence("gone", "agt_1", NOW + 90, ("c-1",))  # deleted meanwhile: no error

    assert store.extend_agent_presence("sales", "agt_1", NOW + 120) is True
    assert store.extend_agent_presence("sales", "agt_3", NOW + 120) is False  # does not count
    assert store.extend_agent_presence("gone", "agt_1", NOW + 120) is False
    sales = store.get_department("sales")
    assert sales is not None and store.get_department("gone") is None
    assert dict(sales.ready_until) == {"agt_1": NOW + 120}
    assert dict(sales.consoles) == {"agt_1": ("c-1", "c-2"), "agt_3": ("c-4",)}
    assert sales.online_agents == {"agt_1", "agt_3"}


# ---- canned responses --------------------------------------------------------------------------


def test_canned_responses_are_kept_per_owner_with_unique_shortcuts(store):
    store.add_canned_response("department#sales", CannedResponse("hours", "Mo–Fr 8–18 Uhr"))
    store.add_canned_response("department#sales", CannedResponse("apply", "Bewerbung: …"))
    store.add_canned_response("agent#agt_1", CannedResponse("hours", "Meine Zeiten"))

    with pytest.raises(Taken):
        store.add_canned_response("department#sales", CannedResponse("hours", "doppelt"))
    assert store.canned_responses("department#sales") == [
        CannedResponse("apply", "Bewerbung: …"),
        CannedResponse("hours", "Mo–Fr 8–18 Uhr"),
    ]
    assert store.canned_responses("agent#agt_1") == [CannedResponse("hours", "Meine Zeiten")]
    assert store.canned_responses("agent#agt_2") == []


def test_a_canned_response_is_changed_renamed_and_deleted_only_if_it_is_there(store):
    owner = "department#sales"
    store.add_canned_response(owner, CannedResponse("hours", "alt"))
    store.add_canned_response(owner, CannedResponse("apply", "Bewerbung"))

    store.replace_canned_response(owner, "hours", CannedResponse("hours", "neu"))
    store.replace_canned_response(owner, "hours", CannedResponse("times", "neu"))
    with pytest.raises(Taken):
        store.replace_canned_response(owner, "times", CannedResponse("apply", "x"))
    with pytest.raises(Changed):
        store.replace_canned_response(owner, "hours", CannedResponse("hours", "x"))
    with pytest.raises(Changed):
        store.replace_canned_response("agent#nobody", "hours", CannedResponse("hours", "x"))
    store.delete_canned_response(owner, "apply")
    with pytest.raises(Changed):
        store.delete_canned_response(owner, "apply")

    assert store.canned_responses(owner) == [CannedResponse("times", "neu")]


def test_of_two_admins_adding_the_same_first_shortcut_at_once_exactly_one_wins(atomic_store):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def add(text: str) -> None:
        barrier.wait()
        try:
            atomic_store.add_canned_response("department#raced", CannedResponse("hours", text))
            outcomes.append("added")
        except Taken:
            outcomes.append("taken")

    threads = [threading.Thread(target=add, args=(text,)) for text in ("eins", "zwei")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["added", "taken"]
    assert [r.shortcut for r in atomic_store.canned_responses("department#raced")] == ["hours"]


def test_a_heartbeat_records_whether_the_console_is_seen(store):
    opened = Connection("c-seen", "agent", "agt_seen", last_seen=NOW, expires_at=NOW + 7200)
    store.add_connection(opened)
    assert store.get_connection("c-seen", NOW).visible is True

    store.touch_connection("c-seen", NOW + 1, NOW + 7200, visible=False)
    assert [c.visible for c in store.connections_of("agt_seen", NOW + 1)] == [False]
    store.touch_connection("c-seen", NOW + 2, NOW + 7200)
    assert store.get_connection("c-seen", NOW + 2).visible is True


# ---- Web Push ----------------------------------------------------------------------------------


def subscription(n: int, **fields) -> PushSubscription:
    values = {
        "subscription_id": f"sub_{n}",
        "endpoint": f"https://push.example/{n}",
        "p256dh": "BPublic",
        "auth": "secret",
        "created_at": f"2026-01-01T00:00:{n:02d}.000Z",
    }
    return PushSubscription(**{**values, **fields})


def test_an_agents_push_subscriptions_are_kept_up_to_the_limit_and_replaced_by_id(store):
    assert store.push_targets("agt_push").subscriptions == ()
    for n in (1, 2):
        assert store.add_push_subscription("agt_push", subscription(n), limit=2)

    assert not store.add_push_subscription("agt_push", subscription(3), limit=2)
    renewed = subscription(2, auth="renewed")
    assert store.add_push_subscription("agt_push", renewed, limit=2)
    assert store.push_targets("agt_push").subscriptions == (subscription(1), renewed)
    assert store.push_targets("agt_other").subscriptions == ()


def test_a_removed_push_subscription_is_gone_and_removing_it_again_is_a_change_lost(store):
    store.add_push_subscription("agt_push", subscription(1), limit=10)
    store.remove_push_subscription("agt_push", "sub_1")

    assert store.push_targets("agt_push").subscriptions == ()
    with pytest.raises(Changed):
        store.remove_push_subscription("agt_push", "sub_1")
    store.add_push_subscription("agt_push", subscription(2), limit=10)
    assert [s.subscription_id for s in store.push_targets("agt_push").subscriptions] == ["sub_2"]


def test_the_preview_choice_is_read_with_the_subscriptions(store):
    assert store.push_targets("agt_push").previews is False
    store.set_push_previews("agt_push", True)
    store.add_push_subscription("agt_push", subscription(1), limit=10)

    assert store.push_targets("agt_push") == PushTargets((subscription(1),), previews=True)
    store.set_push_previews("agt_push", False)
    assert store.push_targets("agt_push").previews is False


def test_devices_subscribing_at_once_never_pass_the_limit(atomic_store):
    atomic_store.add_push_subscription("agt_raced", subscription(1), limit=3)
    start = threading.Barrier(6, timeout=30)
    added: list[bool] = []

    def subscribe(n: int) -> None:
        start.wait()
        added.append(atomic_store.add_push_subscription("agt_raced", subscription(n), limit=3))

    threads = [threading.Thread(target=subscribe, args=(n,)) for n in range(2, 8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(added) == [False] * 4 + [True] * 2
    assert len(atomic_store.push_targets("agt_raced").subscriptions) == 3


def test_the_first_vapid_key_kept_stays(store):
    assert store.vapid_private_key() is None
    assert store.keep_vapid_private_key("first") == "first"

    assert store.keep_vapid_private_key("second") == "first"
    assert store.vapid_private_key() == "first"


# ---- visitors, contacts, counters --------------------------------------------------------------


def test_visitors_and_contacts_expire_and_are_deleted(store):
    visitor = Visitor("vis_1", "Guest-1", "secret", "2026", NOW + 60)
    store.create_visitor(visitor)
    store.extend_visitor("vis_1", NOW + 120)
    store.extend_visitor("vis_gone", NOW + 120)  # deleted meanwhile: nothing to extend
    contact = Contact("vis_1", "2026", NOW + 120, email="a@b.example")
    store.save_contact(contact)

    assert store.get_visitor("vis_1", NOW + 100) == Visitor(
        "vis_1", "Guest-1", "secret", "2026", NOW + 120
    )
    assert store.get_contacts(["vis_1", "vis_2"], NOW) == {"vis_1": contact}
    assert store.get_contact("vis_1", NOW + 120) is None
    store.delete_contact("vis_1")
    store.delete_visitor("vis_1")
    assert store.get_contact("vis_1", NOW) is None and store.get_visitor("vis_1", NOW) is None


def test_counters_count(store):
    assert [store.next_guest_number() for _ in range(3)] == [1, 2, 3]
    assert [store.count_request("rate#x#1", NOW + 120) for _ in range(2)] == [1, 2]


# ---- rooms -------------------------------------------------------------------------------------


def test_of_two_takes_of_one_queued_room_the_later_is_refused(store):
    queued = room()
    queued = replace(queued, live={"c-visitor": queued.visitor_id})
    store.create_room(queued, None)

    taken = store.take_room(
        queued, "agt_1", "Paula", "2026-01-01T01:00:00.000Z", ("c-paula",), NOW + 99
    )

    assert (taken.state, taken.agent_id, taken.served_by, taken.queued_key) == (
        "open",
        "agt_1",
        {"agt_1"},
        None,
    )
    assert taken.live == {"c-visitor": queued.visitor_id, "c-paula": "agt_1"}
    assert taken.version == queued.version + 1 and store.get_room(queued.room_id, NOW) == taken
    assert [link.room_id for link in store.rooms_of_agent("agt_1", None, None)] == [queued.room_id]
    with pytest.raises(Changed):
        store.take_room(queued, "agt_2", "Piet", "2026-01-01T01:00:01.000Z", (), NOW + 99)
    assert store.queued_rooms("sales", 10, NOW) == []
    assert store.rooms_of_agent("agt_2", None, None) == []


def test_a_room_goes_back_to_its_place_in_the_queue(store):
    first, second = room(), room()
    store.create_room(first, None)
    store.create_room(second, None)
    taken = store.take_room(first, "agt_1", "Paula", "t", ("c-paula",), NOW + 99)

    returned = store.return_room(taken, "2026-01-01T02:00:00.000Z")

    assert returned.state == "queued" and returned.agent_id is None and returned.live == {}
    assert store.get_room(first.room_id, NOW).queued_at == "2026-01-01T02:00:00.000Z"
    assert [r.room_id for r in store.queued_rooms("sales", 10, NOW)] == [
        first.room_id,
        second.room_id,
    ]
    assert store.queue_position("sales", second.queued_key or "", NOW) == 2
    with pytest.raises(Changed):
        store.return_room(taken, "t")  # returned already


def test_rooms_to_erase_include_those_past_their_expiry(store):
    live, expired = room(), room(expires_at=NOW - 1)
    store.create_room(live, None)
    store.create_room(expired, None)

    found = store.rooms_to_erase([expired.room_id, live.room_id, "room_gone"])

    assert store.get_rooms([live.room_id, expired.room_id], NOW) == [live]
    assert [r.room_id for r in found] == sorted([live.room_id, expired.room_id])


def test_forwarding_to_an_agent_can_move_the_room_into_their_department(store):
    queued = room()
    store.create_room(queued, None)
    taken = store.take_room(queued, "agt_1", "Paula", "t", ("c-paula",), NOW + 99)
    library = Department("library", "Library", 2)

    moved = store.forward_room_to_agent(taken, "agt_2", "Lars", (), NOW + 99, department=library)

    stored = store.get_room(queued.room_id, NOW)
    assert (moved.department_id, moved.retention_hours, moved.agent_id) == ("library", 2, "agt_2")
    assert stored is not None
    assert (stored.department_id, stored.retention_hours, stored.agent_id) == (
        "library",
        2,
        "agt_2",
    )
    assert [r.room_id for r in store.rooms_of_department("library", None)] == [queued.room_id]
    assert list(store.rooms_of_department("sales", None)) == []


def test_forwarding_to_an_agent_with_the_rooms_own_department_keeps_it_listed_there(store):
    queued = room()
    store.create_room(queued, None)
    taken = store.take_room(queued, "agt_1", "Paula", "t", (), NOW + 99)
    sales = Department("sales", "Sales", 48)

    moved = store.forward_room_to_agent(taken, "agt_2", "Lars", (), NOW + 99, department=sales)

    assert (moved.department_id, moved.retention_hours, moved.agent_id) == ("sales", 48, "agt_2")
    assert [r.room_id for r in store.rooms_of_department("sales", None)] == [queued.room_id]


def test_forwarding_moves_the_room_only_while_the_same_agent_serves_it(store):
    queued = room()
    store.create_room(queued, None)
    taken = store.take_room(queued, "agt_1", "Paula", "t", ("c-paula",), NOW + 99)

    to_piet = store.forward_room_to_agent(taken, "agt_2", "Piet", ("c-piet",), NOW + 99)
    with pytest.raises(Changed):  # Paula no longer serves it
        store.forward_room_to_agent(taken, "agt_3", "Lars", (), NOW + 99)
    to_library = store.forward_room_to_department(
        to_piet, "library", "2026-02#x", "2026-02-01T00:00:00.000Z", 2
    )

    assert (to_piet.agent_id, to_piet.served_by) == ("agt_2", {"agt_1", "agt_2"})
    assert to_piet.live == {"c-piet": "agt_2"} and to_library.live == {}
    assert store.get_room(queued.room_id, NOW) == to_library
    assert [link.room_id for link in store.rooms_of_agent("agt_2", None, None)] == [queued.room_id]
    assert (to_library.state, to_library.department_id, to_library.retention_hours) == (
        "queued",
        "library",
        2,
    )
    assert [r.room_id for r in store.queued_rooms("library", 10, NOW)] == [queued.room_id]
    assert store.get_room(queued.room_id, NOW).queued_at == "2026-02-01T00:00:00.000Z"
    assert store.queued_rooms("sales", 10, NOW) == []
    assert [r.room_id for r in store.rooms_of_department("library", None)] == [queued.room_id]
    assert list(store.rooms_of_department("sales", None)) == []


def test_a_room_keeps_its_page_and_each_forward_its_own_handover_note(store):
    queued = room(page={"url": "https://uni.example/studium", "title": "Studium"})
    store.create_room(queued, None)
    taken = store.take_room(queued, "agt_1", "Paula", "t", (), NOW + 99)

    note = {"by": "Paula", "comment": "Fragt nach BAföG"}
    to_piet = store.forward_room_to_agent(taken, "agt_2", "Piet", (), NOW + 99, handover=note)
    to_lars = store.forward_room_to_agent(to_piet, "agt_3", "Lars", (), NOW + 99)
    to_library = store.forward_room_to_department(
        to_lars, "library", "2026-02#x", "2026-02-01T00:00:00.000Z", 2, handover={"by": "Lars"}
    )

    assert to_piet.handover == note and to_lars.handover is None
    assert to_library.handover == {"by": "Lars"}
    stored = store.get_room(queued.room_id, NOW)
    assert stored.handover == {"by": "Lars"}
    assert stored.page == {"url": "https://uni.example/studium", "title": "Studium"}


def test_a_room_closes_once(store):
    queued = room()
    store.create_room(queued, None)

    closed = store.close_room(queued, "2026-01-02", "visitor", "thanks", NOW + 99)

    assert (closed.state, closed.closed_by, closed.comment, closed.expires_at) == (
        "closed",
        "visitor",
        "thanks",
        NOW + 99,
    )
    with pytest.raises(Changed):
        store.close_room(queued, "2026-01-02", "agent", None, NOW + 99)
    assert store.queued_rooms("sales", 10, NOW) == []


def test_a_message_left_keeps_its_address_and_language_with_the_room(store):
    left = room(offline_email="alex@example.org", language="en")

    store.create_room(left, draft("first"))

    stored = store.get_room(left.room_id, NOW)
    assert (stored.offline, stored.offline_email, stored.language) == (
        True,
        "alex@example.org",
        "en",
    )
    assert [r.offline_email for r in store.queued_rooms("sales", 10, NOW)] == ["alex@example.org"]
    store.delete_room(stored, only_if_closed=False)
    assert store.rooms_to_erase([left.room_id]) == []


def test_a_transcript_is_asked_for_once_and_its_address_kept_only_until_the_close(store):
    open_room = room(state="open", queued_key=None)
    store.create_room(open_room, None)

    assert store.ask_for_transcript(open_room.room_id, "a@example.org", "en", "2026-01-02")
    with pytest.raises(Taken):
        store.ask_for_transcript(open_room.room_id, "b@example.org", None, "2026-01-02")
    closed = store.close_room(open_room, "2026-01-02", "visitor", None, NOW + 99)
    store.forget_transcript_address(open_room.room_id)

    assert (closed.transcript_to, closed.language) == ("a@example.org", "en")
    stored = store.get_room(open_room.room_id, NOW)
    assert (stored.transcript_asked_at, stored.transcript_to) == ("2026-01-02", None)
    assert stored.version == closed.version  # asking changed nothing a take or close reads


def test_a_transcript_of_a_closed_room_is_not_kept_and_of_a_room_gone_refused(store):
    closed = room()
    store.create_room(closed, None)
    store.close_room(closed, "2026-01-02", "visitor", None, NOW + 99)

    assert store.ask_for_transcript(closed.room_id, "a@example.org", None, "2026-01-03") is False
    assert store.get_room(closed.room_id, NOW).transcript_to is None
    with pytest.raises(Taken):
        store.ask_for_transcript(closed.room_id, "a@example.org", None, "2026-01-03")
    with pytest.raises(Changed):
        store.ask_for_transcript("room_gone", "a@example.org", None, "2026-01-03")
    store.forget_transcript_address("room_gone")  # nothing to forget: no error


def test_rooms_are_found_by_department_visitor_and_agent(store):
    older, newer = room(visitor_id="vis_a"), room(visitor_id="vis_a")
    elsewhere = room("library")
    for each in (older, newer, elsewhere):
        store.create_room(each, None)
    store.take_room(older, "agt_1", "Paula", "t", (), NOW + 99)
    store.take_room(newer, "agt_1", "Paula", "t", (), NOW + 99)

    assert [r.room_id for r in store.rooms_of_department("sales", None)] == [
        newer.room_id,
        older.room_id,
    ]
    assert [r.room_id for r in store.rooms_of_department("sales", newer.created_key)] == [
        older.room_id
    ]
    assert sorted(store.room_ids_of_visitor("vis_a")) == sorted([older.room_id, newer.room_id])
    assert [link.room_id for link in store.rooms_of_agent("agt_1", None, None)] == [
        newer.room_id,
        older.room_id,
    ]
    assert [link.room_id for link in store.rooms_of_agent("agt_1", None, 1)] == [newer.room_id]
    found = store.get_rooms([elsewhere.room_id, older.room_id, "room_nope"], NOW)
    assert sorted(r.room_id for r in found) == sorted([elsewhere.room_id, older.room_id])
    assert store.get_room(older.room_id, NOW + 3600) is None  # expired


def test_a_departments_rooms_are_listed_newest_first_beyond_one_page(store):
    rooms = [room("archive") for _ in range(30)]  # more than a page of the listing (25)
    for each in rooms:
        store.create_room(each, None)
    newest_first = sorted(rooms, key=lambda r: r.created_key, reverse=True)

    listed = [r.room_id for r in store.rooms_of_department("archive", None)]
    older = store.rooms_of_department("archive", newest_first[9].created_key)

    assert listed == [r.room_id for r in newest_first]
    assert [r.room_id for r in older] == [r.room_id for r in newest_first[10:]]


def test_deleting_a_room_takes_its_messages_and_links_along(store):
    queued = room()
    store.create_room(queued, None)
    taken = store.take_room(queued, "agt_1", "Paula", "t", ("c-paula",), NOW + 99)
    store.append_message(taken, draft("c1"), NOW + 3600)

    with pytest.raises(Changed):
        store.delete_room(taken, only_if_closed=True)
    store.delete_room(taken, only_if_closed=False)

    assert store.get_room(queued.room_id, NOW) is None
    assert store.messages_after(queued.room_id, 0, 10, NOW) == []
    assert store.message_for_client_id(queued.room_id, "c1", NOW) is None
    assert store.rooms_of_agent("agt_1", None, None) == []
    assert list(store.rooms_of_department("sales", None)) == []
    with pytest.raises(Changed):
        store.delete_room(taken, only_if_closed=False)


def test_a_room_pushes_to_the_connections_that_listen(store):
    queued = room(live={"c-1": "vis_x"})
    store.create_room(queued, None)

    store.listen(queued.room_id, "c-2", "vis_x")
    store.stop_listening(queued.room_id, "c-1")
    store.listen("room_gone", "c-3", "vis_x")  # deleted meanwhile: no error
    store.stop_listening("room_gone", "c-3")

    stored = store.get_room(queued.room_id, NOW)
    assert stored is not None and stored.live == {"c-2": "vis_x"}
    assert stored.connections_of("vis_x") == ["c-2"] and stored.connections_of("agt_1") == []


def test_a_room_knows_which_of_its_agents_consoles_are_not_seen(store):
    queued = room(live={"c-1": "agt_1", "c-2": "agt_1", "c-v": "vis_x"})
    store.create_room(queued, None)

    store.mark_hidden(queued.room_id, "c-1", True)
    store.mark_hidden("room_gone", "c-1", True)  # deleted meanwhile: no error
    assert store.get_room(queued.room_id, NOW).seen_by("agt_1")
    store.mark_hidden(queued.room_id, "c-2", True)
    assert not store.get_room(queued.room_id, NOW).seen_by("agt_1")
    store.mark_hidden(queued.room_id, "c-1", False)

    stored = store.get_room(queued.room_id, NOW)
    assert stored.hidden == {"c-2"} and stored.seen_by("agt_1")
    assert not stored.seen_by("agt_other")


def test_a_room_is_created_with_its_first_message(store):
    queued = room()

    first = store.create_room(queued, draft("c1", "Hallo?"))

    assert first is not None and first.created and first.message.seq == 1
    assert first.room == replace(queued, last_seq=1, message_count=1)
    assert first.room == store.get_room(queued.room_id, NOW)
    assert store.messages_after(queued.room_id, 0, 10, NOW) == [first.message]
    assert store.message_for_client_id(queued.room_id, "c1", NOW) == first.message
    assert store.append_message(first.room, draft("c2"), NOW + 5000).message.seq == 2
    with pytest.raises(Taken):
        store.create_room(queued, None)


# ---- messages ----------------------------------------------------------------------------------


def test_messages_are_numbered_without_holes_and_stored_once_per_client_id(store):
    queued = room()
    store.create_room(queued, None)

    first = store.append_message(queued, draft("c1", "eins"), NOW + 5000)
    second = store.append_message(queued, draft("c2", "zwei"), NOW + 5000)  # from a stale room
    again = store.append_message(first.room, draft("c1", "eins nochmal"), NOW + 5000)

    assert (first.message.seq, second.message.seq) == (1, 2)
    assert first.created and second.created and not again.created
    assert again.message == first.message
    assert second.room.last_seq == 2 and second.room.expires_at == NOW + 5000
    assert [m.text for m in store.messages_after(queued.room_id, 0, 10, NOW)] == ["eins", "zwei"]
    assert store.messages_after(queued.room_id, 1, 10, NOW) == [second.message]
    assert store.message_for_client_id(queued.room_id, "c2", NOW) == second.message


def test_a_message_keeps_the_file_it_carries(store):
    queued = room()
    store.create_room(queued, None)
    file = {"upload_id": "upl_1", "name": "Fehler ä.png", "content_type": "image/png", "size": 69}

    appended = store.append_message(queued, replace(draft("c1", ""), file=file), NOW + 5000)

    assert store.messages_after(queued.room_id, 0, 10, NOW) == [appended.message]
    assert dict(appended.message.file or {}) == file
    assert store.message_for_client_id(queued.room_id, "c1", NOW) == appended.message


def test_an_upload_is_kept_until_it_expires(store):
    upload = Upload("upl_1", "room_1", "vis_1", "Antrag.pdf", "application/pdf", 1234, NOW + 60)

    store.save_upload(upload)

    assert store.get_upload("upl_1", NOW) == upload
    assert store.get_upload("upl_1", NOW + 60) is None
    assert store.get_upload("upl_2", NOW) is None


def test_a_system_line_claims_no_client_id_but_is_numbered_like_any_message(store):
    queued = room()
    store.create_room(queued, None)
    line = replace(draft("sys_1", "Someone will be with you shortly."), author_kind="system")

    appended = store.append_message(queued, line, NOW + 5000)
    after = store.append_message(appended.room, draft("c1"), NOW + 5000)

    assert (appended.message.seq, after.message.seq) == (1, 2)
    assert store.messages_after(queued.room_id, 0, 10, NOW) == [appended.message, after.message]
    assert store.message_for_client_id(queued.room_id, "sys_1", NOW) is None
    assert store.message_for_client_id(queued.room_id, "c1", NOW) == after.message


def test_a_closed_room_takes_only_its_closing_line(store):
    queued = room()
    store.create_room(queued, None)
    closed = store.close_room(queued, "2026-01-02", "visitor", None, NOW + 99)

    with pytest.raises(Closed):
        store.append_message(closed, draft("late"), NOW + 5000)
    closing = store.append_message(closed, draft("sys"), None)

    assert closing.created and closing.message.seq == 1
    assert closing.room.expires_at == NOW + 99  # the retention stays
    with pytest.raises(Closed):
        store.append_message(room(), draft("nowhere"), NOW + 5000)  # never stored


def test_thirty_concurrent_writers_get_the_seqs_one_to_thirty(atomic_store):
    store = atomic_store
    queued = room()
    store.create_room(queued, None)
    start = threading.Barrier(30, timeout=30)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        start.wait()
        try:
            store.append_message(queued, draft(f"w{n}", f"line {n}"), NOW + 5000)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    stored = store.messages_after(queued.room_id, 0, 100, NOW)
    assert [m.seq for m in stored] == list(range(1, 31))
    assert sorted(m.client_id for m in stored) == sorted(f"w{n}" for n in range(30))
    assert store.get_room(queued.room_id, NOW).last_seq == 30


def test_a_started_institutional_sign_in_is_taken_once_and_not_after_it_expired(store):
    attempt = SignInAttempt("state-1", "nonce", "verifier", "browser-hash", NOW + 600)
    store.remember_sign_in_attempt(attempt)
    assert store.take_sign_in_attempt("state-1", NOW) == attempt
    assert store.take_sign_in_attempt("state-1", NOW) is None  # a replay
    store.remember_sign_in_attempt(replace(attempt, state="state-2"))
    assert store.take_sign_in_attempt("state-2", NOW + 600) is None  # expired
    assert store.take_sign_in_attempt("never-started", NOW) is None


def test_a_handover_code_is_taken_once_and_not_after_it_expired(store):
    handover = Handover("agt-1", "https://idp.example/end", "browser-hash", NOW + 120)
    store.remember_handover("hash-1", handover)
    assert store.take_handover("hash-1", NOW) == handover
    assert store.take_handover("hash-1", NOW) is None
    store.remember_handover("hash-2", replace(handover, end_session_url=None))
    assert store.take_handover("hash-2", NOW + 121) is None


def test_of_two_racing_takes_of_a_handover_exactly_one_gets_it(atomic_store):
    handover = Handover("agt-1", None, "browser-hash", NOW + 120)
    atomic_store.remember_handover("raced", handover)
    barrier = threading.Barrier(2)
    taken: list[Handover | None] = []

    def take() -> None:
        barrier.wait()
        taken.append(atomic_store.take_handover("raced", NOW))

    threads = [threading.Thread(target=take) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken, key=lambda h: h is None) == [handover, None]


def test_of_two_sockets_racing_with_one_ticket_exactly_one_gets_it(atomic_store):
    ticket = SocketTicket("visitor", "vis_1", None, NOW + 30)
    atomic_store.issue_socket_ticket("raced", ticket)
    barrier = threading.Barrier(2)
    taken: list[SocketTicket | None] = []

    def take() -> None:
        barrier.wait()
        taken.append(atomic_store.take_socket_ticket("raced", NOW))

    threads = [threading.Thread(target=take) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken, key=lambda t: t is None) == [ticket, None]


def identity(subject: str = "ada", state: str = "linked", **fields) -> IdentityLink:
    values = {
        "identity_id": f"idn_{subject}",
        "issuer": "https://idp.example",
        "subject": subject,
        "email": f"{subject}@uni.example",
        "state": state,
        "created_at": "2026-01-01T00:00:00.000Z",
        "expires_at": NOW + 86400 if state == "requested" else None,
    }
    return IdentityLink(**{**values, **fields})


def test_an_identity_of_the_provider_is_linked_to_one_agent(store):
    assert store.agent_of_identity("https://idp.example", "ada") is None
    store.link_identity("agt-1", identity("ada"))
    assert store.agent_of_identity("https://idp.example", "ada") == "agt-1"
    assert store.identity_links("agt-1", NOW) == [identity("ada")]
    store.link_identity("agt-1", identity("ada"))  # again: the same agent's, no change
    with pytest.raises(Taken):
        store.link_identity("agt-2", identity("ada"))
    assert store.agent_of_identity("https://idp.example", "ada") == "agt-1"
    assert store.identity_links("agt-2", NOW) == []
    assert store.agent_of_identity("https://other.example", "ada") is None


def test_a_link_request_waits_for_confirmation_and_expires(store):
    request = identity("ada", "requested")
    store.request_identity_link("agt-1", request, NOW)
    assert store.identity_links("agt-1", NOW) == [request]
    assert store.agent_of_identity("https://idp.example", "ada") is None  # not linked yet
    assert store.identity_links("agt-1", NOW + 86400) == []
    with pytest.raises(Changed):
        store.confirm_identity_link("agt-1", "idn_ada", NOW + 86400)
    linked = store.confirm_identity_link("agt-1", "idn_ada", NOW)
    assert linked == identity("ada")
    assert store.identity_links("agt-1", NOW + 86400) == [linked]
    assert store.agent_of_identity("https://idp.example", "ada") == "agt-1"
    with pytest.raises(Changed):  # confirmed already
        store.confirm_identity_link("agt-1", "idn_ada", NOW)


def test_a_new_request_leaves_a_link_linked_and_drops_expired_requests(store):
    store.link_identity("agt-1", identity("ada"))
    store.request_identity_link("agt-1", identity("ada", "requested"), NOW)
    store.request_identity_link("agt-1", identity("bob", "requested", expires_at=NOW + 10), NOW)
    store.request_identity_link("agt-1", identity("cy", "requested"), NOW + 20)
    assert [link.subject for link in store.identity_links("agt-1", NOW)] == ["ada", "cy"]
    assert store.identity_links("agt-1", NOW)[0].state == "linked"


def test_confirming_an_identity_another_agent_holds_is_refused(store):
    store.link_identity("agt-2", identity("ada"))
    store.request_identity_link("agt-1", identity("ada", "requested"), NOW)
    with pytest.raises(Taken):
        store.confirm_identity_link("agt-1", "idn_ada", NOW)
    assert store.agent_of_identity("https://idp.example", "ada") == "agt-2"
    assert store.identity_links("agt-1", NOW)[0].state == "requested"


def test_undoing_a_link_lets_go_of_the_identity(store):
    store.link_identity("agt-1", identity("ada"))
    store.request_identity_link("agt-1", identity("bob", "requested"), NOW)
    store.unlink_identity("agt-1", "idn_ada")
    store.unlink_identity("agt-1", "idn_bob")
    assert store.identity_links("agt-1", NOW) == []
    assert store.agent_of_identity("https://idp.example", "ada") is None
    with pytest.raises(Changed):
        store.unlink_identity("agt-1", "idn_ada")
    store.link_identity("agt-2", identity("ada"))  # free for another account now
    assert store.agent_of_identity("https://idp.example", "ada") == "agt-2"


def test_a_waiting_registration_is_taken_over_by_an_identity(store):
    registration = agent("pending", password_hash="the other one's", name="Someone")
    store.create_agent(registration)
    taken_over = store.take_over_registration(registration, "Ada Lovelace", identity("ada"))
    stored = store.get_agent(registration.agent_id)
    assert taken_over == stored
    assert (stored.name, stored.password_hash, stored.state) == ("Ada Lovelace", "", "pending")
    assert store.agent_of_identity("https://idp.example", "ada") == registration.agent_id
    assert store.identity_links(registration.agent_id, NOW) == [identity("ada")]


def test_a_registration_that_changed_meanwhile_is_not_taken_over(store):
    registration = agent("pending", password_hash="the other one's")
    store.create_agent(registration)
    store.approve_agent(registration.agent_id, "agent", ())  # approved since it was read
    with pytest.raises(Changed):
        store.take_over_registration(registration, "Ada", identity("ada"))
    assert store.get_agent(registration.agent_id).password_hash == "the other one's"
    assert store.agent_of_identity("https://idp.example", "ada") is None
    other = agent("pending")
    store.create_agent(other)
    store.link_identity("agt-elsewhere", identity("ada"))
    with pytest.raises(Taken):
        store.take_over_registration(other, "Ada", identity("ada"))
    assert store.get_agent(other.agent_id) == other


def test_of_a_take_over_and_an_approval_racing_the_password_never_stays_with_a_link(atomic_store):
    registration = agent("pending", password_hash="the other one's")
    atomic_store.create_agent(registration)
    barrier = threading.Barrier(2)

    def take_over() -> None:
        barrier.wait()
        with contextlib.suppress(Changed):
            atomic_store.take_over_registration(registration, "Ada", identity("ada"))

    def approve() -> None:
        barrier.wait()
        with contextlib.suppress(Changed):
            atomic_store.approve_agent(registration.agent_id, "agent", ())

    threads = [threading.Thread(target=take_over), threading.Thread(target=approve)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = atomic_store.get_agent(registration.agent_id)
    linked = atomic_store.agent_of_identity("https://idp.example", "ada") is not None
    assert stored.password_hash == ("" if linked else "the other one's")


def test_of_a_confirmation_and_an_undo_racing_one_wins_whole(atomic_store):
    atomic_store.request_identity_link("agt-1", identity("ada", "requested"), NOW)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm() -> None:
        barrier.wait()
        try:
            atomic_store.confirm_identity_link("agt-1", "idn_ada", NOW)
            outcomes.append("confirmed")
        except Changed:
            outcomes.append("confirm lost")

    def undo() -> None:
        barrier.wait()
        try:
            atomic_store.unlink_identity("agt-1", "idn_ada")
            outcomes.append("undone")
        except Changed:
            outcomes.append("undo lost")

    threads = [threading.Thread(target=confirm), threading.Thread(target=undo)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    links = atomic_store.identity_links("agt-1", NOW)
    held = atomic_store.agent_of_identity("https://idp.example", "ada")
    # Either confirmed and then undone (nothing left), or undone first (confirm finds nothing),
    # or confirmed after the undo's read and the undo lost: then it is wholly linked.
    assert (links == [] and held is None) or (links == [identity("ada")] and held == "agt-1")


# ---- team chat ---------------------------------------------------------------------------------


def staff_room(kind: str = "channel", **fields) -> StaffRoom:
    n = next(_numbers)
    values = {
        "room_id": f"team_{n}",
        "kind": kind,
        "name": f"Room {n}" if kind != "direct" else "",
        "created_at": "2026-01-01T00:00:00.000Z",
        "created_by": "agt_1",
    }
    return StaffRoom(**{**values, **fields})


def member(room: StaffRoom, agent_id: str, role: str = "member") -> StaffMember:
    return StaffMember(room.room_id, agent_id, f"Name of {agent_id}", room.kind, role)


def staff_draft(client_id: str, text: str = "Hallo", created_at: str = "2026-01-01T00:10:00.000Z"):
    return MessageDraft(
        message_id=f"msg_{client_id}",
        author_kind="agent",
        author_id="agt_1",
        author_name="Anna",
        text=text,
        client_id=client_id,
        created_at=created_at,
        expires_at=NOW + 7200,
    )


def test_a_staff_room_is_stored_with_its_members_and_its_name_is_claimed(store):
    library = staff_room(name="Library", topic="Books")
    store.create_staff_room(library, [member(library, "agt_1", "owner"), member(library, "agt_2")])

    with pytest.raises(Taken):
        store.create_staff_room(staff_room(name="LIBRARY"), [])
    assert store.get_staff_room(library.room_id) == library.__class__(
        **{**vars(library), "members_count": 2}
    )
    assert store.get_staff_room("team_nobody") is None
    assert [m.agent_id for m in store.staff_members(library.room_id)] == ["agt_1", "agt_2"]
    assert store.staff_member(library.room_id, "agt_1").role == "owner"
    assert [m.room_id for m in store.staff_memberships("agt_2")] == [library.room_id]
    assert store.staff_members_among(library.room_id, ["agt_2", "agt_9"]) == {"agt_2"}
    assert store.staff_members_among(library.room_id, []) == set()


def test_a_direct_room_keeps_its_members_names_and_exists_once(store):
    direct = staff_room("direct", room_id="team_dm_x", direct_members={"a1": "Anna", "b1": "Ben"})
    store.create_staff_room(direct, [member(direct, "a1"), member(direct, "b1")])

    with pytest.raises(Taken):
        store.create_staff_room(direct, [member(direct, "a1")])
    assert store.get_staff_room("team_dm_x").direct_members == {"a1": "Anna", "b1": "Ben"}
    assert store.get_staff_rooms(["team_dm_x", "team_none"])[0].members_count == 2
    assert store.public_channels() == []


def test_only_channels_claim_their_names_groups_share_them(store):
    channel = staff_room(name="Team")
    store.create_staff_room(channel, [])
    group, twin = staff_room("group", name="TEAM"), staff_room("group", name="team")
    store.create_staff_room(group, [])
    store.create_staff_room(twin, [])
    other = staff_room("group", name="Other")
    store.create_staff_room(other, [])

    assert store.change_staff_room(other.room_id, name="Team").name == "Team"
    store.delete_staff_room(group.room_id)
    with pytest.raises(Taken):
        store.create_staff_room(staff_room(name="team"), [])
    store.delete_staff_room(channel.room_id)
    store.create_staff_room(staff_room(name="team"), [])


def test_public_channels_are_listed_by_name_and_groups_are_not(store):
    for kind, name in (("channel", "beta"), ("group", "Gamma"), ("channel", "Alpha")):
        store.create_staff_room(staff_room(kind, name=name), [])

    assert [r.name for r in store.public_channels()] == ["Alpha", "beta"]


def test_a_staff_room_is_renamed_only_to_a_free_name_and_its_topic_cleared(store):
    first, second = staff_room(name="First"), staff_room(name="Second")
    store.create_staff_room(first, [])
    store.create_staff_room(second, [])

    with pytest.raises(Taken):
        store.change_staff_room(first.room_id, name="second")
    renamed = store.change_staff_room(first.room_id, name="Erste", topic="news")
    cleared = store.change_staff_room(first.room_id, topic="")
    store.create_staff_room(staff_room(name="first"), [])  # the old name is free again

    assert (renamed.name, renamed.topic, cleared.topic) == ("Erste", "news", None)
    with pytest.raises(Changed):
        store.change_staff_room("team_nobody", topic="x")


def test_members_join_once_leave_and_are_counted(store):
    channel = staff_room()
    store.create_staff_room(channel, [member(channel, "agt_1", "owner")])

    assert store.add_staff_member(member(channel, "agt_2")) is True
    assert store.add_staff_member(member(channel, "agt_2")) is False
    assert store.get_staff_room(channel.room_id).members_count == 2
    assert store.remove_staff_member(channel.room_id, "agt_2") is True
    assert store.remove_staff_member(channel.room_id, "agt_2") is False
    assert store.get_staff_room(channel.room_id).members_count == 1
    assert store.staff_memberships("agt_2") == []
    with pytest.raises(Changed):
        store.add_staff_member(member(staff_room(), "agt_3"))


def test_the_read_marker_moves_only_forward_and_clears_mentions(store):
    channel = staff_room()
    store.create_staff_room(channel, [member(channel, "agt_1")])
    store.note_staff_mention(channel.room_id, "agt_1")
    store.note_staff_mention(channel.room_id, "agt_1")
    store.note_staff_mention(channel.room_id, "agt_nobody")  # no member: nothing

    assert store.staff_member(channel.room_id, "agt_1").mentions == 2
    assert store.mark_staff_read(channel.room_id, "agt_1", 5).read_seq == 5
    store.note_staff_mention(channel.room_id, "agt_1")
    back = store.mark_staff_read(channel.room_id, "agt_1", 3)
    assert (back.read_seq, back.mentions) == (5, 0)
    assert store.staff_member(channel.room_id, "agt_1").mentions == 0
    assert store.mark_staff_read(channel.room_id, "agt_nobody", 1) is None
    assert store.staff_member(channel.room_id, "agt_nobody") is None


def test_staff_messages_number_without_holes_once_per_client_id(store):
    channel = staff_room()
    store.create_staff_room(channel, [])

    first = store.append_staff_message(channel, staff_draft("c1", "eins"))
    again = store.append_staff_message(channel, staff_draft("c1", "eins"))
    second = store.append_staff_message(first.room, staff_draft("c2", "zwei"))

    assert (first.message.seq, second.message.seq, again.message) == (1, 2, first.message)
    assert first.created and second.created and not again.created
    stored = store.get_staff_room(channel.room_id)
    assert (stored.last_seq, stored.last_message_at) == (2, "2026-01-01T00:10:00.000Z")
    assert [m.text for m in store.messages_after(channel.room_id, 0, 10, NOW)] == ["eins", "zwei"]
    with pytest.raises(Changed):
        store.append_staff_message(staff_room(), staff_draft("c3"))


def test_thirty_concurrent_staff_writers_get_the_seqs_one_to_thirty(atomic_store):
    channel = staff_room()
    atomic_store.create_staff_room(channel, [])
    start = threading.Barrier(30, timeout=30)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        start.wait()
        try:
            atomic_store.append_staff_message(channel, staff_draft(f"w{n}"))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    stored = atomic_store.messages_after(channel.room_id, 0, 100, NOW)
    assert [m.seq for m in stored] == list(range(1, 31))


def test_only_the_author_changes_a_message_and_only_while_it_is_young(store):
    channel = staff_room()
    store.create_staff_room(channel, [])
    store.append_staff_message(channel, staff_draft("c1", "helo"))
    window = "2026-01-01T00:05:00.000Z"

    edited = store.change_staff_message(
        channel.room_id, 1, "agt_1", window, text="hello", changed_at="t1"
    )
    with pytest.raises(Changed):
        store.change_staff_message(channel.room_id, 1, "agt_2", window, text="x", changed_at="t2")
    with pytest.raises(Changed):
        store.change_staff_message(
            channel.room_id, 1, "agt_1", "2026-01-01T00:20:00.000Z", text=None, changed_at="t2"
        )
    deleted = store.change_staff_message(
        channel.room_id, 1, "agt_1", window, text=None, changed_at="t3"
    )
    with pytest.raises(Changed):
        store.change_staff_message(
            channel.room_id, 1, "agt_1", window, text="back", changed_at="t4"
        )
    with pytest.raises(Changed):
        store.change_staff_message(channel.room_id, 9, "agt_1", window, text="x", changed_at="t4")

    assert (edited.text, edited.edited_at) == ("hello", "t1")
    assert (deleted.text, deleted.deleted_at) == ("", "t3")
    assert store.messages_after(channel.room_id, 0, 10, NOW) == [deleted]


def test_a_staff_message_keeps_its_file_when_edited_and_loses_it_when_deleted(store):
    channel = staff_room()
    store.create_staff_room(channel, [])
    file = {"upload_id": "upl_1", "name": "plan.pdf", "content_type": "application/pdf", "size": 9}
    store.append_staff_message(channel, replace(staff_draft("c1"), file=file))
    store.append_staff_message(channel, replace(staff_draft("c2"), file=file))
    window = "2026-01-01T00:05:00.000Z"

    edited = store.change_staff_message(
        channel.room_id, 1, "agt_1", window, text="x", changed_at="t1"
    )
    deleted = store.change_staff_message(
        channel.room_id, 2, "agt_1", window, text=None, changed_at="t2"
    )

    assert (edited.file, deleted.file) == (file, None)
    assert [m.file for m in store.messages_after(channel.room_id, 0, 10, NOW)] == [file, None]


def test_deleting_a_staff_room_removes_its_members_messages_and_name_and_names_its_last_members(
    store,
):
    channel = staff_room(name="Gone")
    store.create_staff_room(channel, [member(channel, a) for a in ("agt_1", "agt_2", "agt_3")])
    store.append_staff_message(channel, staff_draft("c1"))

    store.remove_staff_member(channel.room_id, "agt_2")

    assert store.delete_staff_room(channel.room_id) == ["agt_1", "agt_3"]
    assert store.delete_staff_room(channel.room_id) == []  # nothing left: nothing happens

    assert store.get_staff_room(channel.room_id) is None
    assert store.staff_memberships("agt_1") == []
    assert store.messages_after(channel.room_id, 0, 10, NOW) == []
    assert store.message_for_client_id(channel.room_id, "c1", NOW) is None
    store.create_staff_room(staff_room(name="gone"), [])


def test_online_agent_connections_are_the_live_agent_sockets_of_running_sessions_only(store):
    live = Connection("con_a", "agent", "agt_1", NOW, NOW + 60, session_expires_at=NOW + 1)
    stale = Connection("con_b", "agent", "agt_2", NOW - 999, NOW - 1)
    visitor = Connection("con_v", "visitor", "vis_1", NOW, NOW + 60)
    ended = Connection("con_e", "agent", "agt_3", NOW, NOW + 60, session_expires_at=NOW)
    for connection in (live, stale, visitor, ended):
        store.add_connection(connection)

    assert [c.connection_id for c in store.online_agent_connections(NOW)] == ["con_a"]


def test_the_staff_retention_is_unset_until_an_admin_sets_it(store):
    assert store.staff_retention_days() is None
    store.set_staff_retention_days(30)
    assert store.staff_retention_days() == 30
    store.set_staff_retention_days(0)
    assert store.staff_retention_days() == 0


def test_of_ten_racing_creations_of_one_name_exactly_one_gets_it(atomic_store):
    start = threading.Barrier(10, timeout=30)
    outcomes: list[str] = []

    def claim(n: int) -> None:
        start.wait()
        try:
            atomic_store.create_staff_room(staff_room(name="Race"), [])
            outcomes.append("created")
        except Taken:
            outcomes.append("taken")

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["created"] + ["taken"] * 9
    assert [r.name for r in atomic_store.public_channels()] == ["Race"]


def test_a_livechat_read_marker_only_moves_up_and_is_kept_per_agent_until_it_expires(store):
    assert store.mark_livechat_read("agt_1", "room_a", 4, NOW + 60) == 4
    assert store.mark_livechat_read("agt_1", "room_a", 2, NOW + 60) == 4
    assert store.mark_livechat_read("agt_1", "room_b", 1, NOW - 1) == 1
    store.mark_livechat_read("agt_2", "room_a", 7, NOW + 60)

    assert store.livechat_read_seqs("agt_1", ["room_a", "room_b", "room_c"], NOW) == {"room_a": 4}
    assert store.livechat_read_seqs("agt_2", ["room_a"], NOW) == {"room_a": 7}
    assert store.livechat_read_seqs("agt_1", [], NOW) == {}
    store.forget_livechat_reads("room_a", ["agt_1", "agt_3"])
    assert store.livechat_read_seqs("agt_1", ["room_a"], NOW) == {}
    assert store.livechat_read_seqs("agt_2", ["room_a"], NOW) == {"room_a": 7}


def test_how_agents_appear_to_visitors_is_kept_with_the_department_the_room_and_the_line(store):
    store.create_department(Department("help", "Hilfe", 24, created_at="t"))
    changed = store.change_department("help", agent_display="department")
    queued = room("help")
    store.create_room(queued, None)
    taken = store.take_room(queued, "agt_1", "Paula", "t", (), NOW + 99, agent_shown="Hilfe")
    line = replace(draft("c1"), author_kind="agent", shown_name="Hilfe")
    message = store.append_message(taken, line, NOW + 99).message
    to_piet = store.forward_room_to_agent(taken, "agt_2", "Piet", (), NOW + 99)

    assert changed.agent_display == "department"
    assert store.get_department("help").agent_display == "department"
    assert taken.agent_shown == "Hilfe" and to_piet.agent_shown is None
    assert store.get_room(queued.room_id, NOW).agent_shown is None
    assert store.messages_after(queued.room_id, 0, 10, NOW) == [message]
    assert message.shown_name == "Hilfe"


# ---- rating and statistics (issue 23) ----------------------------------------------------------


def test_the_agents_first_message_is_marked_once_and_messages_are_counted(store):
    queued = room()
    store.create_room(queued, draft("v1"))
    taken = store.take_room(queued, "agt_1", "Paula", "2026-01-01T01:00:00.000Z", (), NOW + 99)
    answer = replace(draft("a1"), author_kind="agent", author_id="agt_1", created_at="T1")

    first = store.append_message(taken, answer, NOW + 5000)
    second = store.append_message(taken, replace(answer, client_id="a2"), NOW + 5000)  # stale
    line = store.append_message(second.room, replace(draft("s1"), author_kind="system"), None)

    assert (first.first_response, second.first_response) == (True, False)
    assert store.get_room(queued.room_id, NOW).first_response_at == "T1"
    assert line.room.message_count == 3
    assert store.get_room(queued.room_id, NOW).message_count == 3


def test_a_room_counts_the_messages_that_carry_a_file(store):
    queued = room()
    store.create_room(queued, draft("v1"))
    file = {"upload_id": "upl_1", "name": "a.png", "content_type": "image/png", "size": 9}

    with_file = store.append_message(queued, replace(draft("v2"), file=file), NOW + 5000)
    store.append_message(with_file.room, draft("v3"), NOW + 5000)

    assert with_file.room.file_count == 1
    assert store.get_room(queued.room_id, NOW).file_count == 1


def test_a_room_is_rated_once_and_never_while_queued(store):
    queued = room()
    store.create_room(queued, None)
    with pytest.raises(Changed):
        store.rate_room(queued, 4, None)
    taken = store.take_room(queued, "agt_1", "Paula", "2026-01-01T01:00:00.000Z", (), NOW + 99)

    rated = store.rate_room(taken, 4, "danke")

    assert (rated.rating, rated.rating_comment) == (4, "danke")
    assert store.get_room(queued.room_id, NOW).rating == 4
    with pytest.raises(Changed):
        store.rate_room(rated, 1, None)


def test_queued_rooms_past_their_expiry_are_found_for_the_sweep(store):
    stale, fresh = room(expires_at=NOW - 1), room(expires_at=NOW + 60)
    store.create_room(stale, None)
    store.create_room(fresh, None)

    assert [r.room_id for r in store.expired_queued_rooms("sales", NOW, 10)] == [stale.room_id]


def test_statistics_add_up_per_department_and_hour(store):
    store.count_stats("sales", "2026-01-01T09", {"chats": 1, "agent#agt_1#wait#03": 1}, NOW)
    store.count_stats("sales", "2026-01-01T09", {"chats": 2, "missed": 1}, NOW)
    store.count_stats("sales", "2026-01-02T10", {"chats": 1}, NOW)
    store.count_stats("library", "2026-01-01T09", {"chats": 7}, NOW)

    found = store.stats_of("sales", "2026-01-01T00", "2026-01-01T23")

    assert [(h.hour, dict(h.counts)) for h in found] == [
        ("2026-01-01T09", {"chats": 3, "missed": 1, "agent#agt_1#wait#03": 1})
    ]
    assert [h.hour for h in store.stats_of("sales", "2026-01-01T00", "2026-01-02T23")] == [
        "2026-01-01T09",
        "2026-01-02T10",
    ]
