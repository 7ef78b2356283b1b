"""Clients for the local suite: HTTP through httpx, real WebSockets with an event inbox."""

from __future__ import annotations

import json
import queue
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as email_policy

import boto3
import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from devserver.outbox import OUTBOX_PATH
from devserver.rest import API_PREFIX

EVENT_TIMEOUT = 10.0
AGENT_PASSWORD = "a-long-password"


class Api:
    """The REST API of one running stack."""

    def __init__(self, api_url: str) -> None:
        self.http = httpx.Client(base_url=api_url, timeout=30.0)
        self.origin = api_url.removesuffix(API_PREFIX)

    def emailed_link(self, address: str) -> str:
        """The newest confirmation link (.../console/#verify=<token>) in the devserver's
        outbox for the address (mailed before /auth/register answered)."""
        outbox = self.http.get(
            self.origin + OUTBOX_PATH, headers={"Accept": "application/json"}
        ).json()["messages"]
        for message in outbox:  # newest first
            if address in message["to"]:
                raw = self.http.get(self.origin + message["url"]).content
                text = message_from_bytes(raw, policy=email_policy).get_content()
                found = re.search(r"\S+/console/#verify=\S+", text)
                if found:
                    return found.group(0)
        raise AssertionError(f"no confirmation link was mailed to {address}")

    def register_confirmed(self, address: str, name: str, password: str) -> None:
        """Register and open the emailed link: the registration waits for an admin now."""
        self.call(
            "POST",
            "/auth/register",
            {"email": address, "name": name, "password": password},
            expect=202,
        )
        token = self.emailed_link(address).split("#verify=", 1)[1]
        self.call("POST", "/auth/verify-email", {"token": token}, expect=200)

    def call(
        self,
        method: str,
        path: str,
        body: object | None = None,
        token: str | None = None,
        visitor: str | None = None,
        expect: int | tuple[int, ...] | None = None,
    ) -> httpx.Response:
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if visitor:
            headers["X-Visitor-Token"] = visitor
        response = self.http.request(
            method,
            path,
            headers=headers,
            content=json.dumps(body) if body is not None else None,
        )
        if expect is not None:
            expected = expect if isinstance(expect, tuple) else (expect,)
            assert response.status_code in expected, (method, path, response.text)
        return response


class Socket:
    """A real WebSocket client; a reader thread files every event into an inbox."""

    def __init__(self, ws_url: str, query: str) -> None:
        self.url = f"{ws_url}?{query}"
        self.inbox: queue.Queue[dict | None] = queue.Queue()
        self.seen: list[dict] = []
        # Entered by hand: the socket outlives this constructor and is closed by close().
        self.connection: ClientConnection = connect(self.url, open_timeout=10).__enter__()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        try:
            for frame in self.connection:
                self.inbox.put(json.loads(frame))
        except ConnectionClosed:
            pass
        self.inbox.put(None)

    def send(self, **frame: object) -> None:
        self.connection.send(json.dumps(frame))

    def wait_for(self, matches: Callable[[dict], bool], timeout: float = EVENT_TIMEOUT) -> dict:
        """The first event (seen before or arriving now) that matches; fails after `timeout`."""
        for event in self.seen:
            if matches(event):
                self.seen.remove(event)
                return event
        while True:
            try:
                event = self.inbox.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(
                    f"no matching event within {timeout}s; saw {self.seen}"
                ) from None
            if event is None:
                raise AssertionError(f"the socket closed; saw {self.seen}")
            if matches(event):
                return event
            self.seen.append(event)

    def events_so_far(self) -> list[dict]:
        """Everything the server sent before now: a bad frame's `error` answer comes after
        every event pushed earlier on this socket, so waiting for it drains them all."""
        self.send(action="sync-marker")
        self.wait_for(lambda e: e.get("type") == "error" and e.get("code") == "invalid_frame")
        drained, self.seen = self.seen, []
        return drained

    def wait_closed(self, timeout: float = EVENT_TIMEOUT) -> None:
        self.reader.join(timeout)
        assert not self.reader.is_alive(), "the server did not close the socket"

    def close(self) -> None:
        self.connection.close()
        self.reader.join(5)


def is_room_event(name: str, room_id: str | None = None) -> Callable[[dict], bool]:
    return lambda e: (
        e.get("type") == "room"
        and e.get("event") == name
        and (room_id is None or e["room"]["room_id"] == room_id)
    )


def is_queue_event(name: str, room_id: str) -> Callable[[dict], bool]:
    return lambda e: (
        e.get("type") == "queue" and e.get("event") == name and (e["room"]["room_id"] == room_id)
    )


def is_message(text: str) -> Callable[[dict], bool]:
    return lambda e: e.get("type") == "message" and e["message"]["text"] == text


@dataclass
class Agent:
    agent_id: str
    email: str
    token: str
    sockets: list[Socket] = field(default_factory=list)


@dataclass
class Visitor:
    visitor_id: str
    name: str
    token: str


