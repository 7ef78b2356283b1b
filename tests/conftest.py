"""Shared fixtures: environment for the app, a fresh moto DynamoDB per test, and the fakes that
stand in for the outside world (clock, WebSocket pusher, password hashing cost)."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from pathlib import Path

import pytest

from chalicelib.clock import Clock
from chalicelib.push import Pusher

BROWSER_TESTS = Path(__file__).parent / "browser"

BASE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_REGION": "eu-central-1",
}


@pytest.fixture
def app_env(monkeypatch, tmp_path):
    """Environment of one test: its own table prefix and outbox, nothing left from others."""
    for key, value in BASE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("TABLE_PREFIX", f"t{uuid.uuid4().hex[:8]}-")
    monkeypatch.setenv("MAIL_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("WS_URL", "ws://testserver/ws")
    for key in ("DYNAMODB_ENDPOINT", "WS_MANAGEMENT_ENDPOINT"):
        monkeypatch.delenv(key, raising=False)
    from chalicelib.settings import reset_settings

    reset_settings()
    yield tmp_path
    reset_settings()


def pytest_configure(config):
    # botocore must never reach a real AWS account from tests.
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")


# tryfirst: pytest-xdist reads the xdist_group marks in its own hook of the same name, which may
# otherwise run before this one and see none.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """`make test` runs two pytest workers (pytest-xdist, --dist loadgroup): the browser tier in
    one, one test after another, beside everything else in the other. One Chromium and its stack
    at a time keep the browser tests' timing what it is when they run alone."""
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.xdist_group("browser"))


def pytest_runtest_setup(item):
    """pytest-xdist groups by a suffix it writes into each test's id, which pytest 9.2 ignores
    (pytest-xdist#1386): the browser tests then ran in both workers at once, two Chromiums and
    stacks side by side. They fail instead of running ungrouped (requirements-dev.txt pins pytest
    below 9.2 for it)."""
    grouping = getattr(item.config.option, "loadgroup", False)
    if grouping and item.path.is_relative_to(BROWSER_TESTS) and "@browser" not in item.nodeid:
        pytest.fail(
            "--dist loadgroup did not group the browser tests into one worker (their xdist_group "
            "mark came too late, or pytest-xdist#1386: this pytest is too new for pytest-xdist)",
            pytrace=False,
        )


# ---- fakes --------------------------------------------------------------------------------------


class FakeClock(Clock):
    """A clock that only moves when the test says so."""

    def __init__(self, start: float | None = None) -> None:
        self.at = float(start if start is not None else time.time())

    def now(self) -> float:
        return self.at

    def advance(self, seconds: float = 0, *, minutes: float = 0, hours: float = 0) -> None:
        self.at += seconds + minutes * 60 + hours * 3600


class RecordingPusher(Pusher):
    """Records (connection_id, payload) instead of calling API Gateway; connections listed in
    `gone` answer like a closed socket (GoneException)."""

    def __init__(self) -> None:
        super().__init__(None, "eu-central-1")
        self.sent: list[tuple[str, dict]] = []
        self.gone: set[str] = set()
        self.disconnected: list[str] = []
        self._lock = threading.Lock()

    def post(self, connection_id: str, payload: dict) -> bool:
        if connection_id in self.gone:
            return False
        # Round-trip through JSON as the real pusher does: a payload that cannot be sent fails.
        with self._lock:
            self.sent.append((connection_id, json.loads(json.dumps(payload))))
        return True

    def disconnect(self, connection_id: str) -> None:
        self.disconnected.append(connection_id)

    def to(self, connection_id: str, type_: str | None = None) -> list[dict]:
        """Payloads sent to one connection, optionally of one `type`."""
        return [
            p
            for c, p in self.sent
            if c == connection_id and (type_ is None or p.get("type") == type_)
        ]

    def events(self, connection_id: str, type_: str = "room") -> list[str]:
        """The `event` of each payload of one type sent to one connection."""
        return [p.get("event") for p in self.to(connection_id, type_)]

    def clear(self) -> None:
        self.sent.clear()


@pytest.fixture
def clock():
    return FakeClock(1_770_000_000.0)


@pytest.fixture
def pusher():
    return RecordingPusher()


# ---- moto ---------------------------------------------------------------------------------------


@pytest.fixture
def fast_passwords(monkeypatch):
    """argon2id with the smallest cost: the same code path, a fraction of the time."""
    from argon2 import PasswordHasher

    from chalicelib.services import agents

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(agents, "password_hasher", lambda: cheap)


@pytest.fixture
def moto(app_env, fast_passwords):
    """moto's in-memory AWS for one test (the `tables` fixture makes the test's own tables)."""
    from moto import mock_aws

    with mock_aws():
        yield app_env


@pytest.fixture
def tables(moto):
    """A store on this test's own tables in moto; returns the settings and the store."""
    from chalicelib.settings import get_settings
    from chalicelib.store.dynamo import DynamoStore

    settings = get_settings()
    store = DynamoStore.from_settings(settings)
    store.create_missing_tables()
    return settings, store


class CallCounter:
    """DynamoDB operations made through botocore, in order."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.params: list[dict] = []
        self.active = False

    def __call__(self, model=None, params=None, **_kwargs) -> None:
        if self.active and model is not None:
            self.calls.append(model.name)
            self.params.append(params or {})

    def count(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for name in self.calls:
            counts[name] = counts.get(name, 0) + 1
        return counts

    def measure(self):
        counter = self

        class _Window:
            def __enter__(self):
                counter.calls = []
                counter.params = []
                counter.active = True
                return counter

            def __exit__(self, *exc):
                counter.active = False

        return _Window()


def count_dynamodb_calls(store) -> CallCounter:
    """Counts the DynamoDB calls the store makes (botocore's `before-call` events)."""
    counter = CallCounter()
    store.observe_calls(counter)
    return counter


# ---- the local S3 ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_endpoint():
    """One local S3 server (moto's, in its own process) for the whole session; each test that
    needs files gets its own bucket (`bucket`)."""
    from devserver.s3_local import S3Local

    with S3Local() as server:
        yield server.endpoint


@pytest.fixture
def bucket(s3_endpoint, app_env):
    """A fresh bucket of this test on the local S3: the app's ObjectStore for it."""
    from chalicelib.objects import ObjectStore

    objects = ObjectStore(f"files-{uuid.uuid4().hex[:12]}", "eu-central-1", s3_endpoint)
    objects.create_bucket()
    return objects
