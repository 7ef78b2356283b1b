from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from devserver_support import FIXTURE_APP, POOL_SIZE, WAIT_SECONDS, Journal

from devserver.dynamodb_local import DynamoDBLocal
from devserver.testing import DevServerURLs, devserver_in_thread


@pytest.fixture(scope="session")
def dynamodb_endpoint() -> Iterator[str]:
    with DynamoDBLocal(port=0) as dynamodb:
        yield dynamodb.endpoint


@pytest.fixture(scope="session")
def widget_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("widget")
    (directory / "loader.js").write_text("/* loader */\n")
    (directory / "console").mkdir()
    (directory / "console" / "index.html").write_text("<title>Console</title>\n")
    return directory


@pytest.fixture(scope="module")
def server(dynamodb_endpoint: str, widget_dir: Path) -> Iterator[DevServerURLs]:
    with devserver_in_thread(
        app_path=FIXTURE_APP,
        dynamodb_endpoint=dynamodb_endpoint,
        pool_size=POOL_SIZE,
        widget_dir=widget_dir,
    ) as urls:
        yield urls


@pytest.fixture
def http(server: DevServerURLs) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=WAIT_SECONDS + 5) as client:
        yield client


@pytest.fixture
def management(server: DevServerURLs):
    return boto3.client(
        "apigatewaymanagementapi",
        endpoint_url=server.management_endpoint,
        region_name="eu-central-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.fixture
def journal(http: httpx.Client) -> Journal:
    return Journal(http)
