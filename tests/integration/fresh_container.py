"""A new Lambda container, played by a fresh interpreter: import app.py, then answer the page
view's availability check and a visitor's first message, on the in-memory store. Prints, as JSON,
the modules loaded after the import and after the requests, which pydantic models were built
by the import and how many botocore clients it made. Run by tests/integration/test_cold_start.py,
never imported.
"""

import gc
import json
import sys

from pydantic import BaseModel

import app
from chalicelib import schemas

loaded_by_import = sorted(sys.modules)
client_class = getattr(sys.modules.get("botocore.client"), "BaseClient", None)
clients_made_by_import = (
    sum(isinstance(thing, client_class) for thing in gc.get_objects()) if client_class else 0
)
built_by_import = sorted(
    f"{model.__module__}.{model.__qualname__}"
    for module in (app, schemas)
    for model in vars(module).values()
    if isinstance(model, type)
    and issubclass(model, BaseModel)
    and model.__module__ == module.__name__
    and model.__pydantic_complete__
)

from chalicelib.bootstrap import context, use_context  # noqa: E402
from chalicelib.mail import Mailer  # noqa: E402 - after the import that is checked
from chalicelib.push import Pusher  # noqa: E402
from chalicelib.services import agents, departments, presence  # noqa: E402
from chalicelib.services.context import Context  # noqa: E402
from chalicelib.services.principals import authenticate_agent  # noqa: E402
from chalicelib.settings import get_settings  # noqa: E402
from chalicelib.store.memory import MemoryStore  # noqa: E402
from devserver.events import rest_event  # noqa: E402

settings = get_settings()
use_context(
    Context(
        settings,
        MemoryStore(),
        Pusher(None, settings.region),
        Mailer(settings.mail_sender, settings.mail_outbox_dir, settings.region),
    )
)
# An agent of the department online with the console open, so that a visitor may ask. Without a
# password (an institutional sign-in's account): hashing one is no part of what is checked.
ctx = context()
departments.create(ctx, "sales", "Sales", [], 24)
agent_id = agents.register(
    ctx, "paula@uni.example", "Paula", None, state="active", departments=("sales",)
)["agent_id"]
ctx.store.change_agent(agent_id, status="online")
session_token = agents.open_session(ctx, ctx.store.get_agent(agent_id))
presence.connect(ctx, "console-of-paula", authenticate_agent(ctx, session_token))


def answer(method: str, path: str, resource: str, body: dict | None = None, **headers: str) -> dict:
    """The app's answer to one REST request (which must succeed), as API Gateway sends it."""
    parameters = {
        name: path.split("/")[index]
        for index, name in enumerate(resource.split("/"))
        if name.startswith("{")
    }
    event = rest_event(
        method=method,
        path=path,
        resource=resource,
        path_parameters={name.strip("{}"): value for name, value in parameters.items()},
        query_string="",
        raw_headers=[("content-type", "application/json"), *headers.items()],
        body=json.dumps(body).encode() if body is not None else b"",
        body_is_binary=False,
        source_ip="198.51.100.7",
        domain_name="test.local",
    )
    response = app.app(event, None)
    if response["statusCode"] >= 400:
        raise SystemExit(f"{method} {path}: {response}")
    return json.loads(response["body"]) if response["body"] else {}


answer("GET", "/departments/sales/availability", "/departments/{department_id}/availability")
visitor = answer("POST", "/visitors", "/visitors")
token = {"x-visitor-token": visitor["token"]}
room = answer("POST", "/rooms", "/rooms", {"department_id": "sales", "client_id": "c1"}, **token)
answer(
    "POST",
    f"/rooms/{room['room_id']}/messages",
    "/rooms/{room_id}/messages",
    {"text": "Hello", "client_id": "c2"},
    **token,
)

print(
    json.dumps(
        {
            "loaded_by_import": loaded_by_import,
            "built_by_import": built_by_import,
            "clients_made_by_import": clients_made_by_import,
            "loaded_by_requests": sorted(sys.modules),
        }
    )
)
