"""The store in DynamoDB, through PynamoDB: the only code that speaks it.

Each store binds subclasses of the schema in `models` to its own tables, all sharing one
PynamoDB connection and so one botocore client (PynamoDB would give each table its own, which
costs a new Lambda container about 0.1 s per table it touches).

`DynamoCore` holds what every aggregate's operations share; each module beside it
adds one aggregate's operations, and `DynamoStore` (the package) is all of them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import fields
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Self, cast

from pynamodb.attributes import MapAttribute
from pynamodb.connection import Connection as PynamoConnection
from pynamodb.exceptions import (
    DeleteError,
    DoesNotExist,
    PutError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import Index
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.settings import Settings
from chalicelib.store import models
from chalicelib.store.base import Store
from chalicelib.store.records import (
    Connection,
    IdentityLink,
)

if TYPE_CHECKING:
    from botocore.session import Session as BotocoreSession


GUEST_COUNTER = "counter#guest"


# A department's rooms are read this many at a time: its links, then the rooms themselves.
DEPARTMENT_ROOMS_PAGE = 25


# Writers racing for a room's next seq retry with the seq they lost to; each retry means
# another writer succeeded, so this many is reached only by that many writers at once.
APPEND_ATTEMPTS = 100


class _Condition(Exception):
    """A conditional write lost."""


def _lost(exc: Exception) -> bool:
    if isinstance(exc, TransactWriteError):
        reasons = exc.cancellation_reasons or []
        return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


@contextlib.contextmanager
def _conditional() -> Iterator[None]:
    try:
        yield
    except (PutError, UpdateError, DeleteError, TransactWriteError) as exc:
        if _lost(exc):
            raise _Condition(str(exc)) from exc
        raise


def _alive(item: Any, now: float) -> Any:
    if item is None:
        return None
    expires_at = getattr(item, "expires_at", None)
    return None if expires_at is not None and expires_at <= now else item


def _in_session(items: Iterable[Any], now: float) -> list[Connection]:
    """The connections among these items that are live and whose session (agents) still runs:
    an ended session's socket hears nothing, heartbeat or not."""
    live = (_record(Connection, item) for item in items if _alive(item, now))
    return [c for c in live if c.session_expires_at is None or c.session_expires_at > now]


def _record[R](record_type: type[R], item: Model) -> R:
    names = {f.name for f in fields(cast(Any, record_type))}
    values: dict[str, Any] = {}
    for name, value in item.attribute_values.items():
        if name not in names or value is None:
            continue
        if name == "consoles":
            value = {agent: tuple(ids.split()) for agent, ids in value.as_dict().items()}
        elif isinstance(value, MapAttribute):
            value = value.as_dict()
        elif isinstance(value, set):
            value = frozenset(value)
        elif isinstance(value, list):
            value = tuple(value)
        values[name] = value
    return record_type(**values)


def _identity_entry(link: IdentityLink) -> dict[str, Any]:
    """A link as its entry in the agent's map (named by its identity_id)."""
    return {name: value for name, value in _values(link).items() if name != "identity_id"}


def _identity_link(identity_id: str, entry: dict[str, Any]) -> IdentityLink:
    expires_at = entry.get("expires_at")
    return IdentityLink(
        identity_id=identity_id,
        issuer=entry["issuer"],
        subject=entry["subject"],
        email=entry["email"],
        state=entry["state"],
        created_at=entry["created_at"],
        expires_at=int(expires_at) if expires_at is not None else None,
    )


def _values(record: Any) -> dict[str, Any]:
    """A record's fields as PynamoDB wants them: lists, dicts, sets (None when empty)."""
    values: dict[str, Any] = {}
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, frozenset):
            value = set(value) or None
        elif f.name == "consoles":
            value = {agent: " ".join(ids) for agent, ids in value.items()}
        elif hasattr(value, "items"):
            value = dict(value)
        if value is not None:
            values[f.name] = value
    return values


def department_key(department_id: str) -> str:
    """The partition of a department's room links in the agent-rooms table."""
    return f"department#{department_id}"


def client_key(room_id: str, client_id: str) -> str:
    return f"client#{room_id}#{client_id}"


def livechat_read_key(agent_id: str, room_id: str) -> str:
    return f"read#{agent_id}#{room_id}"


def canned_key(owner: str) -> str:
    return f"canned#{owner}"


def push_key(agent_id: str) -> str:
    return f"push#{agent_id}"


VAPID_KEY = "vapid"


def sign_in_failures_key(email: str, address: str) -> str:
    return f"rate#failed-sign-in#{email}#{address}"


def email_key(email: str) -> str:
    return f"email#{email}"


def attempt_key(state: str) -> str:
    return f"attempt#{state}"


def ticket_key(ticket_hash: str) -> str:
    return f"ticket#{ticket_hash}"


