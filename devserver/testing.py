"""Start the whole local stack for tests and wait until it answers.

    with devserver_process() as urls:        # python -m devserver in a child process
        httpx.get(urls.api_url + "/config")

    with devserver_in_thread(app_path=...) as urls:   # same process, faster to start
        ...

Both pick a free port, keep their data in a temporary directory unless `data_dir` is given, run
DynamoDB Local in memory unless `dynamodb_endpoint` names one that is already running, and stop
everything on exit. The child process is the faithful choice for the real app: the app reads its
settings from the environment once, and a child process keeps that environment (and its module
state) apart from the test process. The in-thread server sets the environment of the test
process while it runs and restores it afterwards; only one can run at a time.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from devserver.dynamodb_local import REPO_ROOT
from devserver.server import (
    DEFAULT_ADMIN_EMAIL,
    DEFAULT_ADMIN_PASSWORD,
    READY_PREFIX,
    DevServer,
    DevServerConfig,
    DevServerURLs,
)

__all__ = ["DevServerURLs", "devserver_in_thread", "devserver_process"]

_in_process_server = threading.Lock()


@contextlib.contextmanager
def _data_dir(data_dir: Path | None) -> Iterator[Path]:
    if data_dir is not None:
        yield data_dir
        return
    with tempfile.TemporaryDirectory(prefix="devserver-") as temporary:
        yield Path(temporary)


@contextlib.contextmanager
def devserver_process(
    *,
    app_path: Path | None = None,
    data_dir: Path | None = None,
    dynamodb_endpoint: str | None = None,
    pool_size: int = 4,
    sweep_interval: float = 0,
    admin_email: str = DEFAULT_ADMIN_EMAIL,
    admin_password: str = DEFAULT_ADMIN_PASSWORD,
    extra_env: dict[str, str] | None = None,
    startup_timeout: float = 90.0,
    in_memory: bool = True,
    port: int = 0,
) -> Iterator[DevServerURLs]:
    """Run `python -m devserver` on a free port (or `port`, when something must know it
    beforehand); its output goes to DATA_DIR/devserver.log.
    With `in_memory=False` DynamoDB Local keeps its data under DATA_DIR, as `make run` does."""
    with _data_dir(data_dir) as directory:
        directory.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "devserver",
            "--port",
            str(port),
            "--data-dir",
            str(directory),
            "--pool-size",
            str(pool_size),
            "--sweep-interval",
            str(sweep_interval),
            "--ready-json",
        ]
        if app_path is not None:
            command += ["--app", str(Path(app_path).resolve())]
        if dynamodb_endpoint is not None:
            command += ["--dynamodb-endpoint", dynamodb_endpoint]
        elif in_memory:
            command.append("--in-memory")
        env = {
            **os.environ,
            "CHAT_ADMIN_EMAIL": admin_email,
            "CHAT_ADMIN_PASSWORD": admin_password,
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        log_path = directory / "devserver.log"
        with log_path.open("w", encoding="utf-8") as log:
            process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=env,
                text=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            ready: queue.Queue[str | None] = queue.Queue()
            reader = threading.Thread(
                target=_copy_output,
                args=(process, log, ready),
                name="devserver-output",
                daemon=True,
            )
            reader.start()
            try:
                yield _wait_until_ready(process, ready, startup_timeout, log_path)
            finally:
                _stop(process)
                reader.join()


def _copy_output(process: subprocess.Popen[str], log, ready: queue.Queue[str | None]) -> None:
    """Copy the child's output to the log; hand the ready line over; None once it ended."""
    assert process.stdout is not None
    for line in process.stdout:
        log.write(line)
        log.flush()
        if line.startswith(READY_PREFIX):
            ready.put(line[len(READY_PREFIX) :])
    ready.put(None)


def _wait_until_ready(
    process: subprocess.Popen[str], ready: queue.Queue[str | None], timeout: float, log_path: Path
) -> DevServerURLs:
    try:
        line = ready.get(timeout=timeout)
    except queue.Empty:
        line = None
    if line is None:
        _stop(process)
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise RuntimeError(f"the devserver did not become ready (log: {log_path}):\n{tail}")
    values = json.loads(line)
    values["data_dir"] = Path(values["data_dir"])
    return DevServerURLs(**values)


def _stop(process: subprocess.Popen[str], timeout: float = 30.0) -> None:
    if process.poll() is None:
        # SIGTERM lets the devserver stop DynamoDB Local before it exits.
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def devserver_in_thread(
    *,
    app_path: Path | None = None,
    data_dir: Path | None = None,
    dynamodb_endpoint: str | None = None,
    pool_size: int = 4,
    sweep_interval: float = 0,
    admin_email: str = DEFAULT_ADMIN_EMAIL,
    admin_password: str = DEFAULT_ADMIN_PASSWORD,
    extra_env: dict[str, str] | None = None,
    widget_dir: Path | None = None,
    log_level: str = "warning",
) -> Iterator[DevServerURLs]:
    """Serve from a thread of this process; the environment is restored on exit."""
    if not _in_process_server.acquire(blocking=False):
        raise RuntimeError("another in-thread devserver is running; the environment is shared")
    try:
        with _data_dir(data_dir) as directory:
            config = DevServerConfig(
                port=0,
                data_dir=directory,
                in_memory=True,
                dynamodb_endpoint=dynamodb_endpoint,
                pool_size=pool_size,
                sweep_interval=sweep_interval,
                admin_email=admin_email,
                admin_password=admin_password,
                extra_env=dict(extra_env or {}),
                log_level=log_level,
            )
            if app_path is not None:
                config.app_path = Path(app_path)
            if widget_dir is not None:
                config.widget_dir = Path(widget_dir)
            with DevServer(config) as server:
                server.start_in_thread()
                assert server.urls is not None
                yield server.urls
    finally:
        _in_process_server.release()
