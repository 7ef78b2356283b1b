"""What the local servers the devserver starts (DynamoDB Local, the local S3) share: a child
process with its log file, stopped politely, then firmly, and usable in a `with` block."""

from __future__ import annotations

import subprocess
from types import TracebackType
from typing import IO, Self


class ChildServer:
    """A server process of ours; subclasses set `_process` and `_log` in `start()`."""

    _process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self, timeout: float = 10.0) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
