"""`python -m devserver`: the app with DynamoDB Local, WebSockets and the demo page on PORT."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import socket
import sys
from pathlib import Path
from types import FrameType

from devserver.oidc import DEMO_ACCOUNT, oidc_provider, redirect_uris_for
from devserver.orphans import die_with_parent
from devserver.server import (
    DEFAULT_ADMIN_EMAIL,
    DEFAULT_ADMIN_PASSWORD,
    READY_PREFIX,
    DevServer,
    DevServerConfig,
    DevServerURLs,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(prog="python -m devserver", description=__doc__)
    parser.add_argument("--host", default=env.get("HOST", "127.0.0.1"))
    parser.add_argument(
        "--port",
        type=int,
        default=int(env.get("PORT", "8000")),
        help="0 picks a free port (default: $PORT or 8000)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(env.get("DATA_DIR", ".data")),
        help="DynamoDB data, outbox and logs (default: $DATA_DIR or .data)",
    )
    parser.add_argument(
        "--app",
        type=Path,
        default=env.get("DEVSERVER_APP"),
        help="the Chalice app file (default: app.py of this repository)",
    )
    parser.add_argument(
        "--pool-size",
        type=int,
        default=int(env.get("DEVSERVER_POOL_SIZE", "8")),
        help="app copies, i.e. invocations that can run at once",
    )
    parser.add_argument(
        "--sweep-interval",
        type=float,
        default=float(env.get("SWEEP_INTERVAL_SECONDS", "15")),
        help="seconds between runs of `maintenance`; 0 turns them off",
    )
    parser.add_argument(
        "--in-memory", action="store_true", help="DynamoDB Local keeps nothing on disk"
    )
    parser.add_argument(
        "--dynamodb-endpoint", help="use this running DynamoDB Local instead of starting one"
    )
    parser.add_argument("--log-level", default=env.get("DEVSERVER_LOG_LEVEL", "info"))
    parser.add_argument(
        "--sso-demo",
        action="store_true",
        default=env.get("SSO_DEMO", "") not in ("", "0"),
        help="also start the test OpenID provider with a demo user and sign "
        "in through it (default: $SSO_DEMO)",
    )
    parser.add_argument(
        "--ready-json",
        action="store_true",
        help=f"print one line '{READY_PREFIX}{{...}}' once listening (for tests)",
    )
    return parser.parse_args(argv)


def banner(urls: DevServerURLs, setup_result: object, sso_note: str = "") -> str:
    admin_note = ""
    if isinstance(setup_result, dict) and "admin_created" in setup_result:
        admin_note = " (created now)" if setup_result["admin_created"] else " (already existed)"
    return "\n".join(
        [
            "",
            "Live chat devserver is running.",
            f"  Demo page      {urls.base_url}/",
            f"  Agent console  {urls.console_url}",
            f"  REST API       {urls.api_url}",
            f"  WebSocket      {urls.ws_url}",
            f"  Outbox         {urls.outbox_url}",
            f"  Admin          {urls.admin_email} / {urls.admin_password}{admin_note}",
            f"  DynamoDB       {urls.dynamodb_endpoint}",
            f"  S3 (files)     {urls.s3_endpoint}",
            *([sso_note] if sso_note else []),
            f"  Data dir       {urls.data_dir}",
            "Press Ctrl-C to stop.",
            "",
        ]
    )


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Unwinds through DevServer.__exit__ so that DynamoDB Local is stopped too.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("devserver").setLevel(args.log_level.upper())
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    die_with_parent(signal.SIGTERM)  # a killed `make run` stops us, and so DynamoDB Local
    config = DevServerConfig(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir,
        in_memory=args.in_memory,
        dynamodb_endpoint=args.dynamodb_endpoint,
        pool_size=args.pool_size,
        sweep_interval=args.sweep_interval,
        admin_email=os.environ.get("CHAT_ADMIN_EMAIL") or DEFAULT_ADMIN_EMAIL,
        admin_password=os.environ.get("CHAT_ADMIN_PASSWORD") or DEFAULT_ADMIN_PASSWORD,
        log_level=args.log_level,
    )
    if args.app is not None:
        config.app_path = args.app

    with contextlib.ExitStack() as stack:
        sso_note = ""
        if args.sso_demo:
            if config.port == 0:
                config.port = free_port(config.host)
            console = f"http://{config.host}:{config.port}/console/"
            provider = stack.enter_context(
                oidc_provider(redirect_uris_for(config.port), [DEMO_ACCOUNT], [console])
            )
            config.extra_env.update(provider.env())
            sso_note = (
                f"  SSO provider   {provider.issuer} (test provider): sign in as "
                f"{DEMO_ACCOUNT['sub']!r} with any password ({DEMO_ACCOUNT['email']})"
            )
        return _serve(config, args, sso_note)


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _serve(config: DevServerConfig, args: argparse.Namespace, sso_note: str) -> int:
    try:
        with DevServer(config) as server:
            assert server.urls is not None
            urls = server.urls

            def announce() -> None:
                print(banner(urls, server.setup_result, sso_note), flush=True)
                if args.ready_json:
                    print(READY_PREFIX + json.dumps(urls.as_json()), flush=True)

            server.serve(on_started=announce)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
