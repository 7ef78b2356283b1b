"""The store in memory, one module per aggregate; `MemoryStore` is all of them."""

from __future__ import annotations

from chalicelib.store.memory.agents import AgentsDicts
from chalicelib.store.memory.canned import CannedDicts
from chalicelib.store.memory.departments import DepartmentsDicts
from chalicelib.store.memory.files import FilesDicts
from chalicelib.store.memory.keys import KeysDicts
from chalicelib.store.memory.push import PushDicts
from chalicelib.store.memory.reads import ReadsDicts
from chalicelib.store.memory.rooms import RoomsDicts
from chalicelib.store.memory.stats import StatsDicts
from chalicelib.store.memory.team import TeamDicts
from chalicelib.store.memory.transcripts import TranscriptsDicts
from chalicelib.store.memory.visitors import VisitorsDicts


class MemoryStore(
    KeysDicts,
    AgentsDicts,
    DepartmentsDicts,
    VisitorsDicts,
    RoomsDicts,
    ReadsDicts,
    StatsDicts,
    CannedDicts,
    FilesDicts,
    TeamDicts,
    TranscriptsDicts,
    PushDicts,
):
    """The whole store in memory."""
