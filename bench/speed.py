"""Speed on the local stack, each figure beside a baseline measured in the same run from the
same client: the devserver serving a static file, and a raw DynamoDB Local GetItem/PutItem.

- availability: the page view's check, one request after another;
- message: a visitor's message to the agent and the agent's answer back to the visitor, over
  real WebSockets, at 1, 50 and 200 concurrent conversations. Every conversation makes each of
  its round trips at a random moment of its own window: one conversation a round trip every
  quarter of a second (the stack is idle in between: the figure is the path itself); 50 and
  200 conversations one every 30 s (a message every 15 s from each side, a brisk chat), which
  offers about 3 and 13 messages a second: a chat load rather than a flood.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable

import boto3

from bench.live import Agent, Conversation, People, Rest
from bench.stats import summary

BASELINE_REQUESTS = 300
WARM_UP_REQUESTS = 100  # DynamoDB Local's JIT and the connection pools, before anything counts
WARM_UP_ROUND_TRIPS = 50
# (conversations, round trips each, seconds of each round trip's window): 100, 100 and 200
# timings.
LEVELS = ((1, 100, 0.25), (50, 2, 30.0), (200, 1, 30.0))
SPEED_AGENTS = 10  # each in a department of its own: a new chat's queue event goes to one agent
HEARTBEAT_SECONDS = 30.0
EVENT_TIMEOUT = 120.0
BASELINE_TABLE = "bench-baseline"
# About the size of a department item, which the availability check reads.
BASELINE_ITEM = {"key": {"S": "department#bench"}, "name": {"S": "Studienberatung" * 8}}


async def _timed(times: int, request: Callable[[], Awaitable[object]]) -> list[float]:
    took = []
    for _ in range(times):
        started = time.perf_counter()
        await request()
        took.append((time.perf_counter() - started) * 1000)
    return took


def _raw_dynamodb_timings(endpoint: str, times: int) -> dict[str, list[float]]:
    """GetItem (strongly consistent, as the app reads) and PutItem of a small item, straight
    from boto3, after a warm-up of each."""
    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="eu-central-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    client.create_table(
        TableName=BASELINE_TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "key", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "key", "KeyType": "HASH"}],
    )
    client.get_waiter("table_exists").wait(TableName=BASELINE_TABLE)
    calls = {
        "getitem": lambda: client.get_item(
            TableName=BASELINE_TABLE, Key={"key": BASELINE_ITEM["key"]}, ConsistentRead=True
        ),
        "putitem": lambda: client.put_item(TableName=BASELINE_TABLE, Item=BASELINE_ITEM),
    }
    found = {}
    for name, call in calls.items():
        took = []
        for number in range(WARM_UP_REQUESTS + times):
            started = time.perf_counter()
            call()
            if number >= WARM_UP_REQUESTS:
                took.append((time.perf_counter() - started) * 1000)
        found[name] = took
    return found


async def _request_timings(urls, rest: Rest, department_id: str) -> dict[str, list[float]]:
    static = urls.base_url + "/widget/loader.js"

    async def static_file() -> None:
        response = await rest.http.get(static)
        response.raise_for_status()

    async def availability() -> None:
        await rest.request("GET", f"/departments/{department_id}/availability")

    found = {}
    for name, request in (("static", static_file), ("availability", availability)):
        await _timed(WARM_UP_REQUESTS, request)
        found[name] = await _timed(BASELINE_REQUESTS, request)
    return found


async def _conversations(
    people: People, agents: list[Agent], first: int, count: int
) -> list[Conversation]:
    return list(
        await asyncio.gather(
            *(
                people.open_conversation(
                    f"speed-visitor-{n}", agents[n % len(agents)], EVENT_TIMEOUT
                )
                for n in range(first, first + count)
            )
        )
    )


async def _talk(
    people: People, conversation: Conversation, round_trips: int, window_seconds: float
) -> tuple[list[float], int]:
    """(round-trip timings, timeouts) of one conversation, one round trip at a random moment of
    each window (at once when the one before took longer)."""
    took, timeouts = [], 0
    started = time.monotonic()
    for number in range(round_trips):
        moment = started + (number + random.random()) * window_seconds
        await asyncio.sleep(max(0.0, moment - time.monotonic()))
        round_trip = await people.round_trip(conversation, EVENT_TIMEOUT)
        if round_trip is None:
            timeouts += 1
        else:
            took.append(round_trip)
    return took, timeouts


async def measure_speed(
    urls,
    rest: Rest,
    people: People,
    levels: tuple[tuple[int, int, float], ...] = LEVELS,
) -> tuple[dict, dict, Conversation]:
    """The `latency_ms` figures (with sample counts, message rates and timeouts), the ratios of
    the medians to the baselines' medians, and one open conversation for the cold-start runs."""
    departments = [
        await people.department(f"speed-{n}-{uuid.uuid4().hex[:6]}", urls.base_url)
        for n in range(SPEED_AGENTS)
    ]
    agents = [
        await people.online_agent(f"speed-agent-{n}", department)
        for n, department in enumerate(departments)
    ]
    heartbeats = asyncio.create_task(people.keep_agents_present(HEARTBEAT_SECONDS))
    try:
        timings = await _request_timings(urls, rest, departments[0])
        timings.update(
            await asyncio.to_thread(
                _raw_dynamodb_timings, urls.dynamodb_endpoint, BASELINE_REQUESTS
            )
        )
        conversations = await _conversations(people, agents, 0, 1)
        await _talk(people, conversations[0], WARM_UP_ROUND_TRIPS, 0.0)
        found = {}
        for level, round_trips, window_seconds in levels:
            more = level - len(conversations)
            conversations += await _conversations(people, agents, len(conversations), more)
            started = time.monotonic()
            talks = await asyncio.gather(
                *(_talk(people, c, round_trips, window_seconds) for c in conversations)
            )
            elapsed = time.monotonic() - started
            took = [ms for round_trips_took, _ in talks for ms in round_trips_took]
            found[level] = {
                **summary(took),
                "timeouts": sum(timeouts for _, timeouts in talks),
                "messages_per_second": round(2 * len(took) / elapsed, 1),
            }
    finally:
        heartbeats.cancel()
    return *_latency_figures(timings, found), conversations[0]


