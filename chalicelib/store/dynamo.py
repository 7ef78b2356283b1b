"""The store in DynamoDB, through PynamoDB: the only code that speaks it.

Each store binds subclasses of the schema in `models` to its own tables, all sharing one
PynamoDB connection and so one botocore client (PynamoDB would give each table its own, which
costs a new Lambda container about 0.1 s per table it touches).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields, replace
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

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
from chalicelib.store.base import Changed, Closed, Store, Taken
from chalicelib.store.records import (
    Agent,
    AgentRoom,
    Appended,
    CannedResponse,
    Connection,
    Contact,
    Cursor,
    Department,
    Handover,
    IdentityLink,
    Message,
    MessageDraft,
    Room,
    Session,
    SignInAttempt,
    SignInFailures,
    SocketTicket,
    StaffAppended,
    StaffMember,
    StaffRoom,
    Visitor,
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


def canned_key(owner: str) -> str:
    return f"canned#{owner}"


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


class DynamoStore(Store):
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
    def from_settings(
        cls, settings: Settings, session: BotocoreSession | None = None
    ) -> DynamoStore:
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

    # ---- counters ------------------------------------------------------------------------------

    def _increment(self, key: str, expires_at: int | None) -> int:
        item = self.m.KeyItem(key)
        actions = [self.m.KeyItem.number.add(1)]
        if expires_at is not None:
            actions.append(self.m.KeyItem.expires_at.set(expires_at))
        item.update(actions=actions)
        return int(item.number)

    def count_request(self, window: str, expires_at: int) -> int:
        return self._increment(window, expires_at)

    def count_sign_in_failure(
        self, email: str, address: str, now: float, expires_at: int
    ) -> SignInFailures:
        Key = self.m.KeyItem
        item = Key(sign_in_failures_key(email, address))
        stamp = [Key.last_at.set(now), Key.expires_at.set(expires_at)]
        # Counting on, or (past its expiry, which DynamoDB's TTL deletes late) from one again;
        # whichever condition a concurrent failure made false, the other one holds next time.
        while True:
            try:
                self._update(
                    item,
                    [Key.number.add(1), *stamp],
                    Key.key.does_not_exist() | (Key.expires_at > now),
                )
                break
            except _Condition:
                pass
            try:
                self._update(item, [Key.number.set(1), *stamp], Key.expires_at <= now)
                break
            except _Condition:
                pass
        return SignInFailures(int(item.number), float(item.last_at))

    def sign_in_failures(self, email: str, address: str, now: float) -> SignInFailures | None:
        item = _alive(self._get(self.m.KeyItem, sign_in_failures_key(email, address)), now)
        return SignInFailures(int(item.number), float(item.last_at)) if item else None

    def forget_sign_in_failures(self, email: str, address: str) -> None:
        self.m.KeyItem(sign_in_failures_key(email, address)).delete()

    def claim_marker(self, key: str, now: float, expires_at: int) -> bool:
        Key = self.m.KeyItem
        try:
            with _conditional():
                Key(key, expires_at=expires_at).save(
                    condition=Key.key.does_not_exist() | (Key.expires_at <= now)
                )
        except _Condition:
            return False
        return True

    def next_guest_number(self) -> int:
        return self._increment(GUEST_COUNTER, None)

    # ---- agents and sessions -------------------------------------------------------------------

    def _email_claim(self, agent: Agent) -> Model:
        return self.m.KeyItem(
            email_key(agent.email), ref=agent.agent_id, expires_at=agent.expires_at
        )

    def create_agent(self, agent: Agent) -> None:
        Key, Item = self.m.KeyItem, self.m.AgentItem
        try:
            self._transact(
                (self._email_claim(agent), Key.key.does_not_exist()),
                (Item(**_values(agent)), Item.agent_id.does_not_exist()),
            )
        except _Condition as exc:
            raise Taken(agent.email) from exc

    def replace_unverified_agent(self, former_id: str, agent: Agent) -> None:
        Key, Item = self.m.KeyItem, self.m.AgentItem
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                transaction.delete(
                    Item(former_id),
                    condition=Item.agent_id.does_not_exist() | (Item.state == "unverified"),
                )
                transaction.save(self._email_claim(agent), condition=Key.ref == former_id)
                transaction.save(Item(**_values(agent)), condition=Item.agent_id.does_not_exist())
        except _Condition as exc:
            raise Changed(former_id) from exc

    def verify_agent(self, agent_id: str, verification_hash: str, now: float) -> Agent:
        Key, Item = self.m.KeyItem, self.m.AgentItem
        agent = self.get_agent(agent_id)
        if agent is None:
            raise Changed(agent_id)
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                transaction.update(
                    Item(agent_id),
                    [
                        Item.state.set("pending"),
                        Item.expires_at.remove(),
                        Item.verification_hash.remove(),
                    ],
                    condition=(Item.state == "unverified")
                    & (Item.verification_hash == verification_hash)
                    & (Item.expires_at > now),
                )
                transaction.update(
                    Key(email_key(agent.email)),
                    [Key.expires_at.remove()],
                    condition=Key.ref == agent_id,
                )
        except _Condition as exc:
            raise Changed(agent_id) from exc
        return replace(agent, state="pending", expires_at=None, verification_hash=None)

    def agent_id_for_email(self, email: str) -> str | None:
        key = self._get(self.m.KeyItem, email_key(email))
        return key.ref if key is not None else None

    def get_agent(self, agent_id: str) -> Agent | None:
        item = self._get(self.m.AgentItem, agent_id)
        return _record(Agent, item) if item is not None else None

    def get_agents(self, agent_ids: Iterable[str]) -> list[Agent]:
        ids = sorted(set(agent_ids))
        found = self.m.AgentItem.batch_get(ids) if ids else []
        return sorted((_record(Agent, item) for item in found), key=lambda a: a.agent_id)

    def agents_by_state(
        self, state: str, limit: int, start: Cursor | None
    ) -> tuple[list[Agent], Cursor | None]:
        result = self.m.AgentItem.state_index.query(state, limit=limit, last_evaluated_key=start)
        agents = [_record(Agent, item) for item in result]
        return agents, result.last_evaluated_key

    def _change_agent(
        self, agent_id: str, changes: dict[str, Any], condition: Condition | None = None
    ) -> Agent:
        Item = self.m.AgentItem
        actions = [getattr(Item, name).set(value) for name, value in changes.items()]
        guard = Item.agent_id.exists()
        if condition is not None:
            guard &= condition
        item = Item(agent_id)
        try:
            self._update(item, actions, guard)
        except _Condition as exc:
            raise Changed(agent_id) from exc
        return _record(Agent, item)

    def approve_agent(self, agent_id: str, role: str, departments: tuple[str, ...]) -> Agent:
        changes = {
            "state": "active",
            "role": role,
            "departments": list(departments),
            "available": True,
        }
        return self._change_agent(agent_id, changes, self.m.AgentItem.state == "pending")

    def change_agent(
        self,
        agent_id: str,
        *,
        name: str | None = None,
        settings: dict | None = None,
        role: str | None = None,
        departments: tuple[str, ...] | None = None,
        status: str | None = None,
        available: bool | None = None,
    ) -> Agent:
        changes = {
            "name": name,
            "settings": settings,
            "role": role,
            "departments": list(departments) if departments is not None else None,
            "status": status,
            "available": available,
        }
        given = {k: v for k, v in changes.items() if v is not None}
        if not given:
            agent = self.get_agent(agent_id)
            if agent is None:
                raise Changed(agent_id)
            return agent
        return self._change_agent(agent_id, given)

    def disable_agent(self, agent_id: str) -> Agent:
        return self._change_agent(agent_id, {"state": "disabled", "available": False})

    def change_password(
        self, agent_id: str, password_hash: str, stamp: str, kept_session: str, former_hash: str
    ) -> Agent:
        changes = {
            "password_hash": password_hash,
            "password_stamp": stamp,
            "password_changed_in": kept_session,
        }
        return self._change_agent(agent_id, changes, self.m.AgentItem.password_hash == former_hash)

    def create_session(self, session: Session) -> None:
        self.m.SessionItem(**_values(session)).save()

    def get_session(self, session_id: str, now: float) -> Session | None:
        item = _alive(self._get(self.m.SessionItem, session_id), now)
        return _record(Session, item) if item is not None else None

    def end_session(self, session_id: str) -> None:
        self.m.SessionItem(session_id).delete()

    def sessions_of(self, agent_id: str, now: float) -> list[Session]:
        found = self.m.SessionItem.agent_index.query(agent_id)
        return [_record(Session, item) for item in found if _alive(item, now)]

    def touch_session(self, session_id: str, last_seen_at: str) -> None:
        Item = self.m.SessionItem
        seen_earlier = Item.last_seen_at.does_not_exist() | (Item.last_seen_at < last_seen_at)
        with contextlib.suppress(_Condition):
            self._update(
                Item(session_id),
                [Item.last_seen_at.set(last_seen_at)],
                Item.session_id.exists() & seen_earlier,
            )

    # ---- connections ---------------------------------------------------------------------------

    def add_connection(self, connection: Connection) -> None:
        self.m.ConnectionItem(**_values(connection)).save()

    def get_connection(self, connection_id: str, now: float) -> Connection | None:
        item = _alive(self._get(self.m.ConnectionItem, connection_id), now)
        return _record(Connection, item) if item is not None else None

    def touch_connection(
        self, connection_id: str, last_seen: float, expires_at: int
    ) -> Connection | None:
        Item = self.m.ConnectionItem
        try:
            with _conditional():
                data = self._connection.update_item(
                    Item.Meta.table_name,
                    connection_id,
                    actions=[Item.last_seen.set(last_seen), Item.expires_at.set(expires_at)],
                    condition=Item.connection_id.exists(),
                    return_values="ALL_OLD",
                )
        except _Condition:
            return None
        return _record(Connection, Item.from_raw_data(data["Attributes"]))

    def remove_connection(self, connection_id: str) -> Connection | None:
        Item = self.m.ConnectionItem
        data = self._connection.delete_item(
            Item.Meta.table_name, connection_id, return_values="ALL_OLD"
        )
        attributes = data.get("Attributes")
        return _record(Connection, Item.from_raw_data(attributes)) if attributes else None

    def connections_of(self, principal_id: str, now: float) -> list[Connection]:
        found = self.m.ConnectionItem.principal_index.query(principal_id)
        return _in_session(found, now)

    def erase_connections_of(self, principal_id: str) -> None:
        for item in self.m.ConnectionItem.principal_index.query(principal_id):
            self.remove_connection(item.connection_id)

    def issue_socket_ticket(self, ticket_hash: str, ticket: SocketTicket) -> None:
        holder = f"{ticket.kind}#{ticket.principal_id}#{ticket.session_id or ''}"
        self.m.KeyItem(ticket_key(ticket_hash), ref=holder, expires_at=ticket.expires_at).save()

    def take_socket_ticket(self, ticket_hash: str, now: float) -> SocketTicket | None:
        # One conditional DeleteItem returning what it deleted: of racing sockets only one
        # deletes the item (an unconditional delete may answer both with the old item).
        Key = self.m.KeyItem
        try:
            with _conditional():
                data = self._connection.delete_item(
                    Key.Meta.table_name,
                    ticket_key(ticket_hash),
                    condition=Key.key.exists(),
                    return_values="ALL_OLD",
                )
        except _Condition:
            return None
        attributes = data.get("Attributes")
        item = _alive(Key.from_raw_data(attributes), now) if attributes else None
        if item is None:
            return None
        kind, principal_id, session_id = item.ref.split("#", 2)
        return SocketTicket(kind, principal_id, session_id or None, int(item.expires_at))

    def update_agent_connections(self, agent: Agent, counts: bool, now: float) -> None:
        Item = self.m.ConnectionItem
        actions = [
            Item.name.set(agent.name),
            Item.role.set(agent.role),
            Item.departments.set(list(agent.departments)),
            Item.status.set(agent.status),
            Item.counts.set(counts),
        ]
        for connection in self.connections_of(agent.agent_id, now):
            with contextlib.suppress(_Condition):  # closed meanwhile
                self._update(Item(connection.connection_id), actions, Item.connection_id.exists())

    # ---- departments ---------------------------------------------------------------------------

    def create_department(self, department: Department) -> None:
        Item = self.m.DepartmentItem
        try:
            with _conditional():
                Item(**_values(department)).save(condition=Item.department_id.does_not_exist())
        except _Condition as exc:
            raise Taken(department.department_id) from exc

    def get_department(self, department_id: str) -> Department | None:
        item = self._get(self.m.DepartmentItem, department_id)
        return _record(Department, item) if item is not None else None

    def all_departments(self) -> list[Department]:
        Item = self.m.DepartmentItem
        ids = [item.department_id for item in Item.listing_index.query("department")]
        found = [_record(Department, item) for item in Item.batch_get(ids)] if ids else []
        return sorted(found, key=lambda d: d.department_id)

    def change_department(
        self,
        department_id: str,
        *,
        name: str | None = None,
        allowed_origins: tuple[str, ...] | None = None,
        retention_hours: int | None = None,
        office_hours: Mapping[str, Any] | None = None,
    ) -> Department:
        Item = self.m.DepartmentItem
        actions = []
        if name is not None:
            actions.append(Item.name.set(name))
        if allowed_origins is not None:
            actions.append(Item.allowed_origins.set(list(allowed_origins)))
        if retention_hours is not None:
            actions.append(Item.retention_hours.set(retention_hours))
        if office_hours is not None:
            actions.append(Item.office_hours.set(dict(office_hours)))
        if not actions:
            department = self.get_department(department_id)
            if department is None:
                raise Changed(department_id)
            return department
        item = Item(department_id)
        try:
            self._update(item, actions, Item.department_id.exists())
        except _Condition as exc:
            raise Changed(department_id) from exc
        return _record(Department, item)

    def delete_department(self, department_id: str) -> None:
        Item = self.m.DepartmentItem
        try:
            with _conditional():
                Item(department_id).delete(condition=Item.department_id.exists())
        except _Condition as exc:
            raise Changed(department_id) from exc

    def mark_agent_gone(self, department_id: str, agent_id: str, since: int | None) -> None:
        Item = self.m.DepartmentItem
        path = Item.gone_agents[agent_id]
        action = path.set(since) if since is not None else path.remove()
        # A department stored before agents gone were kept has no map to write into yet.
        for _attempt in range(2):
            try:
                self._update(Item(department_id), [action], Item.gone_agents.exists())
                return
            except _Condition:
                if since is None:
                    return  # nothing remembered: nothing to forget
            with contextlib.suppress(_Condition):  # deleted, or the map made meanwhile
                condition = Item.department_id.exists() & Item.gone_agents.does_not_exist()
                self._update(
                    Item(department_id), [Item.gone_agents.set({agent_id: since})], condition
                )
                return
            if self.get_department(department_id) is None:
                return

    def set_agent_presence(
        self, department_id: str, agent_id: str, ready_until: int | None, consoles: tuple[str, ...]
    ) -> None:
        Item = self.m.DepartmentItem
        actions = [
            Item.ready_until[agent_id].set(ready_until)
            if ready_until is not None
            else Item.ready_until[agent_id].remove(),
            Item.consoles[agent_id].set(" ".join(consoles))
            if consoles
            else Item.consoles[agent_id].remove(),
        ]
        with contextlib.suppress(_Condition):  # deleted meanwhile: nothing to keep current
            self._update(Item(department_id), actions, Item.department_id.exists())

    def extend_agent_presence(self, department_id: str, agent_id: str, ready_until: int) -> bool:
        Item = self.m.DepartmentItem
        try:
            self._update(
                Item(department_id),
                [Item.ready_until[agent_id].set(ready_until)],
                Item.ready_until[agent_id].exists(),
            )
        except _Condition:
            return False
        return True

    # ---- visitors and contacts -----------------------------------------------------------------

    def create_visitor(self, visitor: Visitor) -> None:
        self.m.VisitorItem(**_values(visitor)).save()

    def get_visitor(self, visitor_id: str, now: float) -> Visitor | None:
        item = _alive(self._get(self.m.VisitorItem, visitor_id), now)
        return _record(Visitor, item) if item is not None else None

    def extend_visitor(self, visitor_id: str, expires_at: int) -> None:
        Item = self.m.VisitorItem
        with contextlib.suppress(_Condition):  # deleted meanwhile: nothing to extend
            self._update(
                Item(visitor_id), [Item.expires_at.set(expires_at)], Item.visitor_id.exists()
            )

    def delete_visitor(self, visitor_id: str) -> None:
        self.m.VisitorItem(visitor_id).delete()

    def get_contact(self, visitor_id: str, now: float) -> Contact | None:
        item = _alive(self._get(self.m.ContactItem, visitor_id), now)
        return _record(Contact, item) if item is not None else None

    def get_contacts(self, visitor_ids: Iterable[str], now: float) -> dict[str, Contact]:
        ids = sorted(set(visitor_ids))
        found = self.m.ContactItem.batch_get(ids) if ids else []
        return {item.visitor_id: _record(Contact, item) for item in found if _alive(item, now)}

    def save_contact(self, contact: Contact) -> None:
        self.m.ContactItem(**_values(contact)).save()

    def delete_contact(self, visitor_id: str) -> None:
        self.m.ContactItem(visitor_id).delete()

    # ---- rooms ---------------------------------------------------------------------------------

    def _room_item(self, room: Room) -> Model:
        values = _values(room)
        if room.state == "queued":
            values["queue_department"] = room.department_id  # the sparse queue index's key
        return self.m.RoomItem(**values)

    def create_room(self, room: Room, first: MessageDraft | None) -> Appended | None:
        Item = self.m.RoomItem
        new_room = (self._room_item(room), Item.room_id.does_not_exist())
        if first is None:
            try:
                self._transact(new_room, (self._department_link(room, room.department_id), None))
            except _Condition as exc:
                raise Taken(room.room_id) from exc
            return None
        created = replace(room, last_seq=1)
        message = Message(room_id=room.room_id, seq=1, **vars(first))
        try:
            self._transact(
                (self._room_item(created), Item.room_id.does_not_exist()),
                (self._department_link(room, room.department_id), None),
                (self.m.MessageItem(**_values(message)), None),
                (self._claim(message), None),
            )
        except _Condition as exc:
            raise Taken(room.room_id) from exc
        return Appended(message, True, created)

    def _department_link(
        self, room: Room, department_id: str, retention_hours: int | None = None
    ) -> Model:
        """The room in its department's list, kept while the room may be: until its idle end,
        and after that as long as a close then would keep it (the department's retention, the
        room's own unless it moves into another department)."""
        retention = room.retention_hours if retention_hours is None else retention_hours
        return self.m.AgentRoomItem(
            department_key(department_id),
            room.created_key,
            room_id=room.room_id,
            expires_at=room.expires_at + retention * 3600,
        )

    def _claim(self, message: Message) -> Model:
        """The client_id's claim: a resend finds the message by it."""
        return self.m.KeyItem(
            client_key(message.room_id, message.client_id),
            ref=message.room_id,
            number=message.seq,
            expires_at=message.expires_at,
        )

    def get_room(self, room_id: str, now: float) -> Room | None:
        item = _alive(self._get(self.m.RoomItem, room_id), now)
        return _record(Room, item) if item is not None else None

    def get_rooms(self, room_ids: Iterable[str], now: float) -> list[Room]:
        ids = sorted(set(room_ids))
        found = self.m.RoomItem.batch_get(ids) if ids else []
        rooms = [_record(Room, item) for item in found if _alive(item, now)]
        return sorted(rooms, key=lambda r: r.room_id)

    def rooms_to_erase(self, room_ids: Iterable[str]) -> list[Room]:
        ids = sorted(set(room_ids))
        found = self.m.RoomItem.batch_get(ids) if ids else []
        return sorted((_record(Room, item) for item in found), key=lambda r: r.room_id)

    def _change_room(
        self,
        room: Room,
        actions: list,
        condition: Condition,
        links: tuple[Model, ...] = (),
        unlinks: tuple[Model, ...] = (),
    ) -> Room:
        """Apply `actions` while `condition` holds; with `links` to put or `unlinks` to delete,
        in the same transaction (the room then is as read, changed by the caller's knowledge)."""
        Item = self.m.RoomItem
        item = Item(room.room_id)
        actions = [*actions, Item.version.add(1)]
        guard = Item.room_id.exists() & condition
        try:
            if not links and not unlinks:
                self._update(item, actions, guard)
                return _record(Room, item)
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                transaction.update(item, actions, condition=guard)
                for link in links:
                    transaction.save(link)
                for unlink in unlinks:
                    transaction.delete(unlink)
        except _Condition as exc:
            raise Changed(room.room_id) from exc
        return replace(room, version=room.version + 1)

    def _link(self, agent_id: str, room: Room, expires_at: int) -> Model:
        return self.m.AgentRoomItem(
            agent_id, room.created_key, room_id=room.room_id, expires_at=expires_at
        )

    def _agent_leaves(self, room: Room) -> list:
        Item = self.m.RoomItem
        return [Item.live[c].remove() for c in room.connections_of(room.agent_id)]

    def _served_by_same_agent(self, room: Room) -> Condition:
        Item = self.m.RoomItem
        return (Item.state == "open") & (Item.agent_id == room.agent_id)

    def take_room(
        self,
        room: Room,
        agent_id: str,
        agent_name: str,
        taken_at: str,
        connections: tuple[str, ...],
        link_expires_at: int,
    ) -> Room:
        Item = self.m.RoomItem
        taken = self._change_room(
            room,
            [
                Item.state.set("open"),
                Item.agent_id.set(agent_id),
                Item.agent_name.set(agent_name),
                Item.served_by.add({agent_id}),
                Item.taken_at.set(taken_at),
                Item.queue_department.remove(),
                Item.queued_key.remove(),
                *(Item.live[c].set(agent_id) for c in connections),
            ],
            (Item.state == "queued") & (Item.version == room.version),
            links=(self._link(agent_id, room, link_expires_at),),
        )
        return replace(
            taken,
            state="open",
            agent_id=agent_id,
            agent_name=agent_name,
            served_by=room.served_by | {agent_id},
            taken_at=taken_at,
            queued_key=None,
            live={**room.live, **dict.fromkeys(connections, agent_id)},
        )

    def return_room(self, room: Room, queued_at: str) -> Room:
        Item = self.m.RoomItem
        return self._change_room(
            room,
            [
                Item.state.set("queued"),
                Item.agent_id.remove(),
                Item.agent_name.remove(),
                Item.queue_department.set(room.department_id),
                Item.queued_key.set(room.created_key),
                Item.queued_at.set(queued_at),
                *self._agent_leaves(room),
            ],
            self._served_by_same_agent(room),
        )

    def forward_room_to_agent(
        self,
        room: Room,
        agent_id: str,
        agent_name: str,
        connections: tuple[str, ...],
        link_expires_at: int,
        department: Department | None = None,
    ) -> Room:
        Item = self.m.RoomItem
        moves = []
        links = [self._link(agent_id, room, link_expires_at)]
        unlinks = []
        if department is not None:
            moves = [
                Item.department_id.set(department.department_id),
                Item.retention_hours.set(department.retention_hours),
            ]
            # Only a move changes the link (a transaction may not touch one item twice).
            if department.department_id != room.department_id:
                link = self._department_link(
                    room, department.department_id, department.retention_hours
                )
                links.append(link)
                unlinks.append(self._department_link(room, room.department_id))
        forwarded = self._change_room(
            room,
            [
                Item.agent_id.set(agent_id),
                Item.agent_name.set(agent_name),
                Item.served_by.add({agent_id}),
                *self._agent_leaves(room),
                *(Item.live[c].set(agent_id) for c in connections),
                *moves,
            ],
            self._served_by_same_agent(room),
            links=tuple(links),
            unlinks=tuple(unlinks),
        )
        staying = {c: p for c, p in room.live.items() if p != room.agent_id}
        if department is not None:
            forwarded = replace(
                forwarded,
                department_id=department.department_id,
                retention_hours=department.retention_hours,
            )
        return replace(
            forwarded,
            agent_id=agent_id,
            agent_name=agent_name,
            served_by=room.served_by | {agent_id},
            live={**staying, **dict.fromkeys(connections, agent_id)},
        )

    def forward_room_to_department(
        self,
        room: Room,
        department_id: str,
        queued_key: str,
        queued_at: str,
        retention_hours: int,
    ) -> Room:
        Item = self.m.RoomItem
        forwarded = self._change_room(
            room,
            [
                Item.state.set("queued"),
                Item.department_id.set(department_id),
                Item.agent_id.remove(),
                Item.agent_name.remove(),
                Item.queue_department.set(department_id),
                Item.queued_key.set(queued_key),
                Item.queued_at.set(queued_at),
                Item.retention_hours.set(retention_hours),
                *self._agent_leaves(room),
            ],
            self._served_by_same_agent(room),
            links=(self._department_link(room, department_id, retention_hours),),
            unlinks=(self._department_link(room, room.department_id),),
        )
        return replace(
            forwarded,
            state="queued",
            department_id=department_id,
            agent_id=None,
            agent_name=None,
            queued_key=queued_key,
            queued_at=queued_at,
            retention_hours=retention_hours,
            live={c: p for c, p in room.live.items() if p != room.agent_id},
        )

    def close_room(
        self, room: Room, closed_at: str, closed_by: str, comment: str | None, expires_at: int
    ) -> Room:
        Item = self.m.RoomItem
        actions = [
            Item.state.set("closed"),
            Item.closed_at.set(closed_at),
            Item.closed_by.set(closed_by),
            Item.queue_department.remove(),
            Item.queued_key.remove(),
            Item.expires_at.set(expires_at),
        ]
        if comment:
            actions.append(Item.comment.set(comment))
        return self._change_room(room, actions, Item.state == room.state)

    def listen(self, room_id: str, connection_id: str, principal_id: str) -> None:
        Item = self.m.RoomItem
        with contextlib.suppress(_Condition):  # deleted meanwhile
            self._update(
                Item(room_id), [Item.live[connection_id].set(principal_id)], Item.room_id.exists()
            )

    def stop_listening(self, room_id: str, connection_id: str) -> None:
        Item = self.m.RoomItem
        with contextlib.suppress(_Condition):  # deleted meanwhile
            self._update(Item(room_id), [Item.live[connection_id].remove()], Item.room_id.exists())

    def delete_room(self, room: Room, only_if_closed: bool) -> None:
        Item, Message_, Key = self.m.RoomItem, self.m.MessageItem, self.m.KeyItem
        condition = Item.room_id.exists()
        if only_if_closed:
            condition &= Item.state == "closed"
        try:
            with _conditional():
                Item(room.room_id).delete(condition=condition)
        except _Condition as exc:
            raise Changed(room.room_id) from exc
        with Message_.batch_write() as messages, Key.batch_write() as keys:
            for message in Message_.query(
                room.room_id, attributes_to_get=["room_id", "seq", "client_id"]
            ):
                messages.delete(message)
                keys.delete(Key(client_key(room.room_id, message.client_id)))
        for agent_id in room.served_by:
            self.m.AgentRoomItem(agent_id, room.created_key).delete()
        self._department_link(room, room.department_id).delete()

    def queued_rooms(self, department_id: str, limit: int, now: float) -> list[Room]:
        Item = self.m.RoomItem
        found = Item.queue_index.query(
            department_id, filter_condition=Item.expires_at > now, limit=limit
        )
        return [_record(Room, item) for item in found]

    def queue_position(self, department_id: str, queued_key: str, now: float) -> int:
        Item = self.m.RoomItem
        return Item.queue_index.count(
            department_id,
            range_key_condition=Item.queued_key <= queued_key,
            filter_condition=Item.expires_at > now,
        )

    def rooms_of_department(self, department_id: str, before_key: str | None) -> Iterator[Room]:
        Link = self.m.AgentRoomItem
        condition = Link.created_key < before_key if before_key else None
        links = Link.query(
            department_key(department_id),
            range_key_condition=condition,
            scan_index_forward=False,
            page_size=DEPARTMENT_ROOMS_PAGE,
        )
        for page in itertools.batched(links, DEPARTMENT_ROOMS_PAGE, strict=False):
            found = {
                item.room_id: item
                for item in self.m.RoomItem.batch_get([link.room_id for link in page])
            }
            # A room gone by TTL has no item; its link stays until its own expiry.
            yield from (
                _record(Room, found[link.room_id]) for link in page if link.room_id in found
            )

    def room_ids_of_visitor(self, visitor_id: str) -> list[str]:
        return [item.room_id for item in self.m.RoomItem.visitor_index.query(visitor_id)]

    def rooms_of_agent(
        self, agent_id: str, before_key: str | None, limit: int | None
    ) -> list[AgentRoom]:
        Item = self.m.AgentRoomItem
        condition = Item.created_key < before_key if before_key else None
        found = Item.query(
            agent_id, range_key_condition=condition, scan_index_forward=False, limit=limit
        )
        return [AgentRoom(item.agent_id, item.created_key, item.room_id) for item in found]

    # ---- messages ------------------------------------------------------------------------------

    def append_message(
        self, room: Room, draft: MessageDraft, room_expires_at: int | None
    ) -> Appended:
        Item, Key = self.m.RoomItem, self.m.KeyItem
        current = room
        for _ in range(APPEND_ATTEMPTS):
            seq = current.last_seq + 1
            actions = [Item.last_seq.set(seq)]
            condition = Item.room_id.exists() & (Item.last_seq == current.last_seq)
            if room_expires_at is not None:
                actions.append(Item.expires_at.set(room_expires_at))
                condition &= Item.state != "closed"
            message = Message(room_id=room.room_id, seq=seq, **vars(draft))
            try:
                with _conditional(), TransactWrite(connection=self._connection) as transaction:
                    transaction.update(Item(room.room_id), actions, condition=condition)
                    transaction.save(self.m.MessageItem(**_values(message)))
                    if draft.claims_client_id:
                        claim = self._claim(message)
                        transaction.save(claim, condition=Key.key.does_not_exist())
            except _Condition:
                fresh = self.get_room(room.room_id, 0)
                earlier = self.message_for_client_id(room.room_id, draft.client_id, 0)
                if earlier is not None and fresh is not None:
                    return Appended(earlier, False, fresh)
                if fresh is None or (room_expires_at is not None and fresh.state == "closed"):
                    raise Closed(room.room_id) from None
                current = fresh
                continue
            stored = replace(current, last_seq=seq)
            if room_expires_at is not None:
                stored = replace(stored, expires_at=room_expires_at)
            return Appended(message, True, stored)
        raise Changed(room.room_id)

    def message_for_client_id(self, room_id: str, client_id: str, now: float) -> Message | None:
        claim = _alive(self._get(self.m.KeyItem, client_key(room_id, client_id)), now)
        if claim is None:
            return None
        item = _alive(self._get(self.m.MessageItem, room_id, int(claim.number)), now)
        return _record(Message, item) if item is not None else None

    def messages_after(self, room_id: str, after: int, limit: int, now: float) -> list[Message]:
        Item = self.m.MessageItem
        # Strongly consistent: a message is readable as soon as any later one is, and a client
        # catching up must not miss the newest (an eventually consistent read may).
        found = Item.query(
            room_id, range_key_condition=Item.seq > after, limit=limit, consistent_read=True
        )
        return [_record(Message, item) for item in found if _alive(item, now)]

    # ---- canned responses ----------------------------------------------------------------------

    def canned_responses(self, owner: str) -> list[CannedResponse]:
        item = self._get(self.m.KeyItem, canned_key(owner))
        entries = item.entries.as_dict() if item is not None and item.entries else {}
        return [CannedResponse(shortcut, entries[shortcut]) for shortcut in sorted(entries)]

    def _has_canned(self, owner: str, shortcut: str) -> bool:
        return any(r.shortcut == shortcut for r in self.canned_responses(owner))

    def add_canned_response(self, owner: str, response: CannedResponse) -> None:
        Item = self.m.KeyItem
        item = Item(canned_key(owner))
        entry = Item.entries[response.shortcut]
        for _attempt in range(2):
            with contextlib.suppress(_Condition):
                self._update(
                    item, [entry.set(response.text)], Item.entries.exists() & entry.does_not_exist()
                )
                return
            with contextlib.suppress(_Condition):  # the owner's first: no map yet
                first = {response.shortcut: response.text}
                self._update(item, [Item.entries.set(first)], Item.entries.does_not_exist())
                return
            if self._has_canned(owner, response.shortcut):
                break
        raise Taken(response.shortcut)

    def replace_canned_response(self, owner: str, shortcut: str, response: CannedResponse) -> None:
        Item = self.m.KeyItem
        old, new = Item.entries[shortcut], Item.entries[response.shortcut]
        if shortcut == response.shortcut:
            actions, condition = [old.set(response.text)], old.exists()
        else:
            actions = [old.remove(), new.set(response.text)]
            condition = old.exists() & new.does_not_exist()
        try:
            self._update(Item(canned_key(owner)), actions, condition)
        except _Condition as exc:
            if not self._has_canned(owner, shortcut):
                raise Changed(shortcut) from exc
            raise Taken(response.shortcut) from exc

    def delete_canned_response(self, owner: str, shortcut: str) -> None:
        Item = self.m.KeyItem
        entry = Item.entries[shortcut]
        try:
            self._update(Item(canned_key(owner)), [entry.remove()], entry.exists())
        except _Condition as exc:
            raise Changed(shortcut) from exc

    # ---- institutional sign-in -----------------------------------------------------------------
    # Attempts and handovers are taken once: a read finds the item alive, then a delete
    # conditioned on its existence makes the caller its only taker, so a replayed state or code
    # loses even when two requests race.

    def _take_grant(self, grant_key: str, now: float) -> Any:
        Grant = self.m.SsoGrantItem
        item = _alive(self._get(Grant, grant_key), now)
        if item is None:
            return None
        try:
            with _conditional():
                item.delete(condition=Grant.grant_key.exists())
        except _Condition:
            return None  # another request took it first
        return item

    def _remember_grant(self, grant_key: str, **values: Any) -> None:
        Grant = self.m.SsoGrantItem
        with _conditional():
            Grant(grant_key, **values).save(condition=Grant.grant_key.does_not_exist())

    def remember_sign_in_attempt(self, attempt: SignInAttempt) -> None:
        self._remember_grant(
            attempt_key(attempt.state),
            nonce=attempt.nonce,
            code_verifier=attempt.code_verifier,
            browser_hash=attempt.browser_hash,
            expires_at=attempt.expires_at,
        )

    def take_sign_in_attempt(self, state: str, now: float) -> SignInAttempt | None:
        item = self._take_grant(attempt_key(state), now)
        if item is None:
            return None
        return SignInAttempt(
            state, item.nonce, item.code_verifier, item.browser_hash or "", int(item.expires_at)
        )

    def remember_handover(self, code_hash: str, handover: Handover) -> None:
        self._remember_grant(
            handover_key(code_hash),
            agent_id=handover.agent_id,
            end_session_url=handover.end_session_url,
            browser_hash=handover.browser_hash,
            expires_at=handover.expires_at,
        )

    def take_handover(self, code_hash: str, now: float) -> Handover | None:
        item = self._take_grant(handover_key(code_hash), now)
        if item is None:
            return None
        return Handover(
            item.agent_id, item.end_session_url, item.browser_hash or "", int(item.expires_at)
        )

    # An identity is held by one agent (`sso#<issuer>#<sub>` -> agent id, the lookup at sign-in)
    # and listed under the agent (`identities#<agent id>`: a map of its links and requests, read
    # in one GetItem); a link writes both in one transaction. A request's expiry is its own
    # (`expires_at` in its entry): expired ones are skipped on reading and dropped by the next
    # request.

    def agent_of_identity(self, issuer: str, subject: str) -> str | None:
        item = self._get(self.m.KeyItem, identity_key(issuer, subject))
        return item.ref if item is not None else None

    def _identity_entries(self, agent_id: str) -> dict[str, dict]:
        item = self._get(self.m.KeyItem, identity_links_key(agent_id))
        return item.entries.as_dict() if item is not None and item.entries else {}

    def identity_links(self, agent_id: str, now: float) -> list[IdentityLink]:
        links = (_identity_link(i, e) for i, e in self._identity_entries(agent_id).items())
        return sorted(
            (link for link in links if _alive(link, now)),
            key=lambda link: (link.created_at, link.identity_id),
        )

    def _ensure_identity_map(self, agent_id: str) -> None:
        """An entry can only be set in a map that exists (an agent's first link or request)."""
        Key = self.m.KeyItem
        with contextlib.suppress(_Condition):
            self._update(
                Key(identity_links_key(agent_id)),
                [Key.entries.set({})],
                Key.entries.does_not_exist(),
            )

    def _link_actions(
        self,
        transaction: TransactWrite,
        agent_id: str,
        link: IdentityLink,
        listed: Condition | None = None,
    ) -> None:
        """Hold the identity (unless another agent does) and list it as linked (`listed`: what
        the agent's list must hold for that)."""
        Key = self.m.KeyItem
        transaction.save(
            Key(identity_key(link.issuer, link.subject), ref=agent_id),
            condition=Key.key.does_not_exist() | (Key.ref == agent_id),
        )
        linked = replace(link, state="linked", expires_at=None)
        transaction.update(
            Key(identity_links_key(agent_id)),
            [Key.entries[link.identity_id].set(_identity_entry(linked))],
            condition=listed if listed is not None else Key.entries.exists(),
        )

    def link_identity(self, agent_id: str, link: IdentityLink) -> None:
        self._ensure_identity_map(agent_id)
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                self._link_actions(transaction, agent_id, link)
        except _Condition as exc:
            raise Taken(identity_key(link.issuer, link.subject)) from exc

    def request_identity_link(self, agent_id: str, link: IdentityLink, now: float) -> None:
        self._ensure_identity_map(agent_id)
        Key = self.m.KeyItem
        expired = [
            identity_id
            for identity_id, entry in self._identity_entries(agent_id).items()
            if identity_id != link.identity_id
            and not _alive(_identity_link(identity_id, entry), now)
        ]
        entry = Key.entries[link.identity_id]
        actions = [entry.set(_identity_entry(link))]
        actions += [Key.entries[identity_id].remove() for identity_id in expired]
        # A link confirmed since the caller looked stays a link.
        with contextlib.suppress(_Condition):
            self._update(
                Key(identity_links_key(agent_id)),
                actions,
                entry.does_not_exist() | (entry["state"] == "requested"),
            )

    def confirm_identity_link(self, agent_id: str, identity_id: str, now: float) -> IdentityLink:
        Key = self.m.KeyItem
        entry = self._identity_entries(agent_id).get(identity_id)
        request = _alive(_identity_link(identity_id, entry), now) if entry else None
        if request is None or request.state != "requested":
            raise Changed(identity_id)
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                # The request must still be there: not undone meanwhile.
                listed = Key.entries[identity_id].exists()
                self._link_actions(transaction, agent_id, request, listed)
        except _Condition as exc:
            if identity_id not in self._identity_entries(agent_id):
                raise Changed(identity_id) from exc
            raise Taken(identity_key(request.issuer, request.subject)) from exc
        return replace(request, state="linked", expires_at=None)

    def unlink_identity(self, agent_id: str, identity_id: str) -> None:
        Key = self.m.KeyItem
        entry = self._identity_entries(agent_id).get(identity_id)
        if entry is None:
            raise Changed(identity_id)
        link = _identity_link(identity_id, entry)
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                transaction.update(
                    Key(identity_links_key(agent_id)),
                    [Key.entries[identity_id].remove()],
                    condition=Key.entries[identity_id].exists(),
                )
                # Let go of it unless another agent holds it (a confirmation racing with this
                # undo may have just taken hold of it for this agent).
                if self.agent_of_identity(link.issuer, link.subject) in (None, agent_id):
                    transaction.delete(
                        Key(identity_key(link.issuer, link.subject)),
                        condition=Key.key.does_not_exist() | (Key.ref == agent_id),
                    )
        except _Condition as exc:
            raise Changed(identity_id) from exc

    def take_over_registration(self, agent: Agent, name: str, link: IdentityLink) -> Agent:
        Item = self.m.AgentItem
        self._ensure_identity_map(agent.agent_id)
        changes = {"name": name, "password_hash": "", "state": "pending", "available": False}
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                transaction.update(
                    Item(agent.agent_id),
                    [getattr(Item, field).set(value) for field, value in changes.items()],
                    condition=Item.state == agent.state,
                )
                self._link_actions(transaction, agent.agent_id, link)
        except _Condition as exc:
            stored = self.get_agent(agent.agent_id)
            if stored is None or stored.state != agent.state:
                raise Changed(agent.agent_id) from exc
            raise Taken(identity_key(link.issuer, link.subject)) from exc
        return replace(agent, **changes)  # type: ignore[arg-type]

    # ---- team chat (S5-S9, S22) ----------------------------------------------------------------

    def _staff_room_item(self, room: StaffRoom) -> Model:
        values = _values(room)
        values["direct_members"] = dict(room.direct_members)
        if room.name:
            values["name_key"] = room.name.casefold()
        if room.kind == "channel":
            values["listing"] = "channel"
        return self.m.StaffRoomItem(**values)

    def _staff_room(self, item: Model) -> StaffRoom:
        return _record(StaffRoom, item)

    def create_staff_room(self, room: StaffRoom, members: Iterable[StaffMember]) -> None:
        Item, Key = self.m.StaffRoomItem, self.m.KeyItem
        members = list(members)
        room = replace(room, members_count=len(members))
        claims = room.kind == "channel"
        for attempt in range(2):
            try:
                with _conditional(), TransactWrite(connection=self._connection) as transaction:
                    transaction.save(
                        self._staff_room_item(room), condition=Item.room_id.does_not_exist()
                    )
                    if claims:
                        claim = Key(staff_name_key(room.name), ref=room.room_id)
                        transaction.save(claim, condition=Key.key.does_not_exist())
                    for member in members:
                        transaction.save(self.m.StaffMemberItem(**_values(member)))
            except _Condition as exc:
                if claims and attempt == 0 and self._free_stale_name_claim(room.name):
                    continue
                raise Taken(room.name or room.room_id) from exc
            return

    def _free_stale_name_claim(self, name: str) -> bool:
        """Remove the name's claim unless a channel of that name holds it: groups claimed
        their names until 2026-12-07. True when the name may be free now."""
        Key = self.m.KeyItem
        claim = self._get(Key, staff_name_key(name))
        if claim is None:
            return True
        holder = self.get_staff_room(claim.ref or "")
        if holder is not None and holder.kind == "channel":
            return False  # a channel's claim moves with its renames: it is always its name
        with contextlib.suppress(_Condition), _conditional():
            claim.delete(condition=Key.ref == claim.ref)
        return True

    def _drop_name_claim(self, name: str, room_id: str) -> None:
        """Remove the name's claim if this room holds it (a group's may be held by a channel)."""
        Key = self.m.KeyItem
        with contextlib.suppress(_Condition), _conditional():
            Key(staff_name_key(name)).delete(condition=Key.ref == room_id)

    def get_staff_room(self, room_id: str) -> StaffRoom | None:
        item = self._get(self.m.StaffRoomItem, room_id)
        return self._staff_room(item) if item is not None else None

    def get_staff_rooms(self, room_ids: Iterable[str]) -> list[StaffRoom]:
        ids = sorted(set(room_ids))
        found = [self._staff_room(item) for item in self.m.StaffRoomItem.batch_get(ids)]
        return sorted(found, key=lambda r: r.room_id)

    def public_channels(self) -> list[StaffRoom]:
        return [self._staff_room(i) for i in self.m.StaffRoomItem.channel_index.query("channel")]

    def change_staff_room(
        self, room_id: str, *, name: str | None = None, topic: str | None = None
    ) -> StaffRoom:
        Item, Key = self.m.StaffRoomItem, self.m.KeyItem
        room = self.get_staff_room(room_id)
        if room is None:
            raise Changed(room_id)
        actions = []
        if topic is not None:
            actions.append(Item.topic.set(topic) if topic else Item.topic.remove())
        new_name = name if name is not None and name != room.name else None
        if new_name is not None:
            actions += [Item.name.set(new_name), Item.name_key.set(new_name.casefold())]
        if not actions:
            return room
        reclaims = (
            room.kind == "channel"
            and new_name is not None
            and new_name.casefold() != room.name.casefold()
        )
        for attempt in range(2):
            try:
                with _conditional(), TransactWrite(connection=self._connection) as transaction:
                    # Conditioned on the name read: a rename racing another frees the right claim.
                    transaction.update(Item(room_id), actions, condition=Item.name == room.name)
                    if reclaims and new_name is not None:
                        claim = Key(staff_name_key(new_name), ref=room_id)
                        transaction.save(claim, condition=Key.key.does_not_exist())
                        transaction.delete(Key(staff_name_key(room.name)))
            except _Condition as exc:
                if self.get_staff_room(room_id) is None:
                    raise Changed(room_id) from exc
                if reclaims and attempt == 0 and self._free_stale_name_claim(name or ""):
                    continue
                raise Taken(name or room_id) from exc
            break
        if room.kind != "channel" and new_name is not None:
            self._drop_name_claim(room.name, room_id)
        changed = self.get_staff_room(room_id)
        if changed is None:
            raise Changed(room_id)
        return changed

    def delete_staff_room(self, room_id: str) -> list[str]:
        Item, Member, Message_, Key = (
            self.m.StaffRoomItem,
            self.m.StaffMemberItem,
            self.m.MessageItem,
            self.m.KeyItem,
        )
        data = self._connection.delete_item(Item.Meta.table_name, room_id, return_values="ALL_OLD")
        attributes = data.get("Attributes")
        if not attributes:
            return []
        room = self._staff_room(Item.from_raw_data(attributes))
        if room.name:
            self._drop_name_claim(room.name, room_id)
        # Consistent: a leave just before the room went must not count as a member.
        last = list(
            Member.query(room_id, attributes_to_get=["room_id", "agent_id"], consistent_read=True)
        )
        with Member.batch_write() as members:
            for member in last:
                members.delete(member)
        with Message_.batch_write() as messages, Key.batch_write() as keys:
            for message in Message_.query(
                room_id, attributes_to_get=["room_id", "seq", "client_id"]
            ):
                messages.delete(message)
                keys.delete(Key(client_key(room_id, message.client_id)))
        return sorted(member.agent_id for member in last)

    def staff_member(self, room_id: str, agent_id: str) -> StaffMember | None:
        item = self._get(self.m.StaffMemberItem, room_id, agent_id)
        return _record(StaffMember, item) if item is not None else None

    def staff_members(self, room_id: str) -> list[StaffMember]:
        return [_record(StaffMember, item) for item in self.m.StaffMemberItem.query(room_id)]

    def staff_memberships(self, agent_id: str) -> list[StaffMember]:
        found = self.m.StaffMemberItem.agent_index.query(agent_id)
        return [_record(StaffMember, item) for item in found]

    def staff_members_among(self, room_id: str, agent_ids: Iterable[str]) -> set[str]:
        keys = [(room_id, agent_id) for agent_id in sorted(set(agent_ids))]
        if not keys:
            return set()
        found = self.m.StaffMemberItem.batch_get(keys, attributes_to_get=["agent_id"])
        return {item.agent_id for item in found}

    def add_staff_member(self, member: StaffMember) -> bool:
        Item, Member = self.m.StaffRoomItem, self.m.StaffMemberItem
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                transaction.update(
                    Item(member.room_id),
                    [Item.members_count.add(1)],
                    condition=Item.room_id.exists(),
                )
                transaction.save(
                    Member(**_values(member)), condition=Member.agent_id.does_not_exist()
                )
        except _Condition as exc:
            if self.get_staff_room(member.room_id) is None:
                raise Changed(member.room_id) from exc
            return False
        return True

    def remove_staff_member(self, room_id: str, agent_id: str) -> bool:
        Item, Member = self.m.StaffRoomItem, self.m.StaffMemberItem
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                transaction.delete(Member(room_id, agent_id), condition=Member.agent_id.exists())
                transaction.update(
                    Item(room_id), [Item.members_count.add(-1)], condition=Item.room_id.exists()
                )
        except _Condition:
            # No member (or the room is gone: its members went with it).
            return False
        return True

    def mark_staff_read(self, room_id: str, agent_id: str, seq: int) -> StaffMember | None:
        Member = self.m.StaffMemberItem
        item = Member(room_id, agent_id)
        try:
            with _conditional():
                item.update(
                    actions=[Member.read_seq.set(seq), Member.mentions.set(0)],
                    condition=Member.agent_id.exists() & (Member.read_seq < seq),
                )
        except _Condition:
            # Read further already (keep the marker) or no member at all.
            current = self.staff_member(room_id, agent_id)
            if current is None:
                return None
            if current.mentions:
                with contextlib.suppress(_Condition), _conditional():
                    item.update(
                        actions=[Member.mentions.set(0)], condition=Member.agent_id.exists()
                    )
                current = replace(current, mentions=0)
            return current
        return _record(StaffMember, item)

    def note_staff_mention(self, room_id: str, agent_id: str) -> None:
        Member = self.m.StaffMemberItem
        with contextlib.suppress(_Condition), _conditional():
            Member(room_id, agent_id).update(
                actions=[Member.mentions.add(1)], condition=Member.agent_id.exists()
            )

    def append_staff_message(self, room: StaffRoom, draft: MessageDraft) -> StaffAppended:
        Item, Key = self.m.StaffRoomItem, self.m.KeyItem
        current = room
        for _ in range(APPEND_ATTEMPTS):
            seq = current.last_seq + 1
            message = Message(room_id=room.room_id, seq=seq, **vars(draft))
            claim = Key(
                client_key(room.room_id, draft.client_id),
                ref=room.room_id,
                number=seq,
                expires_at=draft.expires_at,
            )
            try:
                with _conditional(), TransactWrite(connection=self._connection) as transaction:
                    transaction.update(
                        Item(room.room_id),
                        [Item.last_seq.set(seq), Item.last_message_at.set(draft.created_at)],
                        condition=Item.room_id.exists() & (Item.last_seq == current.last_seq),
                    )
                    transaction.save(self.m.MessageItem(**_values(message)))
                    transaction.save(claim, condition=Key.key.does_not_exist())
            except _Condition:
                fresh = self.get_staff_room(room.room_id)
                if fresh is None:
                    raise Changed(room.room_id) from None
                earlier = self.message_for_client_id(room.room_id, draft.client_id, 0)
                if earlier is not None:
                    return StaffAppended(earlier, False, fresh)
                current = fresh
                continue
            updated = replace(current, last_seq=seq, last_message_at=draft.created_at)
            return StaffAppended(message, True, updated)
        raise Changed(room.room_id)

    def change_staff_message(
        self,
        room_id: str,
        seq: int,
        author_id: str,
        not_before: str,
        *,
        text: str | None,
        changed_at: str,
    ) -> Message:
        Item = self.m.MessageItem
        if text is None:
            actions = [Item.text.set(""), Item.deleted_at.set(changed_at)]
        else:
            actions = [Item.text.set(text), Item.edited_at.set(changed_at)]
        item = Item(room_id, seq)
        try:
            with _conditional():
                item.update(
                    actions=actions,
                    condition=Item.seq.exists()
                    & (Item.author_id == author_id)
                    & (Item.created_at >= not_before)
                    & Item.deleted_at.does_not_exist(),
                )
        except _Condition as exc:
            raise Changed(f"{room_id}#{seq}") from exc
        return _record(Message, item)

    def online_agent_connections(self, now: float) -> list[Connection]:
        return _in_session(self.m.ConnectionItem.kind_index.query("agent"), now)

    def staff_retention_days(self) -> int | None:
        item = self._get(self.m.KeyItem, STAFF_RETENTION_KEY)
        return int(item.number) if item is not None and item.number is not None else None

    def set_staff_retention_days(self, days: int) -> None:
        self.m.KeyItem(STAFF_RETENTION_KEY, number=days).save()