def handover_key(code_hash: str) -> str:
    return f"handover#{code_hash}"


def identity_key(issuer: str, subject: str) -> str:
    return f"sso#{issuer}#{subject}"


def identity_links_key(agent_id: str) -> str:
    return f"identities#{agent_id}"


def staff_name_key(name: str) -> str:
    return f"staffname#{name.casefold()}"


STAFF_RETENTION_KEY = "setting#staff_retention_days"


def _bind(base: type[Model], prefix: str, host: str | None, region: str) -> type[Model]:
    schema_meta: Any = base.Meta
    meta = type(
        "Meta",
        (schema_meta,),
        {"table_name": prefix + schema_meta.base_name, "host": host, "region": region},
    )
    namespace: dict[str, Any] = {"Meta": meta, "__module__": base.__module__}
    for name, value in vars(base).items():
        if isinstance(value, Index):
            namespace[name] = type(value)()  # an index belongs to the class it is set on
    return type(base.__name__, (base,), namespace)


class _Connection(PynamoConnection):
    """PynamoDB's connection, making its client in the botocore session it is given rather than
    in one of its own (build_context shares the session with the pusher)."""

    def __init__(self, session: BotocoreSession, region: str, host: str | None) -> None:
        super().__init__(region=region, host=host)
        self._session = session

    @property
    def session(self) -> BotocoreSession:
        return self._session


class DynamoCore(Store):
    def __init__(
        self,
        table_prefix: str,
        endpoint: str | None,
        region: str,
        session: BotocoreSession | None = None,
    ) -> None:
        """`session`: the botocore session to make the client in; a new one when None."""
        self.table_prefix = table_prefix
        self._connection = (
            _Connection(session, region, endpoint)
            if session is not None
            else PynamoConnection(region=region, host=endpoint)
        )
        bound = {m.__name__: _bind(m, table_prefix, endpoint, region) for m in models.ALL_MODELS}
        for model in bound.values():
            # PynamoDB keeps a connection per model class; give each the store's one.
            table = model._get_connection()
            self._connection.add_meta_table(table.get_meta_table())
            table.connection = self._connection
        self.m = SimpleNamespace(**bound)
        self.models: tuple[type[Model], ...] = tuple(bound.values())

    @classmethod
    def from_settings(cls, settings: Settings, session: BotocoreSession | None = None) -> Self:
        return cls(settings.table_prefix, settings.dynamodb_endpoint, settings.region, session)

    def observe_calls(self, handler: Any) -> None:
        """Call `handler` before each DynamoDB request (botocore's `before-call` event): the
        tests and the bench count calls with it."""
        self._connection.client.meta.events.register("before-call.dynamodb", handler)

    def observe_capacity(self, handler: Any) -> None:
        """Ask each DynamoDB request for the capacity it consumes and call `handler` with the
        operation's name and the answer's `ConsumedCapacity`: tests assert write units with it."""
        events = self._connection.client.meta.events

        def ask(params: dict, model: Any, **_kwargs: Any) -> None:
            if "ReturnConsumedCapacity" in model.input_shape.members:
                params["ReturnConsumedCapacity"] = "TOTAL"

        def answered(parsed: dict, model: Any, **_kwargs: Any) -> None:
            handler(model.name, parsed.get("ConsumedCapacity"))

        events.register("before-parameter-build.dynamodb", ask)
        events.register("after-call.dynamodb", answered)

    # ---- tables (local runs and tests; AWS has infra/) -----------------------------------------

    def table_names(self) -> list[str]:
        return [model.Meta.table_name for model in self.models]

    def create_missing_tables(self, ttl_tables: Iterable[str] | None = None) -> list[str]:
        """Create the tables that do not exist yet, with TTL on `expires_at`; `ttl_tables`
        (base names) narrows where: DynamoDB Local runs TTL on 7 tables at most."""
        created = []
        for model in self.models:
            if model.exists():
                continue
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
            created.append(model.Meta.table_name)
            base_name = model.Meta.base_name  # type: ignore[attr-defined]
            wanted = ttl_tables is None or base_name in ttl_tables
            if wanted and "expires_at" in model.get_attributes():
                self._connection.update_time_to_live(model.Meta.table_name, "expires_at")
        return created

    # ---- helpers -------------------------------------------------------------------------------

    def _get(self, model: type[Model], key: str, range_key: Any = None) -> Any:
        try:
            return model.get(key, range_key=range_key, consistent_read=True)
        except DoesNotExist:
            return None

    def _update(self, item: Model, actions: list, condition: Condition) -> None:
        with _conditional():
            item.update(actions=actions, condition=condition)

    def _transact(self, *puts: tuple[Model, Condition | None]) -> None:
        with _conditional(), TransactWrite(connection=self._connection) as transaction:
            for item, condition in puts:
                transaction.save(item, condition=condition)
