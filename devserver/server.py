"""The local stand-in for API Gateway, EventBridge and the static hosting, in one process.

DevServer binds its port first (so that port 0 becomes a known port), starts DynamoDB Local,
exports the environment the app reads, loads the pool of app copies, runs the app's `setup`
function, and then serves everything with uvicorn.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import secrets
import socket
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from devserver import events
from devserver.dynamodb_local import REPO_ROOT, DynamoDBLocal
from devserver.lambda_pool import LambdaPool
from devserver.outbox import OUTBOX_PATH, Outbox
from devserver.rest import API_PREFIX, HTTP_METHODS, RestGateway
from devserver.s3_local import S3Local
from devserver.websocket import WebSocketGateway

log = logging.getLogger("devserver")

DEMO_PAGE = Path(__file__).resolve().parent / "demo" / "index.html"
SETUP_FUNCTION = "setup"
SWEEP_FUNCTION = "maintenance"
DEFAULT_REGION = "eu-central-1"
DEFAULT_ADMIN_EMAIL = "admin@example.org"
DEFAULT_ADMIN_PASSWORD = "change-me-now"
DEMO_DEPARTMENT_ID = "demo"
# `python -m devserver --ready-json` prints this, then the URLs as JSON, once it listens.
READY_PREFIX = "DEVSERVER_READY "


@dataclasses.dataclass
class DevServerConfig:
    app_path: Path = REPO_ROOT / "app.py"
    host: str = "127.0.0.1"
    port: int = 8000  # 0: any free port
    data_dir: Path = Path(".data")
    in_memory: bool = False  # DynamoDB Local keeps nothing on disk
    dynamodb_endpoint: str | None = None  # use this DynamoDB (Local) instead of starting one
    pool_size: int = 8
    sweep_interval: float = 15.0  # seconds between `maintenance` runs; 0 turns them off
    admin_email: str = DEFAULT_ADMIN_EMAIL
    admin_password: str = DEFAULT_ADMIN_PASSWORD
    widget_dir: Path = REPO_ROOT / "widget"
    console_dir: Path | None = None  # default: ./console if it exists, else widget/console
    demo_page: Path = DEMO_PAGE
    # Exported after the devserver's own variables, before app.py is loaded.
    extra_env: dict[str, str] = dataclasses.field(default_factory=dict)
    log_level: str = "info"


@dataclasses.dataclass(frozen=True)
class DevServerURLs:
    base_url: str
    api_url: str
    ws_url: str
    management_endpoint: str
    outbox_url: str
    console_url: str
    dynamodb_endpoint: str
    data_dir: Path
    admin_email: str
    admin_password: str
    s3_endpoint: str = ""  # the local S3 server of the chats' files

    def as_json(self) -> dict[str, str]:
        return {name: str(value) for name, value in dataclasses.asdict(self).items()}


class _DevStaticFiles(StaticFiles):
    """Static files for development: 404 (not a crash) while the folder is not built yet,
    and never served from the browser's cache; `headers` go with every answer."""

    def __init__(self, *args: Any, headers: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._headers = headers or {}

    async def check_config(self) -> None:
        return None

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = "no-cache"
        response.headers.update(self._headers)
        return response


class QueryStringRedactor(logging.Filter):
    """Log lines name paths without their query strings: a socket URL's `?ticket=` (or a
    refused `?token=` an old client still sends) must never be written to a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_without_query(arg) for arg in record.args)
        record.msg = _without_query(record.msg)
        return True


def _without_query(value: Any) -> Any:
    if isinstance(value, str) and "?" in value and ("/" in value.split("?", 1)[0]):
        path, _ = value.split("?", 1)
        return path + "?[redacted]"
    return value


REDACTED_LOGGERS = ("uvicorn.access", "uvicorn.error")


def console_security_headers(ws_origin: str, files_origin: str) -> dict[str, str]:
    """What the signed-in console is served with (CloudFront's ConsoleHeadersPolicy in
    infra/template.yaml sends the same): only its own scripts run, it talks only to its API, its
    WebSocket host (tickets come from the API) and the chats' files bucket (files go straight to
    it), shows images only of its own and of that bucket, no other page may frame it, and no
    address leaks in a Referer."""
    policy = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: blob: {files_origin}",
            f"connect-src 'self' {ws_origin} {files_origin}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
    }


class _NotifyingServer(uvicorn.Server):
    """uvicorn.Server that reports when it is listening."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._on_started()


def _bind(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP named explicitly: accepted sockets inherit the listener's `proto`, and
    # asyncio sets TCP_NODELAY only on sockets whose proto says TCP. Without it every answer
    # on a kept-alive connection (REST, and the app's posts to @connections) waited for the
    # client's delayed ACK: about 40 ms each.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise OSError(
            error.errno, f"cannot listen on {host}:{port} ({error.strerror}); choose another PORT"
        ) from error
    return listener


