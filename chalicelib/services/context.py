"""What every service function needs: settings, the store, the clock, the pusher, the mailer."""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.clock import Clock
from chalicelib.mail import Mailer
from chalicelib.push import Pusher
from chalicelib.settings import Settings
from chalicelib.store.base import Store


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
    # PynamoDB and botocore load when the first request needs them, not with app.py.
    import botocore.session

    from chalicelib.store.dynamo import DynamoStore

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
