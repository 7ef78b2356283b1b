"""A killed `make run` leaves nothing running: the devserver dies with make, and DynamoDB Local
(a Java process) dies with the devserver, even when SIGKILL gives nobody a chance to clean up."""

from __future__ import annotations

import contextlib
import os
import queue
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 90

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")


def descendants(pid: int) -> dict[int, str]:
    """Every process below `pid`, with its command line."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: dict[int, str] = {}
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            try:
                found[child] = (
                    (Path("/proc") / str(child) / "cmdline")
                    .read_bytes()
                    .decode(errors="replace")
                    .replace("\0", " ")
                )
            except OSError:
                continue
            pending.append(child)
    return found


def wait_for_exit(pid: int, timeout: float) -> bool:
    """Wait on the process itself (a pidfd becomes readable when it exits)."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        return bool(poller.poll(timeout * 1000))
    finally:
        os.close(pidfd)


def wait_for_line(process: subprocess.Popen, words: str) -> None:
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen = []
    while True:
        line = lines.get(timeout=WAIT_SECONDS)
        assert line is not None, "make run ended early:\n" + "".join(seen)
        seen.append(line)
        if words in line:
            return


def test_a_killed_make_run_leaves_no_devserver_no_dynamodb_local_and_no_s3_server(tmp_path):
    make = subprocess.Popen(
        ["make", "--no-print-directory", "run", "PORT=0", f"DATA_DIR={tmp_path / 'data'}"],
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    started: list[int] = []
    try:
        wait_for_line(make, "Press Ctrl-C to stop.")
        below = descendants(make.pid)
        devserver = [pid for pid, command in below.items() if "-m devserver" in command]
        java = [pid for pid, command in below.items() if "DynamoDBLocal.jar" in command]
        s3 = [pid for pid, command in below.items() if "-m devserver.s3_server" in command]
        started = list(below)
        assert devserver and java and s3, below

        make.kill()  # SIGKILL: make cannot pass anything on
        make.wait(timeout=WAIT_SECONDS)

        assert [pid for pid in devserver + java + s3 if not wait_for_exit(pid, WAIT_SECONDS)] == []
    finally:
        make.kill()
        for pid in started:  # only what this test started, should it have survived
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
