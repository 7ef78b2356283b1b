"""Everything the product does to its data, as one interface: `DynamoStore` keeps it in
DynamoDB, `MemoryStore` in a dict for fast tests; tests/local/test_store_contract.py runs the
same cases on both.

Reads that can meet an item past its expiry filter it (DynamoDB's TTL deletes late). Writes
that decide a race are conditional and named for what they decide; a lost race raises
`Changed`, a unique key held already `Taken`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from chalicelib.store.contract.agents import AgentsContract
from chalicelib.store.contract.canned import CannedContract
from chalicelib.store.contract.departments import DepartmentsContract
from chalicelib.store.contract.files import FilesContract
from chalicelib.store.contract.keys import KeysContract
from chalicelib.store.contract.push import PushContract
from chalicelib.store.contract.reads import ReadsContract
from chalicelib.store.contract.rooms import RoomsContract
from chalicelib.store.contract.stats import StatsContract
from chalicelib.store.contract.team import TeamContract
from chalicelib.store.contract.transcripts import TranscriptsContract
from chalicelib.store.contract.visitors import VisitorsContract


class StoreError(Exception):
    """Base of the store's expected refusals."""


class Taken(StoreError):
    """A unique key is held already (an email, a department id)."""


class Changed(StoreError):
    """The item was gone or not in the state the operation expected: a race was lost."""


class Closed(StoreError):
    """The room is closed: nothing more can be said in it."""


class Store(
    KeysContract,
    AgentsContract,
    DepartmentsContract,
    VisitorsContract,
    RoomsContract,
    ReadsContract,
    CannedContract,
    TeamContract,
    TranscriptsContract,
    PushContract,
    FilesContract,
    StatsContract,
    ABC,
):
    """Every aggregate's operations (one contract module each, chalicelib/store/contract/)."""

    @abstractmethod
    def create_missing_tables(self) -> list[str]:
        """Make the tables that do not exist yet (local runs and tests; AWS has infra/);
        returns their names."""
