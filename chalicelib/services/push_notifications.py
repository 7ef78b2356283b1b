"""Web Push to agents' devices: the stack's VAPID key, the subscriptions an agent's browsers
make, and the pushes themselves, which go only to agents none of whose consoles is open and
seen. A push never undoes or delays the change that caused it: the live events go first, the
push services are posted to in parallel with short timeouts, and a failure is only logged."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import botocore.session

from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal
from chalicelib.settings import Settings
from chalicelib.store.base import Changed, Store
from chalicelib.store.records import Department, Message, PushSubscription, Room, StaffRoom

if TYPE_CHECKING:
    from chalicelib.webpush import WebPusher

log = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS = 10
# Longer than any push service keeps a message for a device that is off; a chat waiting
# longer than this is better seen in the console.
PUSH_TTL_SECONDS = 3600
PREVIEW_CHARACTERS = 120
# The push services answer these for a subscription that is gone for good.
GONE = (404, 410)

_pushers: weakref.WeakKeyDictionary[Store, WebPusher] = weakref.WeakKeyDictionary()
_pushers_lock = threading.Lock()


@lru_cache(maxsize=2)
def _parameter(name: str, region: str) -> str:
    """The SSM SecureString's value, read once per container."""
    client: Any = botocore.session.get_session().create_client("ssm", region_name=region)
    return client.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]


def _private_key(ctx: Context) -> str:
    settings = ctx.settings
    if settings.vapid_key_parameter:
        return _parameter(settings.vapid_key_parameter, settings.region)
    # Local runs: made on first use and kept in the store (never in the repository).
    from chalicelib.webpush import new_private_key

    return ctx.store.vapid_private_key() or ctx.store.keep_vapid_private_key(new_private_key())


def web_pusher(ctx: Context) -> WebPusher:
    """The stack's pusher, made once per store (and container). Imported on first use: the
    cryptography it needs would add to every cold start, and few requests push."""
    from chalicelib.webpush import WebPusher

    with _pushers_lock:
        pusher = _pushers.get(ctx.store)
        if pusher is None:
            pusher = WebPusher(_private_key(ctx), f"mailto:{ctx.settings.mail_sender}")
            _pushers[ctx.store] = pusher
        return pusher


def public_key(ctx: Context) -> str:
    return web_pusher(ctx).public_key


# ---- subscriptions ---------------------------------------------------------------------------


def _origin_allowed(endpoint: str, settings: Settings) -> bool:
    """The endpoint lies at one of PUSH_SERVICE_ORIGINS ("https://*.host" allows its
    subdomains): the server posts to no address a client chose."""
    try:
        split = urlsplit(endpoint)
        host, port = split.hostname, split.port
    except ValueError:
        return False
    if split.scheme not in ("https", "http") or not host or split.username or split.password:
        return False
    origin = f"{split.scheme}://{host}" + (f":{port}" if port else "")
    for allowed in settings.push_service_origins:
        if origin == allowed:
            return True
        scheme, _, pattern = allowed.partition("://*.")
        if pattern and split.scheme == scheme and not port and host.endswith("." + pattern):
            return True
    return False


def subscription_id_of(endpoint: str) -> str:
    return "push_" + hashlib.sha256(endpoint.encode("utf-8")).hexdigest()[:24]


def subscribe(
    ctx: Context, principal: AgentPrincipal, endpoint: str, p256dh: str, auth: str
) -> str:
    """Keep a browser's subscription; the same browser subscribing again keeps one."""
    if not _origin_allowed(endpoint, ctx.settings):
        raise InvalidInput(
            "endpoint: not at a push service this server posts to", "push_endpoint_not_allowed"
        )
    subscription = PushSubscription(subscription_id_of(endpoint), endpoint, p256dh, auth, ctx.iso())
    if not ctx.store.add_push_subscription(principal.id, subscription, MAX_SUBSCRIPTIONS):
        raise Conflict(
            f"at most {MAX_SUBSCRIPTIONS} devices get notifications; switch one off first",
            "too_many_push_subscriptions",
        )
    return subscription.subscription_id


