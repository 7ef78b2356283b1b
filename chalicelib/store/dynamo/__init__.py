"""The store in DynamoDB, one module per aggregate; `DynamoStore` is all of them."""

from __future__ import annotations

from chalicelib.store.dynamo.agents import AgentsTables
from chalicelib.store.dynamo.canned import CannedTables
from chalicelib.store.dynamo.departments import DepartmentsTables
from chalicelib.store.dynamo.files import FilesTables
from chalicelib.store.dynamo.keys import KeysTables
from chalicelib.store.dynamo.push import PushTables
from chalicelib.store.dynamo.reads import ReadsTables
from chalicelib.store.dynamo.rooms import RoomsTables
from chalicelib.store.dynamo.stats import StatsTables
from chalicelib.store.dynamo.team import TeamTables
from chalicelib.store.dynamo.transcripts import TranscriptsTables
from chalicelib.store.dynamo.visitors import VisitorsTables


class DynamoStore(
    KeysTables,
    AgentsTables,
    DepartmentsTables,
    VisitorsTables,
    RoomsTables,
    ReadsTables,
    StatsTables,
    CannedTables,
    FilesTables,
    TeamTables,
    TranscriptsTables,
    PushTables,
):
    """The whole store in DynamoDB."""
