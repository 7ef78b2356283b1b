"""The test OpenID provider (devserver/oidc_provider.mjs, npm's `oidc-provider`) in a child
process, for the test suite and for `make run`:

    with oidc_provider(redirect_uris=[...], accounts=[...]) as provider:
        provider.issuer, provider.env()   # SSO_* variables for the app
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from devserver.dynamodb_local import REPO_ROOT

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
READY_PREFIX = "OIDC_PROVIDER_READY "
CLIENT_ID = "livechat"
# Not a secret: the test provider's client on this machine only.
CLIENT_SECRET = "test-provider-client-secret"
DEMO_ACCOUNT = {"sub": "demo", "email": "demo@uni.example", "name": "Demo Agentin"}


@dataclass(frozen=True)
class TestProvider:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = field(default=CLIENT_SECRET, repr=False)

    def env(self, allowed_domains: str = "") -> dict[str, str]:
        return {
            "SSO_ISSUER": self.issuer,
            "SSO_CLIENT_ID": self.client_id,
            "SSO_CLIENT_SECRET": self.client_secret,
            "SSO_ALLOWED_DOMAINS": allowed_domains,
        }


def redirect_uris_for(port: int) -> list[str]:
    """The app's callback under both local names of this machine."""
    return [f"http://{host}:{port}/api/auth/sso/callback" for host in ("127.0.0.1", "localhost")]


@contextlib.contextmanager
def oidc_provider(
    redirect_uris: list[str],
    accounts: list[dict],
    post_logout_redirect_uris: list[str] = (),
    port: int = 0,
    startup_timeout: float = 30.0,
) -> Iterator[TestProvider]:
    config = {
        "port": port,
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": list(redirect_uris),
                "post_logout_redirect_uris": list(post_logout_redirect_uris),
            }
        ],
        "accounts": accounts,
    }
    process = subprocess.Popen(
        ["node", str(SCRIPT), json.dumps(config)],
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    ready: queue.Queue[str | None] = queue.Queue()
    output: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if line.startswith(READY_PREFIX):
                ready.put(line[len(READY_PREFIX) :])
        ready.put(None)

    reader = threading.Thread(target=read, name="oidc-provider-output", daemon=True)
    reader.start()
    try:
        try:
            line = ready.get(timeout=startup_timeout)
        except queue.Empty:
            line = None
        if line is None:
            raise RuntimeError("the test OpenID provider did not start:\n" + "".join(output))
        yield TestProvider(issuer=json.loads(line)["issuer"])
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join()