def sign_in_admin(api: Api, email: str, password: str) -> str:
    return api.call(
        "POST", "/auth/login", {"email": email, "password": password}, expect=200
    ).json()["token"]


def approved_agent(
    api: Api, admin_token: str, name: str, departments: list[str], role: str = "agent"
) -> Agent:
    """Register, confirm the address, approve with departments, sign in: the S1/S2 path of a
    new agent."""
    email = f"agent-{uuid.uuid4().hex[:8]}@example.org"
    password = AGENT_PASSWORD
    api.register_confirmed(email, name, password)
    pending = api.call(
        "GET", "/admin/agents?state=pending&limit=200", token=admin_token, expect=200
    ).json()["agents"]
    agent_id = next(a["agent_id"] for a in pending if a["email"] == email)
    api.call(
        "POST",
        f"/admin/agents/{agent_id}/approve",
        {"role": role, "departments": departments},
        token=admin_token,
        expect=200,
    )
    token = api.call(
        "POST", "/auth/login", {"email": email, "password": password}, expect=200
    ).json()["token"]
    return Agent(agent_id=agent_id, email=email, token=token)


def open_socket(
    api: Api, ws_url: str, *, token: str | None = None, visitor: str | None = None
) -> Socket:
    """A socket of an agent (token) or a visitor, opened as the console and the widget do: with
    a one-time ticket (the server refuses tokens in the URL)."""
    reply = api.call("POST", "/ws-ticket", token=token, visitor=visitor, expect=201)
    return Socket(ws_url, f"ticket={reply.json()['ticket']}")


def go_online(api: Api, ws_url: str, agent: Agent) -> Socket:
    """Connect, switch the livechat toggle on and the status to online."""
    socket = open_socket(api, ws_url, token=agent.token)
    agent.sockets.append(socket)
    api.call("PUT", "/me/availability", {"available": True}, token=agent.token, expect=200)
    api.call("PUT", "/me/status", {"status": "online"}, token=agent.token, expect=200)
    return socket


def new_visitor(api: Api) -> Visitor:
    body = api.call("POST", "/visitors", expect=201).json()
    return Visitor(visitor_id=body["visitor_id"], name=body["name"], token=body["token"])


def available(api: Api, department_id: str) -> bool:
    return api.call("GET", f"/departments/{department_id}/availability", expect=200).json()[
        "available"
    ]


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a server-side condition that no event announces (e.g. availability after a timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout}s")


def start_chat(api: Api, visitor: Visitor, department_id: str, text: str | None = None) -> str:
    """The visitor asks for a chat (S14); returns the new room's id."""
    body = (
        {"department_id": department_id}
        if text is None
        else {"department_id": department_id, "text": text}
    )
    return api.call("POST", "/rooms", body, visitor=visitor.token, expect=201).json()["room_id"]


def write(
    api: Api,
    room_id: str,
    text: str,
    client_id: str,
    *,
    token: str | None = None,
    visitor: str | None = None,
) -> dict:
    """An agent (token) or the visitor writes into the room over REST; returns the message."""
    return api.call(
        "POST",
        f"/rooms/{room_id}/messages",
        {"text": text, "client_id": client_id},
        token=token,
        visitor=visitor,
        expect=201,
    ).json()


def raw_dynamodb(urls):
    """A plain boto3 client on the stack's DynamoDB Local, for looking behind the API."""
    return boto3.client(
        "dynamodb",
        endpoint_url=urls.dynamodb_endpoint,
        region_name="eu-central-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


@dataclass
class Stack:
    """One running devserver with its admin signed in."""

    urls: object  # devserver.testing.DevServerURLs
    api: Api
    admin_token: str

    @classmethod
    def signed_in(cls, urls) -> Stack:
        api = Api(urls.api_url)
        return cls(
            urls=urls,
            api=api,
            admin_token=sign_in_admin(api, urls.admin_email, urls.admin_password),
        )

    def new_department(
        self, allowed_origins: list[str] | None = None, name: str = "Beratung"
    ) -> str:
        """A department of its own per test, so that availability of tests never mixes."""
        department_id = f"d-{uuid.uuid4().hex[:10]}"
        self.api.call(
            "POST",
            "/admin/departments",
            {
                "department_id": department_id,
                "name": name,
                "allowed_origins": allowed_origins or [self.urls.base_url],
                "retention_hours": 24,
            },
            token=self.admin_token,
            expect=201,
        )
        return department_id

    def connection_id_of(self, principal_id: str) -> str:
        """The devserver's connection id of a principal's one socket, from DynamoDB Local."""
        found = raw_dynamodb(self.urls).query(
            TableName="livechat-connections",
            IndexName="principal-index",
            KeyConditionExpression="principal_id = :p",
            ExpressionAttributeValues={":p": {"S": principal_id}},
        )["Items"]
        assert len(found) == 1, found
        return found[0]["connection_id"]["S"]
