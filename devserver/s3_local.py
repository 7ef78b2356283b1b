"""Start and stop a local S3 API: moto's server (devserver/s3_server.py), for the chats' files.

It speaks S3's HTTP API to the same boto3 code the app runs in AWS (S3_ENDPOINT points at it),
presigned POSTs included; but it does not enforce a POST's policy (docs/known-problems.md). With
a `data_dir` the files outlive a restart; without, they live in memory.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from devserver.child_server import ChildServer
from devserver.dynamodb_local import free_port
from devserver.orphans import child_dies_with_us

STARTUP_POLL_SECONDS = 0.1
REPOSITORY = Path(__file__).resolve().parent.parent  # where `devserver` is importable


class S3LocalError(RuntimeError):
    """The local S3 server did not come up."""


class S3Local(ChildServer):
    """One moto server process; `port=0` picks a free port; `data_dir` keeps the files."""

    def __init__(
        self,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        data_dir: Path | None = None,
        startup_timeout: float = 30.0,
    ):
        self.host = host
        self.port = port
        self.data_dir = data_dir
        self._startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._log = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> S3Local:
        if self._process is not None:
            raise S3LocalError("the local S3 server is already running")
        if self.port == 0:
            self.port = free_port(self.host)
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (stop() closes it)
        command = [
            sys.executable,
            "-m",
            "devserver.s3_server",
            "-H",
            self.host,
            "-p",
            str(self.port),
        ]
        if self.data_dir is not None:
            command += ["--data-dir", str(self.data_dir.resolve())]
        self._process = subprocess.Popen(
            command,
            cwd=REPOSITORY,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=child_dies_with_us(),
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self._startup_timeout
        while True:
            assert self._process is not None and self._log is not None
            if self._process.poll() is not None:
                self._log.seek(0)
                raise S3LocalError(
                    f"the local S3 server exited with code {self._process.returncode}:\n"
                    + self._log.read()[-4000:].decode(errors="replace")
                )
            try:
                httpx.get(f"{self.endpoint}/moto-api/", timeout=1)
                return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise S3LocalError(f"the local S3 server did not answer on {self.endpoint}")
            time.sleep(STARTUP_POLL_SECONDS)
