"""What every service function needs: settings, the store, the clock, the pusher, the mailer."""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.clock import Clock
from chalicelib.mail import Mailer
from chalicelib.objects import ObjectStore
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
    # The bucket of the chats' files; None in tests of other things, where no file is sent.
    files: ObjectStore | None = None

    def now(self) -> float:
        return self.clock.now()

    def iso(self, at: float | None = None) -> str:
        return self.clock.iso(at)

    def epoch_in(self, hours: float = 0, seconds: float = 0) -> int:
        return int(self.now() + hours * 3600 + seconds)
