"""Rating a chat and the statistics (`POST /rooms/{room_id}/rating`, `GET /stats`,
`GET /stats/agents`)."""

# No `from __future__ import annotations` here (as in the other schema modules).

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.schemas.base import DepartmentId, Schema, Strict
from chalicelib.schemas.queries import Query


class RatingIn(Strict):
    score: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, StringConstraints(max_length=500)] | None = None


class StatsQuery(Query):
    department_id: DepartmentId | None = None
    from_: date | None = Field(None, alias="from", description="first day (UTC), ISO date")
    to: date | None = Field(None, description="last day (UTC), included; default today")
    bucket: Literal["hour", "day"] = "day"


class AgentStatsQuery(Query):
    department_id: DepartmentId | None = None
    from_: date | None = Field(None, alias="from")
    to: date | None = None


Ratings = dict[Literal["1", "2", "3", "4", "5"], int]
Seconds = Annotated[int | None, Field(description="upper bound of the histogram bucket")]


class StatsSummaryOut(Schema):
    chats: int
    answered: int
    missed: int
    offline: int
    messages: int
    wait_p50_s: Seconds
    wait_p90_s: Seconds
    first_response_p50_s: Seconds
    first_response_p90_s: Seconds
    duration_p50_s: Seconds
    ratings: Ratings


class StatsBucketOut(StatsSummaryOut):
    start: str


class StatsOut(Schema):
    first_day: str
    last_day: str
    bucket: Literal["hour", "day"]
    buckets: list[StatsBucketOut]
    total: StatsSummaryOut


class AgentStatsOut(Schema):
    agent_id: str
    name: str
    chats: int
    first_response_p50_s: Seconds
    ratings: Ratings


class AgentStatsListOut(Schema):
    first_day: str
    last_day: str
    agents: list[AgentStatsOut]
