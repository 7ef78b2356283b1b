"""A pool of separately loaded copies of app.py, standing in for warm Lambda containers.

A Chalice app object keeps per-request state (`app.current_request`), so one copy must never
serve two invocations at once. Each copy here is used by one worker thread at a time, and the
worker threads keep the event loop free, so a handler may call back into this same server (for
example POST /@connections/...) without deadlocking.
"""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import os
import queue
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from chalice import Chalice
from chalice.local import LambdaContext

REST_API = "api_handler"  # Chalice's name for the Lambda function behind the REST API
LAMBDA_MEMORY_MB = 512
LAMBDA_TIMEOUT_MS = 30_000

_pool_numbers = itertools.count()


class HandlerNotFound(LookupError):
    """The app defines no handler of that name."""


def load_app(app_path: Path, module_name: str) -> Chalice:
    """Execute `app_path` as a new module named `module_name`; return its `app`."""
    if not app_path.is_file():
        raise FileNotFoundError(f"no Chalice app at {app_path}")
    spec = importlib.util.spec_from_file_location(module_name, app_path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {app_path}")
    module = importlib.util.module_from_spec(spec)
    # Chalice's Blueprint.register consumes its routes' options (it pops `methods`), so a
    # blueprint registers rightly on one app only: each app of the pool imports its own.
    for loaded in [name for name in sys.modules if name.startswith("chalicelib.routes")]:
        del sys.modules[loaded]
    # Registered before executing: dataclasses and pydantic resolve annotations through
    # sys.modules[cls.__module__].
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
        app = getattr(module, "app", None)
        if not isinstance(app, Chalice):
            raise ImportError(f"{app_path} defines no Chalice object named `app`")
    except BaseException:
        del sys.modules[module_name]
        raise
    return app


def _handler(app: Chalice, name: str) -> Callable[[dict[str, Any], Any], Any]:
    """The callable Lambda would invoke for `name` (REST_API: the app itself).

    `handler_map` holds the wrapped handlers, i.e. what `handler_string` resolves to in Lambda,
    also for handlers registered through blueprints.
    """
    if name == REST_API:
        return app
    try:
        return app.handler_map[name]
    except KeyError:
        raise HandlerNotFound(name) from None


def _context(app: Chalice, name: str) -> LambdaContext:
    return LambdaContext(
        function_name=f"{app.app_name}-local-{name}",
        memory_size=LAMBDA_MEMORY_MB,
        max_runtime_ms=LAMBDA_TIMEOUT_MS,
    )


class LambdaPool:
    """`size` copies of the app at `app_path`, each invoked by one worker thread at a time."""

    def __init__(self, app_path: Path, size: int = 8) -> None:
        if size < 1:
            raise ValueError("the pool needs at least one app instance")
        self.app_path = app_path.resolve()
        # Lambda runs with the app's directory on sys.path (import chalicelib, ...).
        app_dir = str(self.app_path.parent)
        if app_dir not in sys.path:
            sys.path.insert(0, app_dir)
        prefix = f"_devserver_app_{next(_pool_numbers)}"
        self._module_names = [f"{prefix}_{number}" for number in range(size)]
        self._idle: queue.Queue[Chalice] = queue.Queue()
        try:
            # The first copy also answers questions about the app's configuration (routes,
            # CORS, handlers); it is the same in every copy.
            self.app = load_app(self.app_path, self._module_names[0])
            # Every Chalice() appends its version to AWS_EXECUTION_ENV; keep the first value.
            execution_env = os.environ.get("AWS_EXECUTION_ENV")
            self._idle.put(self.app)
            for module_name in self._module_names[1:]:
                self._idle.put(load_app(self.app_path, module_name))
                if execution_env is not None:
                    os.environ["AWS_EXECUTION_ENV"] = execution_env
        except BaseException:
            self._forget_modules()
            raise
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="lambda")

    def has_handler(self, name: str) -> bool:
        return name == REST_API or name in self.app.handler_map

    def invoke_sync(self, name: str, event: dict[str, Any]) -> Any:
        """Invoke handler `name` in the calling thread with exclusive use of one app copy."""
        app = self._idle.get()
        try:
            return _handler(app, name)(event, _context(app, name))
        finally:
            self._idle.put(app)

    async def invoke(self, name: str, event: dict[str, Any]) -> Any:
        """Invoke handler `name` on a worker thread with exclusive use of one app copy."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.invoke_sync, name, event)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._forget_modules()

    def _forget_modules(self) -> None:
        for module_name in self._module_names:
            sys.modules.pop(module_name, None)
