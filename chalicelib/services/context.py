"""What every service function needs: settings, the store, the clock, the pusher, the mailer."""

from __future__ import annotations

from dataclasses import dataclass, field

# Every request reads or writes DynamoDB, so the store on PynamoDB, and botocore with it, load
# with app.py: a new container pays for them in the import (which has room under its 300 ms
# goal) rather than in its first request (goal 150 ms), and in less time than a first request
# importing them (docs/performance.md, "Cold start"). Making a client reads env and waits.
import botocore.session

from chalicelib.clock import Clock
from chalicelib.mail import Mailer
from chalicelib.push import Pusher
from chalicelib.settings import Settings
from chalicelib.store.base import Store
from chalicelib.store.dynamo import DynamoStore


@dataclass
class Context:
    settings: Settings
    store: Store
    pusher: Pusher
    mailer: Mailer
    clock: Clock = field(default_factory=Clock)

    def now(self) -> float:
        return self.clock.now()

    def iso(self, at: float | None = None) -> str:
        return self.clock.iso(at)

    def epoch_in(self, hours: float = 0, seconds: float = 0) -> int:
        return int(self.now() + hours * 3600 + seconds)


def build_context(settings: Settings) -> Context:
    # One botocore session for the store's and the pusher's clients: a session reads botocore's
    # endpoint data and defaults once for all its clients, where a second one would read them
    # again (50-75 ms of the first message, which pushes; docs/performance.md).
    session = botocore.session.get_session()
    return Context(
        settings=settings,
        store=DynamoStore.from_settings(settings, session),
        pusher=Pusher(settings.ws_management_endpoint, settings.region, session),
        mailer=Mailer(settings.mail_sender, settings.mail_outbox_dir, settings.region),
    )
