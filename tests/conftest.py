"""Shared fixtures: environment for the app, a fresh moto DynamoDB per test, and the fakes that
stand in for the outside world (clock, WebSocket pusher, password hashing cost)."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid

import pytest

from chalicelib.clock import Clock
from chalicelib.push import Pusher

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


# ---- fast infrastructure for moto ----------------------------------------------------------------

_local = threading.local()


def _fresh_session(*handlers: tuple[str, object]):
    """A botocore session whose clients are made once per (service, region, endpoint, config):
    PynamoDB makes a new session and client per model and per bind, which costs ~0.2 s each."""
    import botocore.session

    session = botocore.session.get_session()
    for event, handler in handlers:
        session.register(event, handler)
    make_client = session.create_client
    clients: dict = {}

    def create_client(service_name, region_name=None, endpoint_url=None, config=None, **kwargs):
        options = repr(sorted(vars(config).items())) if config is not None else None
        key = (service_name, region_name, endpoint_url, options, repr(sorted(kwargs.items())))
        if key not in clients:
            client = make_client(
                service_name,
                region_name=region_name,
                endpoint_url=endpoint_url,
                config=config,
                **kwargs,
            )
            _register_hooks_once(client)
            clients[key] = client
        return clients[key]

    session.create_client = create_client
    return session


def _register_hooks_once(client) -> None:
    """Each PynamoDB connection registers its `before-send` hook on the client it gets; with one
    client shared by every connection those would pile up (one more per model per test). Give the
    hook a unique id, so that botocore keeps the first and ignores the rest (it only adds extra
    headers, which this app never sets)."""
    events = client.meta.events
    register_first = events.register_first

    def register_first_once(event_name, handler, unique_id=None, unique_id_uses_count=False):
        if unique_id is None and getattr(handler, "__name__", "") == "_before_send":
            unique_id = "pynamodb-before-send"
        return register_first(event_name, handler, unique_id, unique_id_uses_count)

    events.register_first = register_first_once


def _thread_session():
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = _fresh_session()
    return session


@pytest.fixture
def fast_aws(monkeypatch):
    """Reuse botocore sessions and clients across models and tests (per thread)."""
    import moto  # noqa: F401 - moto's stubber must be among botocore's handlers first
    import pynamodb.connection.base

    monkeypatch.setattr(pynamodb.connection.base, "get_session", _thread_session)


@pytest.fixture
def fast_passwords(monkeypatch):
    """argon2id with the smallest cost: the same code path, a fraction of the time."""
    from argon2 import PasswordHasher

    from chalicelib.services import agents

    monkeypatch.setattr(
        agents, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


_moto_lock = threading.RLock()


@pytest.fixture
def moto(app_env, fast_aws, fast_passwords, monkeypatch):
    """moto's in-memory AWS for one test (the `tables` fixture makes the test's own tables).

    DynamoDB applies each request atomically (a conditional write checks and writes as one step);
    moto does not lock, so two threads could both pass a condition. One lock around each mocked
    request gives moto DynamoDB's guarantee, and nothing more."""
    from moto import mock_aws
    from moto.core.botocore_stubber import BotocoreStubber

    unlocked = BotocoreStubber.process_request

    def process_request(self, request):
        with _moto_lock:
            return unlocked(self, request)

    monkeypatch.setattr(BotocoreStubber, "process_request", process_request)
    _answer_items_as_json(monkeypatch)
    _remember_handler_methods(monkeypatch)
    with mock_aws():
        yield app_env


def _answer_items_as_json(monkeypatch) -> None:
    """moto answers DynamoDB through a generic, shape-walking serializer that costs ~5 ms per item;
    its results are already DynamoDB JSON, so dump them directly, keeping only the members of the
    operation's output shape as the serializer does (botocore then parses the same values; table
    descriptions differ only in sub-millisecond digits of CreationDateTime). Errors keep moto's
    own path. MOTO_EXACT_SERIALIZER=1 switches this off."""
    if os.environ.get("MOTO_EXACT_SERIALIZER") == "1":
        return
    from moto.dynamodb.models.utilities import DynamoJsonEncoder
    from moto.dynamodb.responses import DynamoResult

    exact = DynamoResult.execute_result

    def execute_result(self, context):
        operation = context.operation_model
        if not isinstance(self.result, dict):
            return exact(self, context)
        members = operation.output_shape.members
        result = {k: v for k, v in self.result.items() if k in members and v is not None}
        body = json.dumps(result, cls=DynamoJsonEncoder)
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, body

    monkeypatch.setattr(DynamoResult, "execute_result", execute_result)


def _remember_handler_methods(monkeypatch) -> None:
    """moto lists its handler class's methods (inspect.getmembers) on every request; they do
    not change, so list them once per class."""
    import functools

    from moto.core import responses

    monkeypatch.setattr(
        responses,
        "method_names_from_class",
        functools.lru_cache(maxsize=None)(responses.method_names_from_class),
    )


@pytest.fixture
def tables(moto, monkeypatch):
    """Bound and created tables of this test's prefix; returns the settings.

    The same tables as `create_missing_tables()` (tests/services/test_store.py checks that
    function itself), made with one CreateTable each: the prefix is new, so PynamoDB's `exists()`
    checks are answered without a DescribeTable, nothing waits (moto creates tables active), and
    TTL is left off (moto never expires items; every read filters by `expires_at` itself). That
    is 10 calls instead of 48, which were a third of a test's DynamoDB calls."""
    from pynamodb.models import Model

    from chalicelib.settings import get_settings
    from chalicelib.store import bind
    from chalicelib.store.models import ALL_MODELS

    settings = get_settings()
    bind(settings)
    with monkeypatch.context() as patch:
        patch.setattr(Model, "exists", classmethod(lambda cls: False))
        for model in ALL_MODELS:
            model.create_table(billing_mode="PAY_PER_REQUEST")
    return settings


def reset_dynamodb_connections() -> None:
    """Forget every PynamoDB connection so that the next call builds a new client."""
    from chalicelib.store import shared_connection
    from chalicelib.store.models import ALL_MODELS

    for model in ALL_MODELS:
        model._connection = None
    shared_connection.cache_clear()


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


@pytest.fixture
def dynamodb_calls(monkeypatch, fast_aws):
    """Counts DynamoDB calls made through PynamoDB ('before-call.dynamodb' on its sessions)."""
    import pynamodb.connection.base

    counter = CallCounter()
    session = _fresh_session(("before-call.dynamodb", counter))
    monkeypatch.setattr(pynamodb.connection.base, "get_session", lambda: session)
    reset_dynamodb_connections()
    yield counter
    reset_dynamodb_connections()
