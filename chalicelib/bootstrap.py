"""The wiring: settings, the store on DynamoDB, the pusher and the mailer, built into one
`Context` on first use (importing this module touches neither env nor AWS). app.py's handlers
and the devserver call it; services only ever receive the Context."""

from __future__ import annotations

# Every request reads or writes DynamoDB, so the store on PynamoDB, and botocore with it, load
# with app.py: a new container pays for them in the import (which has room under its 300 ms
# goal) rather than in its first request (goal 150 ms), and in less time than a first request
# importing them (docs/performance.md, "Cold start"). Making a client reads env and waits.
import botocore.session

from chalicelib.mail import Mailer
from chalicelib.objects import ObjectStore
from chalicelib.push import Pusher
from chalicelib.services.context import Context
from chalicelib.settings import Settings, get_settings
from chalicelib.store.dynamo import DynamoStore

_context: Context | None = None


def build_context(settings: Settings) -> Context:
    # One botocore session for the store's and the pusher's clients: a session reads botocore's
    # endpoint data and defaults once for all its clients, where a second one would read them
    # again (50-75 ms of the first message, which pushes; docs/performance.md).
    session = botocore.session.get_session()
    return Context(
        settings=settings,
        store=DynamoStore.from_settings(settings, session),
        pusher=Pusher(settings.ws_management_endpoint, settings.region, session),
        mailer=Mailer(
            settings.mail_sender, settings.mail_outbox_dir, settings.region, settings.mail_reply_to
        ),
        files=ObjectStore(settings.files_bucket, settings.region, settings.s3_endpoint, session),
    )


def context() -> Context:
    """The container's Context, built on first use from the settings."""
    global _context
    if _context is None:
        _context = build_context(get_settings())
    return _context


def use_context(ctx: Context | None) -> None:
    """Put a Context of one's own in place (tests; None builds anew on next use)."""
    global _context
    _context = ctx
