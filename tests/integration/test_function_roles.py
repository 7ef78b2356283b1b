"""Each Lambda function runs as its own IAM role (infra/template.yaml), and that role allows what
the function's code really does. The real handlers run here on moto while every DynamoDB call
(table, index, action), every push to a socket and every email is recorded under the function
that made it; then each recorded need must be granted by that function's role in the template,
and the socket handlers and the sweep must be granted nothing beyond what they were seen to use.

A transaction is authorised as the writes it consists of (PutItem, UpdateItem, DeleteItem), as
IAM does."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from chalicelib import oidc
from chalicelib.objects import upload_key
from chalicelib.services import push_notifications
from chalicelib.store.records import PushSubscription
from infra.package import TEMPLATE, load_cfn_yaml
from tests import samples
from tests.integration.push_service import PushService
from tests.integration.test_budget import SCHEDULED_EVENT

PUSH = "execute-api:ManageConnections"
MAIL = "ses:SendEmail"
SSO_SECRET = "sso-client-secret"
VAPID_KEY = "vapid-key"  # in AWS an SSM SecureString; here kept in the store
# The app's handler (module attribute of app.py) -> the function's logical id in the template.
HANDLERS = {
    "ws_connect": "WebsocketConnect",
    "ws_message": "WebsocketMessage",
    "ws_disconnect": "WebsocketDisconnect",
    "maintenance": "Maintenance",
    "setup": "Setup",
}
REST = "APIHandler"
_TRANSACTION_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem"}
# S3 operations as IAM authorises them (a HEAD is a GetObject; a copy reads and writes).
_S3_ACTIONS = {
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "CopyObject": "s3:PutObject",
    "DeleteObjects": "s3:DeleteObject",
    "ListObjectsV2": "s3:ListBucket",
    "PutBucketCors": "s3:PutBucketCORS",
    "DeleteBucketCors": "s3:PutBucketCORS",
}
BUCKET = "${FilesBucket.Arn}"


def object_resource(key: str) -> str:
    """`files/<room>/<upload>` -> `${FilesBucket.Arn}/files/*`."""
    return f"{BUCKET}/{key.split('/', 1)[0]}/*"


def text_of(value) -> str:
    """A resource of the template as text: `${KeysTable.Arn}`, `${RoomsTable.Arn}/index/x`."""
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return "${" + ".".join(value["Fn::GetAtt"]) + "}"
    if isinstance(value, dict) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        return sub if isinstance(sub, str) else sub[0]
    return json.dumps(value)


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


class Recorder:
    """What each function did: {logical id: {(action, resource)}}."""

    def __init__(self, table_logical_ids: dict[str, str]) -> None:
        self.function: str | None = None
        self.used: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self._tables = table_logical_ids  # physical table name -> logical id

    def note(self, action: str, resource: str) -> None:
        if self.function is not None:
            self.used[self.function].add((action, resource))

    def _table(self, name: str, index: str | None = None) -> str:
        arn = "${" + self._tables[name] + ".Arn}"
        return f"{arn}/index/{index}" if index else arn

    def dynamodb_call(self, model=None, params=None, **_kwargs) -> None:
        """botocore's `before-call`: the request as it is sent (a JSON body for DynamoDB)."""
        operation, params = model.name, json.loads(params["body"])
        if operation in ("BatchGetItem", "BatchWriteItem"):
            for table in params["RequestItems"]:
                self.note(f"dynamodb:{operation}", self._table(table))
        elif operation == "TransactWriteItems":
            for item in params["TransactItems"]:
                ((kind, write),) = item.items()
                self.note(f"dynamodb:{_TRANSACTION_ACTIONS[kind]}", self._table(write["TableName"]))
        else:
            table = self._table(params["TableName"], params.get("IndexName"))
            self.note(f"dynamodb:{operation}", table)


def s3_call(rec: Recorder, params=None, model=None, **_kwargs) -> None:
    """botocore's `before-parameter-build` for S3: the operation and its parameters."""
    if model.name == "CreateBucket":  # botocore's presigned POST asks it for the bucket's URL
        return
    action = _S3_ACTIONS[model.name]
    if model.name == "CopyObject":
        source = params["CopySource"]  # "bucket/key" once botocore has rendered it
        key = source["Key"] if isinstance(source, dict) else source.split("/", 1)[1]
        rec.note("s3:GetObject", object_resource(key))
    if model.name == "DeleteObjects":
        keys = [found["Key"] for found in params["Delete"]["Objects"]]
    else:
        keys = [params["Key"]] if "Key" in params else []
    for key in keys:
        rec.note(action, object_resource(key))
    if not keys:
        rec.note(action, BUCKET)


