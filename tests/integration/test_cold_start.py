"""What a cold start loads (docs/performance.md, "Cold start"): a new Lambda container imports
app.py, then answers its first request, and pays for every module either loads. What some requests
do not need waits until a handler needs it; what every request needs (the store on PynamoDB and
botocore) loads with the import, which has room for it. Checked by the modules loaded in a fresh
interpreter (tests/integration/fresh_container.py), never by the clock: `make bench` times it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FRESH_CONTAINER = Path(__file__).with_name("fresh_container.py")

# Every request reads or writes DynamoDB: the store loads with app.py, not in a first request.
STORE = ("pynamodb", "botocore.session", "botocore.client", "chalicelib.store.dynamo")
# Loaded on first use only: password hashing and guessing (sign-in, registration), the email
# checker (forms with an address), Authlib with its HTTP client and cryptography (institutional
# sign-in); boto3 never (botocore is all the app needs).
FIRST_USE_ONLY = (
    "boto3",
    "argon2",
    "zxcvbn",
    "email_validator",
    "pydantic.networks",
    "authlib",
    "joserfc",
    "cryptography",
    "requests",
)
# What neither the page view's availability check nor a visitor's message needs.
NOT_FOR_A_VISITOR = (
    "argon2",
    "zxcvbn",
    "email_validator",
    "pydantic.networks",
    "authlib",
    "cryptography",
)


def _within(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


@pytest.fixture(scope="module")
def fresh_container(tmp_path_factory) -> dict:
    """One run of fresh_container.py, in an environment with nothing of the tests' own."""
    outbox = tmp_path_factory.mktemp("outbox")
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO),
        "AWS_REGION": "eu-central-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "MAIL_OUTBOX_DIR": str(outbox),
    }
    done = subprocess.run(
        [sys.executable, str(FRESH_CONTAINER)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_app_loads_no_boto3_password_or_sign_in_library(fresh_container):
    assert _within(fresh_container["loaded_by_import"], FIRST_USE_ONLY) == []


def test_importing_the_app_loads_the_store_that_every_request_needs(fresh_container):
    assert [name for name in STORE if name not in fresh_container["loaded_by_import"]] == []


def test_importing_the_app_makes_no_aws_client(fresh_container):
    # A client reads the environment and botocore's data files: the first request makes it.
    assert fresh_container["clients_made_by_import"] == 0


def test_importing_the_app_builds_no_pydantic_model(fresh_container):
    # defer_build: each model is built by the first request that validates with it.
    assert fresh_container["built_by_import"] == []


def test_the_availability_check_and_a_visitors_message_load_no_password_or_sign_in_library(
    fresh_container,
):
    assert _within(fresh_container["loaded_by_requests"], NOT_FOR_A_VISITOR) == []


def test_the_store_and_the_pusher_make_their_clients_in_one_botocore_session(moto, monkeypatch):
    """A second session would read botocore's endpoint data and defaults again, on the first
    message of every new container (it pushes)."""
    import botocore.session

    from chalicelib.bootstrap import build_context
    from chalicelib.settings import get_settings, reset_settings

    endpoint = "https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/api"
    monkeypatch.setenv("WS_MANAGEMENT_ENDPOINT", endpoint)
    reset_settings()
    sessions = []
    create_client = botocore.session.Session.create_client

    def recording(session, *args, **kwargs):
        sessions.append(session)
        return create_client(session, *args, **kwargs)

    monkeypatch.setattr(botocore.session.Session, "create_client", recording)
    ctx = build_context(get_settings())
    ctx.store.observe_calls(lambda **_: None)  # makes the store's client
    ctx.pusher.post("gone-connection", {"type": "ping"})  # makes the pusher's

    assert len(sessions) == 2
    assert sessions[0] is sessions[1]
