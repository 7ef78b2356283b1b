"""The DynamoDB Local launcher and `python -m devserver` as a whole."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import boto3
import botocore.exceptions
import httpx
import pytest
from devserver_support import FIXTURE_APP, WAIT_SECONDS, Journal

from devserver.dynamodb_local import DynamoDBLocal, DynamoDBLocalError, find_jar
from devserver.server import _bind
from devserver.testing import devserver_in_thread, devserver_process
from tests.event_loop import run_in_own_thread


def dynamodb_client(endpoint: str):
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="eu-central-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def test_dynamodb_local_keeps_data_in_its_folder(tmp_path: Path):
    with DynamoDBLocal(port=0, db_dir=tmp_path / "db") as dynamodb:
        dynamodb_client(dynamodb.endpoint).create_table(
            TableName="kept",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    assert not dynamodb.running

    with DynamoDBLocal(port=0, db_dir=tmp_path / "db") as dynamodb:
        assert dynamodb_client(dynamodb.endpoint).list_tables()["TableNames"] == ["kept"]


def test_dynamodb_local_explains_what_is_missing(tmp_path: Path):
    with pytest.raises(DynamoDBLocalError, match="npm ci"):
        find_jar(tmp_path)
    with pytest.raises(DynamoDBLocalError, match="Java"):
        DynamoDBLocal(java="no-such-java-here").start()


def test_in_thread_server_restores_the_environment(dynamodb_endpoint: str):
    before = os.environ.get("WS_URL")
    with devserver_in_thread(
        app_path=FIXTURE_APP, dynamodb_endpoint=dynamodb_endpoint, pool_size=1
    ) as urls:
        assert os.environ["WS_URL"] == urls.ws_url
        with (
            pytest.raises(RuntimeError, match="another in-thread devserver"),
            devserver_in_thread(app_path=FIXTURE_APP, dynamodb_endpoint=dynamodb_endpoint),
        ):
            pass
    assert os.environ.get("WS_URL") == before


def test_python_m_devserver_sets_up_the_app_and_sweeps():
    with devserver_process(
        app_path=FIXTURE_APP,
        sweep_interval=0.2,
        admin_email="boss@example.org",
        admin_password="s3cret-pass",
    ) as urls:
        with httpx.Client(base_url=urls.base_url, timeout=WAIT_SECONDS + 5) as http:
            # The journal lives in the child process: setup is in it from the start.
            journal = Journal(http, from_start=True)
            setup = journal.wait_for("setup")["event"]
            assert setup["create_tables"] is True
            assert setup["admin_email"] == "boss@example.org"
            assert setup["admin_password"] == "s3cret-pass"
            [department] = setup["departments"]
            assert department["department_id"] == "demo"
            port = urls.base_url.rsplit(":", 1)[1]
            assert urls.base_url in department["allowed_origins"]
            assert f"http://localhost:{port}" in department["allowed_origins"]

            sweep = journal.wait_for("maintenance")["event"]
            assert sweep["detail-type"] == "Scheduled Event"
            assert sweep["source"] == "aws.events"

            env = http.get("/api/env").json()
            assert env["DYNAMODB_ENDPOINT"] == urls.dynamodb_endpoint
            assert env["MAIL_OUTBOX_DIR"] == str(urls.data_dir / "outbox")
            assert http.get("/dev/health").json() == {"ok": True}

        # setup ran after DynamoDB Local was up and the environment pointed at it.
        tables = dynamodb_client(urls.dynamodb_endpoint).list_tables()["TableNames"]
        assert tables == ["fixture-table"]

    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        dynamodb_client(urls.dynamodb_endpoint).list_tables()


def test_the_devserver_answers_without_waiting_for_delayed_acks():
    """Accepted connections get TCP_NODELAY (asyncio sets it only when the listener's proto is
    TCP); otherwise each answer on a kept-alive connection waits ~40 ms for the client's ACK."""
    listener = _bind("127.0.0.1", 0)
    nodelay = []

    async def serve_one() -> None:
        accepted = asyncio.Event()

        def connected(reader, writer) -> None:
            sock = writer.get_extra_info("socket")
            nodelay.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()
            accepted.set()

        server = await asyncio.start_server(connected, sock=listener)
        async with server:
            _, writer = await asyncio.open_connection(*listener.getsockname())
            await accepted.wait()
            writer.close()

    run_in_own_thread(serve_one(), timeout=10)
    assert nodelay == [1]


# Run in a fresh interpreter: the pool's copies are loaded as modules of their own names.
TWO_APP_COPIES = """
import json
from pathlib import Path
from devserver.lambda_pool import load_app
copies = [load_app(Path("app.py"), f"_app_copy_{n}") for n in range(2)]
print(json.dumps([{p: sorted(m) for p, m in c.routes.items()} for c in copies]))
"""


def test_every_copy_of_the_pool_has_the_apps_routes_with_their_methods():
    """Chalice pops a blueprint's route options while registering them: a second copy of the
    app (a warm container of the devserver) got every route as GET until each registration
    had options of its own (chalicelib/routes/adapter.py, `Area`)."""
    import json
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-c", TWO_APP_COPIES], cwd=repo, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    first, second = json.loads(run.stdout)
    assert first == second
    assert first["/config"] == ["GET", "OPTIONS"]
    assert first["/rooms/{room_id}/close"] == ["OPTIONS", "POST"]
    assert first["/rooms/{room_id}/rating"] == ["OPTIONS", "POST"]