def table_logical_ids(template: dict, prefix: str) -> dict[str, str]:
    found = {}
    for logical, resource in template["Resources"].items():
        if resource.get("Type") == "AWS::DynamoDB::Table":
            name = text_of(resource["Properties"]["TableName"])
            found[prefix + name.removeprefix("${AWS::StackName}-")] = logical
    return found


def granted(template: dict, function: str) -> set[tuple[str, str]]:
    """(action, resource) pairs the function's role allows, in the recorder's terms; writing
    its own logs (which Lambda does, and tests/deploy checks) left out."""
    role_ref = template["Resources"][function]["Properties"]["Role"]
    role = template["Resources"][role_ref["Fn::GetAtt"][0]]["Properties"]
    pairs = set()
    for policy in role["Policies"]:
        for statement in as_list(policy["PolicyDocument"]["Statement"]):
            if statement["Effect"] != "Allow":
                continue
            for action in as_list(statement["Action"]):
                for resource in as_list(statement["Resource"]):
                    rendered = text_of(resource)
                    if isinstance(action, dict):  # the SSO secret's !If: SSM or Secrets Manager
                        pairs.add((SSO_SECRET, "read"))
                    elif action == "ssm:GetParameter":
                        pairs.add((VAPID_KEY, "read"))
                    elif action == PUSH:
                        pairs.add((PUSH, "DELETE" if "/DELETE/" in rendered else "POST"))
                    elif action.startswith("ses:"):
                        # SES v2 SendEmail with raw content: the statement names both actions
                        # (the API's IAM pages differ on which one it checks).
                        pairs.add((MAIL, "identity"))
                    elif not action.startswith("logs:"):  # Lambda's, not the code's
                        pairs.add((action, rendered))
    return pairs


@pytest.fixture
def template():
    return load_cfn_yaml(TEMPLATE)


@pytest.fixture
def recorder(api, template, monkeypatch):
    """Records under the function running: REST calls, each WebSocket handler, the sweep."""
    rec = Recorder(table_logical_ids(template, api.ctx.settings.table_prefix))
    api.ctx.store.observe_calls(rec.dynamodb_call)

    def running(function: str, call):
        def run(*args, **kwargs):
            before, rec.function = rec.function, function
            try:
                return call(*args, **kwargs)
            finally:
                rec.function = before

        return run

    for handler, function in HANDLERS.items():
        monkeypatch.setattr(api.app, handler, running(function, getattr(api.app, handler)))
    monkeypatch.setattr(api.client.http, "request", running(REST, api.client.http.request))

    pusher = api.pusher
    post, disconnect = pusher.post, pusher.disconnect

    def recorded_post(connection_id, payload):
        rec.note(PUSH, "POST")
        return post(connection_id, payload)

    def recorded_disconnect(connection_id):
        rec.note(PUSH, "DELETE")
        return disconnect(connection_id)

    monkeypatch.setattr(pusher, "post", recorded_post)
    monkeypatch.setattr(pusher, "disconnect", recorded_disconnect)
    send_mail = api.ctx.mailer.send

    def recorded_mail(*args, **kwargs):
        rec.note(MAIL, "identity")
        return send_mail(*args, **kwargs)

    monkeypatch.setattr(api.ctx.mailer, "send", recorded_mail)
    secret = oidc.client_secret

    def recorded_secret(settings):
        rec.note(SSO_SECRET, "read")
        return secret(settings)

    monkeypatch.setattr(oidc, "client_secret", recorded_secret)
    web_pusher = push_notifications.web_pusher

    def recorded_web_pusher(ctx):
        rec.note(VAPID_KEY, "read")
        return web_pusher(ctx)

    monkeypatch.setattr(push_notifications, "web_pusher", recorded_web_pusher)

    files = api.ctx.files
    files.client.meta.events.register(
        "before-parameter-build.s3", lambda **kwargs: s3_call(rec, **kwargs)
    )
    # Presigned requests are made by the browser, with the rights of the role that signed them.
    presigned_post, download_url = files.presigned_post, files.download_url

    def recorded_post(key, *args):
        rec.note("s3:PutObject", object_resource(key))
        return presigned_post(key, *args)

    def recorded_download(key, *args):
        rec.note("s3:GetObject", object_resource(key))
        return download_url(key, *args)

    monkeypatch.setattr(files, "presigned_post", recorded_post)
    monkeypatch.setattr(files, "download_url", recorded_download)
    return rec


