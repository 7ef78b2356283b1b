"""The app through Chalice's test client and its WebSocket handlers, on moto's DynamoDB.

`stack` gives the app a context on the test's tables with a recording pusher and a clock the
test moves, then runs the `setup` Lambda (the first admin, two departments). `api` speaks HTTP
to the app like the widget and the console do; WebSocket events are built exactly as API
Gateway sends them."""

from __future__ import annotations

import itertools
import json
import re
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import boto3
import pytest
from chalice.test import Client

from tests.accounts import store_active_agent
from tests.conftest import count_dynamodb_calls

ADMIN_EMAIL = "admin@uni.example"
ADMIN_PASSWORD = "admin password 1"
PASSWORD = "agent password 1"
API_ID = "a1b2c3d4e5"
DOMAIN = f"{API_ID}.execute-api.eu-central-1.amazonaws.com"


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def error(self) -> dict:
        return self.json["error"]


@dataclass
class AgentHandle:
    agent_id: str
    email: str
    name: str
    token: str
    connection_id: str | None = None

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class VisitorHandle:
    visitor_id: str
    name: str
    token: str
    connection_id: str | None = None
    rooms: list[str] = field(default_factory=list)

    @property
    def auth(self) -> dict:
        return {"X-Visitor-Token": self.token}


def ws_event(
    route_key: str,
    connection_id: str,
    *,
    body: str | None = None,
    query: dict | None = None,
    at_ms: int = 1_770_000_000_000,
) -> dict:
    """An API Gateway WebSocket event ($connect, $default or $disconnect), as Lambda receives it."""
    event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route_key, "MESSAGE")
    request_context = {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": uuid.uuid4().hex[:16] + "=",
        "requestTime": "25/Nov/2026:12:00:00 +0000",
        "messageDirection": "IN",
        "stage": "api",
        "connectedAt": at_ms,
        "requestTimeEpoch": at_ms,
        "identity": {"sourceIp": "203.0.113.5", "userAgent": "Mozilla/5.0 (pytest)"},
        "requestId": uuid.uuid4().hex[:16] + "=",
        "domainName": DOMAIN,
        "connectionId": connection_id,
        "apiId": API_ID,
    }
    event: dict = {"requestContext": request_context, "isBase64Encoded": False}
    if route_key == "$connect":
        headers = {
            "Host": DOMAIN,
            "Origin": "https://www.uni.example",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version": "13",
            "X-Forwarded-For": "203.0.113.5",
            "X-Forwarded-Port": "443",
            "X-Forwarded-Proto": "https",
        }
        event["headers"] = headers
        event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
        if query is not None:
            event["queryStringParameters"] = query
            event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    elif route_key == "$disconnect":
        request_context["disconnectStatusCode"] = 1001
        request_context["disconnectReason"] = "Going away"
        event["headers"] = {"Host": DOMAIN}
        event["multiValueHeaders"] = {"Host": [DOMAIN]}
    else:
        request_context["messageId"] = uuid.uuid4().hex[:16] + "="
        event["body"] = body
    return event


