"""The local suite: the real devserver (python -m devserver) on DynamoDB Local, real WebSockets."""

from __future__ import annotations

import pytest

from devserver.testing import devserver_process
from tests.local.support import Stack


@pytest.fixture(scope="session")
def stack():
    with devserver_process(pool_size=6) as urls:
        yield Stack.signed_in(urls)


@pytest.fixture(scope="session")
def quick_presence_stack():
    """Presence runs out after 3 s, and the sweep runs every second."""
    with devserver_process(
        pool_size=4, sweep_interval=1, extra_env={"PRESENCE_TIMEOUT_SECONDS": "3"}
    ) as urls:
        yield Stack.signed_in(urls)