class DevServer:
    """The whole local stack. Use as a context manager, then `serve()` (blocks; Ctrl-C stops)
    or `start_in_thread()` (returns once it listens; leaving the context stops it)."""

    def __init__(self, config: DevServerConfig) -> None:
        self.config = config
        self.urls: DevServerURLs | None = None
        self.setup_result: Any = None
        self._listener: socket.socket | None = None
        self._dynamodb: DynamoDBLocal | None = None
        self._s3: S3Local | None = None
        self._saved_env: dict[str, str | None] = {}
        self._pool: LambdaPool | None = None
        self._asgi_app: Starlette | None = None
        self._server: _NotifyingServer | None = None
        self._thread: threading.Thread | None = None
        # The run's own X-Origin-Verify: the REST gateway adds it as the stack's CloudFront does.
        self._origin_secret = secrets.token_urlsafe(32)

    # -- start and stop ---------------------------------------------------------------------

    def __enter__(self) -> DevServer:
        try:
            self._prepare()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _prepare(self) -> None:
        config = self.config
        self._listener = _bind(config.host, config.port)
        port = self._listener.getsockname()[1]
        public_host = "127.0.0.1" if config.host in ("", "0.0.0.0") else config.host
        origin = f"http://{public_host}:{port}"
        data_dir = config.data_dir.resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        outbox_dir = data_dir / "outbox"
        outbox_dir.mkdir(exist_ok=True)

        dynamodb_endpoint = config.dynamodb_endpoint
        if dynamodb_endpoint is None:
            self._dynamodb = DynamoDBLocal(
                db_dir=None if config.in_memory else data_dir / "dynamodb",
                log_path=data_dir / "dynamodb-local.log",
            ).start()
            dynamodb_endpoint = self._dynamodb.endpoint
        self._s3 = S3Local(data_dir=None if config.in_memory else data_dir / "s3").start()

        self.urls = DevServerURLs(
            base_url=origin,
            api_url=origin + API_PREFIX,
            ws_url=f"ws://{public_host}:{port}/ws",
            management_endpoint=origin,
            outbox_url=f"{origin}{OUTBOX_PATH}",
            console_url=f"{origin}/console/",
            dynamodb_endpoint=dynamodb_endpoint,
            data_dir=data_dir,
            admin_email=config.admin_email,
            admin_password=config.admin_password,
            s3_endpoint=self._s3.endpoint,
        )
        self._export_environment(outbox_dir)
        self._pool = LambdaPool(config.app_path, config.pool_size)
        self.setup_result = self._run_setup(origin, port)
        self._asgi_app = self._build_asgi_app(f"{public_host}:{port}", outbox_dir)

    def _export_environment(self, outbox_dir: Path) -> None:
        """What chalicelib/settings reads, set before app.py is loaded (see the contract)."""
        assert self.urls is not None
        region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION")
        region = region or DEFAULT_REGION
        variables = {
            "DYNAMODB_ENDPOINT": self.urls.dynamodb_endpoint,
            "S3_ENDPOINT": self.urls.s3_endpoint,
            "WS_URL": self.urls.ws_url,
            "WS_MANAGEMENT_ENDPOINT": self.urls.management_endpoint,
            "MAIL_OUTBOX_DIR": str(outbox_dir),
            "PUBLIC_ORIGIN": self.urls.base_url,
            "ORIGIN_VERIFY_SECRET": self._origin_secret,
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": os.environ.get("AWS_REGION", region),
            # Dummy credentials: DynamoDB Local, the S3 server and this one accept any signature.
            "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "local"),
            "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
            **self.config.extra_env,
        }
        for name, value in variables.items():
            self._saved_env.setdefault(name, os.environ.get(name))
            os.environ[name] = value

    def _restore_environment(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()

    def _run_setup(self, origin: str, port: int) -> Any:
        assert self._pool is not None
        if not self._pool.has_handler(SETUP_FUNCTION):
            log.warning(
                "%s has no `%s` function; tables, admin and demo department not set up",
                self.config.app_path,
                SETUP_FUNCTION,
            )
            return None
        origins = list(
            dict.fromkeys([origin, f"http://127.0.0.1:{port}", f"http://localhost:{port}"])
        )
        event = {
            "create_tables": True,
            "admin_email": self.config.admin_email,
            "admin_password": self.config.admin_password,
            "departments": [
                {"department_id": DEMO_DEPARTMENT_ID, "name": "Demo", "allowed_origins": origins}
            ],
        }
        return self._pool.invoke_sync(SETUP_FUNCTION, event)

    def close(self) -> None:
        """Stop everything this server started, in reverse order; safe to call twice."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._server = None
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._dynamodb is not None:
            self._dynamodb.stop()
            self._dynamodb = None
        if self._s3 is not None:
            self._s3.stop()
            self._s3 = None
        self._restore_environment()
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    # -- serving ------------------------------------------------------------------------------

    def _uvicorn_server(self, on_started: Callable[[], None]) -> _NotifyingServer:
        assert self._asgi_app is not None, "use DevServer as a context manager"
        uvicorn_config = uvicorn.Config(
            self._asgi_app,
            log_level=self.config.log_level,
            timeout_graceful_shutdown=5,
            lifespan="on",
            # API Gateway's sourceIp is the peer's address; a client's X-Forwarded-For (which
            # uvicorn would believe from 127.0.0.1) must not pick another rate-limit bucket.
            proxy_headers=False,
        )
        # After the Config, which sets up uvicorn's logging.
        for name in REDACTED_LOGGERS:
            logger = logging.getLogger(name)
            if not any(isinstance(f, QueryStringRedactor) for f in logger.filters):
                logger.addFilter(QueryStringRedactor())
        self._server = _NotifyingServer(uvicorn_config, on_started)
        return self._server

    def serve(self, on_started: Callable[[], None] = lambda: None) -> None:
        """Serve in this thread until Ctrl-C or SIGTERM."""
        assert self._listener is not None
        self._uvicorn_server(on_started).run(sockets=[self._listener])

    def start_in_thread(self, timeout: float = 30.0) -> None:
        """Serve from a background thread; return once the server listens."""
        assert self._listener is not None
        listening = threading.Event()
        server = self._uvicorn_server(listening.set)

        def run() -> None:
            try:
                server.run(sockets=[self._listener])
            finally:
                listening.set()  # also when startup failed, so that the caller stops waiting

        self._thread = threading.Thread(target=run, name="devserver", daemon=True)
        self._thread.start()
        if not listening.wait(timeout) or not server.started:
            raise RuntimeError("the devserver did not start listening")

    # -- the ASGI app ---------------------------------------------------------------------------

    def _build_asgi_app(self, domain_name: str, outbox_dir: Path) -> Starlette:
        assert self._pool is not None
        pool = self._pool
        config = self.config
        rest = RestGateway(pool, domain_name, self._origin_secret)
        assert self.urls is not None
        files_origin = self.urls.s3_endpoint
        websockets = WebSocketGateway(pool, domain_name)
        outbox = Outbox(outbox_dir)
        console_dir = config.console_dir
        if console_dir is None:
            root_console = REPO_ROOT / "console"
            console_dir = root_console if root_console.is_dir() else config.widget_dir / "console"

        async def demo_page(request: Request) -> Response:
            return FileResponse(config.demo_page, headers={"Cache-Control": "no-cache"})

        async def health(request: Request) -> Response:
            return JSONResponse({"ok": True})

        async def site_config(request: Request) -> Response:
            # What `make deploy` uploads as config.json beside the widget and the console.
            origin = str(request.base_url).rstrip("/")
            return JSONResponse(
                {
                    "api_url": origin + API_PREFIX,
                    "ws_url": "ws" + origin.removeprefix("http") + "/ws",
                    "public_url": origin,
                },
                headers={"Cache-Control": "no-cache"},
            )

        @contextlib.asynccontextmanager
        async def lifespan(app: Starlette) -> AsyncIterator[None]:
            sweeper = None
            if config.sweep_interval > 0 and pool.has_handler(SWEEP_FUNCTION):
                sweeper = asyncio.create_task(self._sweep_forever(pool, config.sweep_interval))
            try:
                yield
            finally:
                if sweeper is not None:
                    sweeper.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await sweeper

        return Starlette(
            routes=[
                Route("/", demo_page),
                Route("/dev/health", health),
                Route("/widget/config.json", site_config),
                Route("/console/config.json", site_config),
                Route(OUTBOX_PATH, outbox.index),
                Route(OUTBOX_PATH + "/{name}", outbox.message),
                Route(API_PREFIX, rest.handle, methods=HTTP_METHODS),
                Route(API_PREFIX + "/{path:path}", rest.handle, methods=HTTP_METHODS),
                Route(
                    "/@connections/{connection_id:path}",
                    websockets.management,
                    methods=["GET", "POST", "DELETE"],
                ),
                WebSocketRoute("/ws", websockets.endpoint),
                Mount(
                    "/widget",
                    _DevStaticFiles(directory=config.widget_dir, html=True, check_dir=False),
                ),
                Mount(
                    "/console",
                    _DevStaticFiles(
                        directory=console_dir,
                        html=True,
                        check_dir=False,
                        headers=console_security_headers(f"ws://{domain_name}", files_origin),
                    ),
                ),
            ],
            lifespan=lifespan,
        )

    @staticmethod
    async def _sweep_forever(pool: LambdaPool, interval: float) -> None:
        """Run the app's scheduled `maintenance` handler like EventBridge would."""
        while True:
            await asyncio.sleep(interval)
            event = events.scheduled_event(SWEEP_FUNCTION, os.environ["AWS_DEFAULT_REGION"])
            try:
                await pool.invoke(SWEEP_FUNCTION, event)
            except Exception:
                log.exception("%s failed", SWEEP_FUNCTION)