@pytest.fixture
def push_service():
    with PushService() as service:
        yield service


@pytest.fixture
def app_env(app_env, monkeypatch, push_service):
    from chalicelib.settings import reset_settings

    monkeypatch.setenv("PUSH_SERVICE_ORIGINS", push_service.origin)
    reset_settings()
    return app_env


# ---- what the functions do: every path of the socket handlers and the sweep ------------------


def ticket_for(api, handle) -> str:
    reply = api.post("/ws-ticket", auth=handle.auth)
    assert reply.status == 201, reply.body
    return reply.json["ticket"]


def run_the_chat(api, push_service) -> None:
    """Registration and approval (mail), tickets, sockets, messages, typing, heartbeats,
    team chat, pushes to gone sockets, Web Push, closing, disconnects and the sweep's requeue."""
    agent_id, _email = api.register("Rita")
    approved = api.post(
        f"/admin/agents/{agent_id}/approve",
        {"role": "agent", "departments": ["sales"]},
        auth=api.admin.auth,
    )
    assert approved.status == 200, approved.body
    paula, piet = api.agent("Paula"), api.agent("Piet")
    # The sweep alerts the agents of a chat waiting long (below), and mails the department.
    alert = {"alert_after_minutes": 1, "alert_email": "sales@example.org"}
    assert api.patch("/admin/departments/sales", alert, auth=api.admin.auth).status == 200
    # $connect: by ticket (visitor and agent), refused over the socket limit.
    visitor = api.visitor(connect=False)
    visitor.connection_id = "ws-visitor"
    assert api.ws_connect("ws-visitor", {"ticket": ticket_for(api, visitor)})["statusCode"] == 200
    assert api.ws_connect("ws-paula-2", {"ticket": ticket_for(api, paula)})["statusCode"] == 200
    answers = [api.ws_connect(f"ws-piet-{n}", {"ticket": ticket_for(api, piet)}) for n in range(12)]
    assert answers[-1]["statusCode"] == 429
    # $default: a bad frame, a message and typing in a queued chat, then in an open one.
    api.ws_send("ws-visitor", "not json")
    room = api.ask(visitor)["room_id"]
    said = {"action": "send", "room_id": room, "text": "Hallo", "client_id": "v1"}
    api.ws_send("ws-visitor", said)
    api.ws_send("ws-visitor", {"action": "typing", "room_id": room, "typing": True})
    assert api.post(f"/rooms/{room}/take", auth=paula.auth).status == 200
    # Sockets opened while in a chat listen to it.
    assert (
        api.ws_connect("ws-visitor-tab", {"ticket": ticket_for(api, visitor)})["statusCode"] == 200
    )
    assert api.ws_connect("ws-paula-tab", {"ticket": ticket_for(api, paula)})["statusCode"] == 200
    api.pusher.gone.update({"ws-paula-2", "ws-paula-tab"})  # closed tabs: pushes forget them
    api.clock.advance(20)
    frame = {"action": "send", "room_id": room, "text": "Guten Tag", "client_id": "p1"}
    api.ws_send(paula.connection_id, frame)
    api.ws_send("ws-visitor", said)  # a resend: the stored message again
    api.ws_send(paula.connection_id, {"action": "typing", "room_id": room, "typing": True})
    # Web Push: Paula's console hidden, the visitor's message goes to her device, whose push
    # service says it is gone; her console shown again.
    key = api.get("/push/key", auth=paula.auth).json["public_key"]
    device, subscription = push_service.subscribe(key)
    assert api.post("/me/push-subscriptions", subscription, auth=paula.auth).status == 201
    device.answer = 410
    for connection_id in (paula.connection_id, "ws-paula-2", "ws-paula-tab"):
        api.ws_send(connection_id, {"action": "heartbeat", "visible": False})
    api.ws_send("ws-visitor", {**said, "text": "Sind Sie noch da?", "client_id": "v2"})
    for connection_id in (paula.connection_id, "ws-paula-2", "ws-paula-tab"):
        api.ws_send(connection_id, {"action": "heartbeat", "visible": True})
    # Heartbeats: a visitor's, an agent's, one after the agent's presence ran out.
    api.ws_send("ws-visitor", {"action": "heartbeat"})
    api.ws_send(paula.connection_id, {"action": "heartbeat"})
    api.clock.advance(api.ctx.settings.presence_timeout_seconds + 1)
    api.ws_send(paula.connection_id, {"action": "heartbeat"})
    # Team chat over the socket, with a mention.
    channel = api.post(
        "/channels",
        {"kind": "channel", "name": "Team", "members": [piet.agent_id]},
        auth=paula.auth,
    ).json["room_id"]
    mention = {"action": "send", "room_id": channel, "text": "Hi @Paula", "client_id": "t1"}
    api.ws_send(piet.connection_id, mention)
    api.ws_send(piet.connection_id, {"action": "typing", "room_id": channel, "typing": True})
    # A transcript asked for; closing mails it; a resend into the closed chat.
    transcript = {"email": "visitor@example.org"}
    assert api.post(f"/rooms/{room}/transcript", transcript, auth=visitor.auth).status == 202
    assert api.post(f"/rooms/{room}/close", auth=paula.auth).status == 200
    api.ws_send("ws-visitor", said)
    # A message left while nobody else answers, answered by mail, closed (the last mail).
    offline = {"offline_messages": True}
    assert api.patch("/admin/departments/sales", offline, auth=api.admin.auth).status == 200
    left = {"text": "Frage", "email": "visitor@example.org"}
    writer = api.visitor()
    message = api.post("/departments/sales/offline-messages", left, auth=writer.auth).json
    assert api.post(f"/rooms/{message['room_id']}/take", auth=paula.auth).status == 200
    answer = {"text": "Antwort", "client_id": "m1"}
    path = f"/rooms/{message['room_id']}"
    assert api.post(f"{path}/messages", answer, auth=paula.auth).status == 201
    assert api.post(f"{path}/close", auth=paula.auth).status == 200
    assert len(api.mails_to("visitor@example.org")) == 3
    # An agent who serves a chat goes (her visitor's tab closed too); the sweep returns the chat
    # to the queue; she comes back.
    other = api.visitor()
    second = api.taken(other, paula)["room_id"]
    api.pusher.gone.add(other.connection_id)
    api.clock.advance(20)
    for connection_id in (paula.connection_id, "ws-paula-2", "ws-paula-tab"):
        api.ws_disconnect(connection_id)
    api.ws_disconnect("ws-visitor")
    for _minute in range(api.ctx.settings.agent_gone_minutes):
        api.clock.advance(60)
        api.ws_send(piet.connection_id, {"action": "heartbeat"})
    assert api.app.maintenance(SCHEDULED_EVENT, None)["rooms_returned"] == 1
    assert api.get(f"/rooms/{second}", auth=other.auth).json["state"] == "queued"
    assert api.ws_connect("ws-paula-3", {"ticket": ticket_for(api, paula)})["statusCode"] == 200
    # The returned chat waits: the sweep alerts Rita, who has no console, on her device (gone).
    ritas_device, subscription = push_service.subscribe(
        api.get("/push/key", auth=piet.auth).json["public_key"]
    )
    device = PushSubscription(
        "push_rita", subscription["endpoint"], **subscription["keys"], created_at="2026"
    )
    api.ctx.store.add_push_subscription(agent_id, device, limit=10)
    ritas_device.answer = 410
    api.app.maintenance(SCHEDULED_EVENT, None)
    # Heartbeats stop: the sweep notices; an expired session's heartbeat closes its socket.
    api.clock.advance(api.ctx.settings.presence_timeout_seconds + 1)
    api.app.maintenance(SCHEDULED_EVENT, None)
    api.clock.advance(api.ctx.settings.session_hours * 3600)
    api.ws_send(piet.connection_id, {"action": "heartbeat"})
    assert piet.connection_id in api.pusher.disconnected
    # Nobody took the returned chat until it expired: the sweep closes it, counted missed.
    api.clock.advance(api.ctx.settings.room_idle_hours * 3600)
    assert api.app.maintenance(SCHEDULED_EVENT, None)["rooms_expired"] == 1
    # `make setup-admin` again: a new department, the admin who exists already.
    api.app.setup(
        {
            "admin_email": api.admin.email,
            "admin_password": "x" * 16,
            "departments": [{"department_id": "museum", "name": "Museum"}],
        },
        None,
    )


