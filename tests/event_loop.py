"""Running a coroutine from a sync test that may share its process with Playwright's sync API,
which keeps an event loop running in the main thread, where asyncio.run() refuses to start."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any


def run_in_own_thread[T](coroutine: Coroutine[Any, Any, T], timeout: float = 120) -> T:
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=timeout)
