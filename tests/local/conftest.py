"""The local suite: the real devserver (python -m devserver) on DynamoDB Local, real WebSockets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from devserver.testing import DevServerURLs, devserver_process
from tests.local.support import Api, sign_in_admin


@dataclass
class Stack:
    urls: DevServerURLs
    api: Api
    admin_token: str

    def new_department(self, name: str = "Beratung") -> str:
        """A department of its own per test, so that availability of tests never mixes."""
        department_id = f"d-{uuid.uuid4().hex[:10]}"
        self.api.call(
            "POST",
            "/admin/departments",
            {
                "department_id": department_id,
                "name": name,
                "allowed_origins": [self.urls.base_url],
                "retention_hours": 24,
            },
            token=self.admin_token,
            expect=201,
        )
        return department_id


def _stack(urls: DevServerURLs) -> Stack:
    api = Api(urls.api_url)
    return Stack(
        urls=urls, api=api, admin_token=sign_in_admin(api, urls.admin_email, urls.admin_password)
    )


@pytest.fixture(scope="session")
def stack():
    with devserver_process(pool_size=6) as urls:
        yield _stack(urls)


@pytest.fixture(scope="session")
def quick_presence_stack():
    """Presence runs out after 3 s, and the sweep runs every second."""
    with devserver_process(
        pool_size=4, sweep_interval=1, extra_env={"PRESENCE_TIMEOUT_SECONDS": "3"}
    ) as urls:
        yield _stack(urls)