def files_in_a_chat(api) -> None:
    """A visitor sends a file over the socket (and again), asks for an upload never sent, the
    agent fetches the file; the chat expires, and the hourly sweep removes both."""
    frida, guest = api.agent("Frida"), api.visitor()
    room = api.taken(guest, frida)["room_id"]
    uploads = []
    for content_type, data in (("application/pdf", samples.PDF), ("image/png", samples.png())):
        reply = api.post(
            f"/rooms/{room}/uploads",
            {"name": "datei", "content_type": content_type, "size": len(data)},
            auth=guest.auth,
        )
        assert reply.status == 201, reply.body
        uploads.append(reply.json["upload_id"])
        api.ctx.files.client.put_object(  # the browser's POST
            Bucket=api.ctx.files.bucket, Key=upload_key(room, uploads[-1]), Body=data
        )
    frame = {"action": "send", "room_id": room, "client_id": "f1", "upload_id": uploads[0]}
    api.ws_send(guest.connection_id, frame)
    api.ws_send(guest.connection_id, frame)  # a resend finds the file kept
    assert api.pushed(frida, "message")[-1]["message"]["file"]["upload_id"] == uploads[0]
    assert api.get(f"/rooms/{room}/files/{uploads[0]}", auth=frida.auth).status == 200
    api.clock.at = (api.clock.at // 3600 + 49) * 3600  # two days on, at an hour's start
    api.app.maintenance(SCHEDULED_EVENT, None)
    assert api.ctx.files.keys_under(f"files/{room}/") + api.ctx.files.keys_under("uploads/") == []


# What only a race reaches, which one thread never does: a message appended while another is
# (the sweep's system line beside a visitor's) reads the room and the message's client-id claim
# again (chalicelib/store/dynamo/rooms.py append_message). The socket handlers' reads cover theirs.
RACE_PATHS = {
    "Maintenance": {
        ("dynamodb:GetItem", "${RoomsTable.Arn}"),
        ("dynamodb:GetItem", "${KeysTable.Arn}"),
        ("dynamodb:GetItem", "${MessagesTable.Arn}"),
    }
}


@pytest.fixture
def used(api, recorder, push_service):
    run_the_chat(api, push_service)
    files_in_a_chat(api)
    return {
        function: recorder.used[function] | RACE_PATHS.get(function, set())
        for function in [REST, *HANDLERS.values()]
    }


def test_every_function_has_a_role_of_its_own(template):
    roles = {
        function: template["Resources"][function]["Properties"]["Role"]["Fn::GetAtt"][0]
        for function in [REST, *HANDLERS.values()]
    }
    assert len(set(roles.values())) == len(roles), roles
    for role in roles.values():
        assert template["Resources"][role]["Type"] == "AWS::IAM::Role"


def test_each_function_may_do_what_its_code_does_and_no_more(template, used):
    """The REST API's routes reach every table, push, mail and sign in; every other function
    may do nothing it was not seen doing: no mail, no SSO secret, no push where nothing is
    pushed, no table, index or action beyond its code's."""
    for function in [REST, *HANDLERS.values()]:
        assert used[function], f"{function} did nothing here: the scenario misses it"
        assert used[function] - granted(template, function) == set(), function
    for function in HANDLERS.values():
        assert granted(template, function) - used[function] == set(), function


def test_no_socket_handler_sends_mail_or_reads_the_sso_secret(template):
    for function in ("WebsocketConnect", "WebsocketMessage", "WebsocketDisconnect"):
        actions = {action for action, _resource in granted(template, function)}
        assert MAIL not in actions and "ses:SendRawEmail" not in actions, function
        assert SSO_SECRET not in actions, function