def _latency_figures(timings: dict[str, list[float]], levels: dict[int, dict]) -> tuple[dict, dict]:
    """`latency_ms` (message_pNN by level, availability_pNN, baseline_*_pNN) and the ratios."""
    figures: dict = {}
    for p in ("p50", "p95", "p99"):
        figures[f"message_{p}"] = {str(level): found[p] for level, found in levels.items()}
    figures["message_samples"] = {str(level): found["count"] for level, found in levels.items()}
    figures["message_timeouts"] = {str(level): found["timeouts"] for level, found in levels.items()}
    figures["message_rate_per_s"] = {
        str(level): found["messages_per_second"] for level, found in levels.items()
    }
    for name in ("availability", "static", "getitem", "putitem"):
        found = summary(timings[name])
        prefix = name if name == "availability" else f"baseline_{name}"
        for p in ("p50", "p95", "p99"):
            figures[f"{prefix}_{p}"] = found[p]
    baselines = {name: figures[f"baseline_{name}_p50"] for name in ("static", "getitem", "putitem")}
    ratios = {
        "availability_p50_to_static_p50": round(
            figures["availability_p50"] / baselines["static"], 1
        ),
        "availability_p50_to_getitem_p50": round(
            figures["availability_p50"] / baselines["getitem"], 1
        ),
        "message_p50_to_static_p50": {
            level: round(p50 / baselines["static"], 1)
            for level, p50 in figures["message_p50"].items()
        },
        "message_p50_to_getitem_p50": {
            level: round(p50 / baselines["getitem"], 1)
            for level, p50 in figures["message_p50"].items()
        },
    }
    return figures, ratios