def unsubscribe(ctx: Context, principal: AgentPrincipal, subscription_id: str) -> None:
    try:
        ctx.store.remove_push_subscription(principal.id, subscription_id)
    except Changed as exc:
        raise NotFound("no such push subscription", "push_subscription_not_found") from exc


def set_previews(ctx: Context, agent_id: str, previews: bool) -> None:
    """The agent's preview choice, kept next to their subscriptions too (a push reads one
    item)."""
    ctx.store.set_push_previews(agent_id, previews)


# ---- pushes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """What a push says: what happened (`new_chat`, `message`, `forwarded`, `waiting`; in team
    chat `direct`, `mention`), in which room and department or from whom (the service worker
    says it in the device's language), and the text, shown only with previews."""

    kind: str
    room_id: str
    department: str = ""
    text: str = ""
    sender: str = ""  # team chat: the colleague who wrote

    def payload(self, previews: bool) -> bytes:
        body: dict[str, str] = {"kind": self.kind, "room_id": self.room_id}
        if self.department:
            body["department"] = self.department
        if self.sender:
            body["from"] = self.sender
        if previews and self.text:
            body["text"] = self.text[:PREVIEW_CHARACTERS]
        return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _courtesy[**P](trigger: Callable[P, None]) -> Callable[P, None]:
    """A push never fails the change that caused it: whatever goes wrong is only logged."""

    @functools.wraps(trigger)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            trigger(*args, **kwargs)
        except Exception:  # noqa: BLE001 - the change that caused the push stands regardless
            log.exception("web push failed")

    return run


def is_watching(ctx: Context, agent_id: str) -> bool:
    """Any console of the agent is open and seen (one Query)."""
    return any(c.visible for c in ctx.store.connections_of(agent_id, ctx.now()))


def _agents_in(ctx: Context, department_id: str, available_only: bool) -> list[str]:
    """The department's active agents (whose livechat toggle is on, if `available_only`), from
    the active-agents index."""
    found: list[str] = []
    start = None
    while True:
        page, start = ctx.store.agents_by_state("active", limit=100, start=start)
        found += [
            a.agent_id
            for a in page
            if department_id in a.departments and (a.available or not available_only)
        ]
        if not start:
            return found


@_courtesy
def new_chat(ctx: Context, department: Department, room: Room) -> None:
    """A chat queued in the department (new, or forwarded there): to its available agents
    who watch no console (one Query for who watches, whoever is online)."""
    agents = _agents_in(ctx, department.department_id, available_only=True)
    if not agents:
        return
    watching = {c.principal_id for c in ctx.store.online_agent_connections(ctx.now()) if c.visible}
    notice = Notice("new_chat", room.room_id, department.name)
    _push(ctx, [a for a in agents if a not in watching], notice)


@_courtesy
def message_for_agent(ctx: Context, room: Room, message: Message) -> None:
    """A visitor's message, to the agent serving the chat unless a console of theirs that
    hears it is seen (the room knows: no read for an agent who watches)."""
    agent_id = room.agent_id
    if message.author_kind != "visitor" or room.state != "open" or not agent_id:
        return
    if not room.seen_by(agent_id):
        _push(ctx, [agent_id], Notice("message", room.room_id, text=message.text))


@_courtesy
def forwarded_to(ctx: Context, room: Room, agent_id: str) -> None:
    """A chat forwarded to this agent, unless they watch; the chat learns which of their
    consoles are not seen, as for those the agent opened."""
    connections = ctx.store.connections_of(agent_id, ctx.now())
    for connection in connections:
        if not connection.visible:
            ctx.store.mark_hidden(room.room_id, connection.connection_id, True)
    if not any(c.visible for c in connections):
        _push(ctx, [agent_id], Notice("forwarded", room.room_id))


@_courtesy
def team_message(ctx: Context, room: StaffRoom, message: Message, agent_ids: set[str]) -> None:
    """A direct message, or a mention in a group or channel, to the members it addresses who
    watch no console (the message's own delivery read who is online: no read more)."""
    kind = "direct" if room.kind == "direct" else "mention"
    notice = Notice(kind, room.room_id, text=message.text, sender=message.author_name)
    _push(ctx, sorted(agent_ids), notice)


def escalate(ctx: Context) -> int:
    """The sweep: each chat queued longer than its department's `alert_after_minutes` alerts
    the department's agents who watch no console, and the department's `alert_email` if set,
    once per stay in the queue. Returns how many chats did."""
    now = ctx.now()
    escalated = 0
    for department in ctx.store.all_departments():
        minutes = department.alert_after_minutes
        if not minutes:
            continue
        waiting = [
            room
            for room in ctx.store.queued_rooms(department.department_id, limit=100, now=now)
            if room.queued_at and _epoch(room.queued_at) <= now - minutes * 60
        ]
        for room in waiting:
            marker = f"escalated#{room.room_id}#{room.queued_at}"
            if not ctx.store.claim_marker(marker, now, ctx.epoch_in(hours=24)):
                continue
            escalated += 1
            _alert_waiting(ctx, department, room)
            if department.alert_email:
                _mail_waiting(ctx, department, room, department.alert_email)
    return escalated


@_courtesy
def _alert_waiting(ctx: Context, department: Department, room: Room) -> None:
    agents = _agents_in(ctx, department.department_id, available_only=False)
    watching = {c.principal_id for c in ctx.store.online_agent_connections(ctx.now()) if c.visible}
    notice = Notice("waiting", room.room_id, department.name)
    _push(ctx, [a for a in agents if a not in watching], notice)


@_courtesy
def _mail_waiting(ctx: Context, department: Department, room: Room, to: str) -> None:
    """German and English, as the other mails to staff; the chat's link, not its words (the
    address may be a shared mailbox)."""
    minutes = int((ctx.now() - _epoch(room.queued_at or room.created_at)) // 60)
    name = department.name
    link = f"{ctx.settings.public_origin}/console/#room/{room.room_id}"
    body = (
        f"Im Livechat wartet eine Chat-Anfrage an {name} seit {minutes} Minuten auf eine "
        f"Antwort:\n{link}\n\n"
        f"A chat request to {name} has been waiting {minutes} minutes for an answer:\n{link}\n"
    )
    subject = f"Chat-Anfrage wartet – {name} / Chat request waiting – {name}"
    ctx.mailer.send(to, subject, body, at=ctx.iso())


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


@_courtesy
def push(ctx: Context, agent_ids: Iterable[str], notice: Notice) -> None:
    """Push to every subscribed device of these agents (a test notification, escalations)."""
    _push(ctx, list(agent_ids), notice)


def _push(ctx: Context, agent_ids: list[str], notice: Notice) -> None:
    """One read of each agent's subscriptions, the posts in parallel; subscriptions the push
    service calls gone are forgotten. Web Push's libraries load only when someone has one."""
    targets: list[tuple[str, PushSubscription, bytes]] = []
    for agent_id in agent_ids:
        found = ctx.store.push_targets(agent_id)
        payload = notice.payload(found.previews)
        targets += [(agent_id, s, payload) for s in found.subscriptions]
    if not targets:
        return
    from chalicelib.webpush import Delivery

    statuses = web_pusher(ctx).send_all(
        [Delivery(s.endpoint, s.p256dh, s.auth, body, PUSH_TTL_SECONDS) for _, s, body in targets]
    )
    for (agent_id, subscription, _), status in zip(targets, statuses, strict=True):
        if status in GONE:
            with contextlib.suppress(Changed):  # removed meanwhile
                ctx.store.remove_push_subscription(agent_id, subscription.subscription_id)