class Api:
    password = PASSWORD

    def __init__(self, app_module, ctx, project_dir: str) -> None:
        self.app = app_module
        self.ctx = ctx
        self.pusher = ctx.pusher
        self.clock = ctx.clock
        self.client = Client(app_module.app, project_dir=project_dir)
        self._numbers = itertools.count(1)
        self._admin: AgentHandle | None = None
        self.log: list[tuple[str, str | None, int]] = []  # (method, route template, status)
        self._dynamodb = None

    # ---- HTTP ---------------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        body=None,
        *,
        auth: dict | None = None,
        headers: dict | None = None,
        raw: bytes | str | None = None,
    ) -> Reply:
        sent = {"Content-Type": "application/json", **(auth or {}), **(headers or {})}
        if raw is not None:
            payload = raw.encode() if isinstance(raw, str) else raw
        else:
            payload = json.dumps(body).encode() if body is not None else b""
        response = self.client.http.request(method, path, headers=sent, body=payload)
        request = self.app.app.current_request
        route = (request.context or {}).get("resourcePath") if request is not None else None
        self.log.append((method, route, response.status_code))
        return Reply(
            response.status_code,
            {k.lower(): v for k, v in response.headers.items()},
            response.body or b"",
        )

    def get(self, path, **kw) -> Reply:
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw) -> Reply:
        return self.call("POST", path, body, **kw)

    def put(self, path, body=None, **kw) -> Reply:
        return self.call("PUT", path, body, **kw)

    def patch(self, path, body=None, **kw) -> Reply:
        return self.call("PATCH", path, body, **kw)

    def delete(self, path, **kw) -> Reply:
        return self.call("DELETE", path, **kw)

    # ---- WebSocket ----------------------------------------------------------------------------

    def ws_connect(self, connection_id: str, query: dict | None) -> dict:
        return self.app.ws_connect(ws_event("$connect", connection_id, query=query), None)

    def ws_ticket(self, handle) -> str:
        """A one-time socket ticket of this agent or visitor (`POST /ws-ticket`)."""
        reply = self.post("/ws-ticket", auth=handle.auth)
        assert reply.status == 201, reply.body
        return reply.json["ticket"]

    def ws_open(self, connection_id: str, handle) -> dict:
        """Open a socket as the widget and the console do: with a fresh ticket."""
        return self.ws_connect(connection_id, {"ticket": self.ws_ticket(handle)})

    def ws_send(self, connection_id: str, frame) -> dict:
        body = frame if isinstance(frame, str) else json.dumps(frame)
        return self.app.ws_message(ws_event("$default", connection_id, body=body), None)

    def ws_disconnect(self, connection_id: str) -> dict:
        return self.app.ws_disconnect(ws_event("$disconnect", connection_id), None)

    def pushed(self, handle, type_: str | None = None) -> list[dict]:
        return self.pusher.to(handle.connection_id, type_)

    # ---- people -------------------------------------------------------------------------------

    @property
    def admin(self) -> AgentHandle:
        if self._admin is None:
            reply = self.post("/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
            assert reply.status == 200, reply.body
            agent = reply.json["agent"]
            self._admin = AgentHandle(
                agent["agent_id"], ADMIN_EMAIL, agent["name"], reply.json["token"]
            )
        return self._admin

    def register(self, name: str) -> tuple[str, str]:
        """Register over HTTP and open the emailed link; the answer names no account, so the
        admin's list is asked."""
        email = f"{name.lower()}{next(self._numbers)}@uni.example"
        reply = self.post("/auth/register", {"email": email, "name": name, "password": PASSWORD})
        assert reply.status == 202 and reply.json == {"state": "pending"}, reply.body
        verified = self.post("/auth/verify-email", {"token": self.emailed_token(email)})
        assert verified.status == 200, verified.body
        return self.pending_agent_id(email), email

    def mails_to(self, email: str) -> list[EmailMessage]:
        """The emails the app sent to the address, oldest first."""
        outbox = Path(self.ctx.settings.mail_outbox_dir)
        paths = sorted(outbox.glob("*.eml")) if outbox.is_dir() else []
        mails = [message_from_bytes(p.read_bytes(), policy=default) for p in paths]
        return [m for m in mails if m["To"] == email]  # type: ignore[misc]

    def emailed_token(self, email: str) -> str:
        """The token of the newest link emailed to the address (.../console/#verify=<token>)."""
        body = self.mails_to(email)[-1].get_content()
        found = re.search(r"/console/#verify=(\S+)", body)
        assert found, body
        return found.group(1)

    def pending_agent_id(self, email: str) -> str:
        pending = self.get("/admin/agents?state=pending&limit=200", auth=self.admin.auth)
        return next(a["agent_id"] for a in pending.json["agents"] if a["email"] == email)

    def agent(
        self,
        name: str,
        departments: tuple[str, ...] = ("sales",),
        *,
        role: str = "agent",
        online: bool = True,
    ) -> AgentHandle:
        """An active agent who signed in over HTTP and, by default, connected their socket with
        the toggle green and status online. The account is stored active at once: registration
        and approval over HTTP are tested in test_rest_agents, and each test stays short."""
        email = f"{name.lower()}{next(self._numbers)}@uni.example"
        agent_id = store_active_agent(
            self.ctx,
            email,
            name,
            PASSWORD,
            departments,
            role=role,
            available=online,
            status="online" if online else "offline",
        )
        login = self.post("/auth/login", {"email": email, "password": PASSWORD})
        assert login.status == 200, login.body
        handle = AgentHandle(agent_id, email, name, login.json["token"])
        if online:
            handle.connection_id = f"ws-{name.lower()}-{next(self._numbers)}"
            answer = self.ws_open(handle.connection_id, handle)
            assert answer["statusCode"] == 200
        return handle

    def visitor(self, connect: bool = True) -> VisitorHandle:
        reply = self.post("/visitors")
        assert reply.status == 201, reply.body
        handle = VisitorHandle(reply.json["visitor_id"], reply.json["name"], reply.json["token"])
        if connect:
            handle.connection_id = f"ws-{handle.visitor_id}"
            answer = self.ws_open(handle.connection_id, handle)
            assert answer["statusCode"] == 200
        return handle

    def ask(
        self, visitor: VisitorHandle, department_id: str = "sales", text: str | None = "Hallo?"
    ) -> dict:
        body = {"department_id": department_id}
        if text is not None:
            body["text"] = text
        reply = self.post("/rooms", body, auth=visitor.auth)
        assert reply.status == 201, reply.body
        visitor.rooms.append(reply.json["room_id"])
        return reply.json

    def taken(self, visitor: VisitorHandle, agent: AgentHandle, department_id: str = "sales"):
        room = self.ask(visitor, department_id)
        reply = self.post(f"/rooms/{room['room_id']}/take", auth=agent.auth)
        assert reply.status == 200, reply.body
        return reply.json

    # ---- stored state -------------------------------------------------------------------------

    def snapshot(self) -> dict:
        """Every item of this test's tables (rate-limit windows left out: they count requests)."""
        if self._dynamodb is None:
            self._dynamodb = boto3.client("dynamodb", region_name=self.ctx.settings.region)
        client = self._dynamodb
        prefix = self.ctx.settings.table_prefix
        state = {}
        for name in client.list_tables()["TableNames"]:
            if not name.startswith(prefix):
                continue
            items = []
            for page in client.get_paginator("scan").paginate(TableName=name):
                items += [
                    item
                    for item in page["Items"]
                    if not item.get("key", {}).get("S", "").startswith("rate#")
                ]
            state[name] = sorted(json.dumps(item, sort_keys=True) for item in items)
        return state


@pytest.fixture
def stack(tables, tmp_path, monkeypatch, clock, pusher):
    """The `setup` Lambda on the test's fresh tables (creating tables is tested in
    tests/services/test_store.py)."""
    import app as app_module
    from chalicelib.bootstrap import context, use_context
    from chalicelib.mail import Mailer
    from chalicelib.objects import ObjectStore
    from chalicelib.services.context import Context

    settings, store = tables
    mailer = Mailer(settings.mail_sender, settings.mail_outbox_dir, settings.region)
    files = ObjectStore(settings.files_bucket, settings.region)  # moto's S3, like its DynamoDB
    files.create_bucket()
    use_context(Context(settings, store, pusher, mailer, clock, files=files))
    ctx = context()
    result = app_module.setup(
        {
            "create_tables": False,
            "admin_email": ADMIN_EMAIL,
            "admin_password": ADMIN_PASSWORD,
            "departments": [
                {"department_id": "sales", "name": "Studienberatung"},
                {"department_id": "library", "name": "Bibliothek", "retention_hours": 2},
            ],
        },
        None,
    )
    assert result["admin_created"] is True
    (tmp_path / "chalice-project").mkdir()
    yield ctx
    use_context(None)


@pytest.fixture
def api(stack, tmp_path) -> Api:
    import app as app_module

    return Api(app_module, stack, str(tmp_path / "chalice-project"))


@pytest.fixture
def dynamodb_calls(stack):
    """Counts the DynamoDB calls of the app's store."""
    return count_dynamodb_calls(stack.store)


# ---- institutional sign-in against the real test provider (devserver/oidc_provider.mjs) -------

SSO_ORIGIN = "http://testserver"
SSO_ACCOUNTS = [
    {"sub": "ute", "email": "ute.sso@uni.example", "name": "Ute Institut"},
    {"sub": "mia", "email": "mia@uni.example", "name": "Mia Meyer"},
    # The same addresses as accounts of the chat, with each answer a provider may give about
    # the address: confirmed, not confirmed, no claim at all (Entra ID).
    {"sub": "vera", "email": "vera@uni.example", "name": "Vera Verified"},
    {"sub": "nina", "email": "nina@uni.example", "name": "Nina Unsure", "email_verified": False},
    {"sub": "abel", "email": "abel@uni.example", "name": "Abel Absent", "email_verified": None},
    {"sub": "paul", "email": "paul@uni.example", "name": "Paul Provider"},
    # People at the provider who claim the admin's address.
    {"sub": "mallory-absent", "email": ADMIN_EMAIL, "name": "Mallory", "email_verified": None},
    {"sub": "mallory-false", "email": ADMIN_EMAIL, "name": "Mallory", "email_verified": False},
    {"sub": "admin-idp", "email": ADMIN_EMAIL, "name": "Admin at the provider"},
]


@pytest.fixture(scope="session")
def sso_provider():
    from devserver.oidc import oidc_provider

    with oidc_provider([f"{SSO_ORIGIN}/api/auth/sso/callback"], SSO_ACCOUNTS) as provider:
        yield provider


@pytest.fixture
def sso_api(api, sso_provider):
    """The API with institutional sign-in configured (as SSO_* variables would)."""
    import dataclasses

    api.ctx.settings = dataclasses.replace(
        api.ctx.settings,
        public_origin=SSO_ORIGIN,
        sso_issuer=sso_provider.issuer,
        sso_client_id=sso_provider.client_id,
        sso_client_secret=sso_provider.client_secret,
    )
    return api


def sign_in_at_provider(authorization_url: str, login: str) -> str:
    """Follow the provider's pages as a browser would, signing in as `login` (the test provider
    takes any password), up to its redirect to our callback; returns that callback's path."""
    import re

    import httpx

    callback = f"{SSO_ORIGIN}/api/auth/sso/callback"
    with httpx.Client(timeout=10) as browser:
        answer = browser.get(authorization_url)
        for _ in range(10):
            location = answer.headers.get("location")
            if location and location.startswith(callback):
                return location.removeprefix(SSO_ORIGIN + "/api")
            if location:
                answer = browser.get(httpx.URL(str(answer.url)).join(location))
                continue
            action = re.search(r'<form[^>]*action="([^"]+)"', answer.text)
            assert action, answer.text
            answer = browser.post(
                answer.url.join(action.group(1)),
                data={"prompt": "login", "login": login, "password": "irrelevant"},
            )
    raise AssertionError("the provider never sent the browser back")
