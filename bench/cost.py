"""Cost in USD from the counted calls, the sizes and the price table (bench/prices.json).

Everything here is arithmetic on measured counts; the few things no run can count (how long a
chat lasts, how page views spread over CDN edges, how much is stored) are the named assumptions
below, and docs/performance.md repeats them. Lambda is priced at the arm64 rate, as the functions
run; its billed milliseconds are those measured locally (on whatever processor ran the bench).

    python -m bench.cost    # prices bench/results.json's counted calls anew (bench/prices.json)
                            # and writes the tables again; measures nothing
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

from bench import report
from devserver.dynamodb_local import REPO_ROOT

PRICES = Path(__file__).with_name("prices.json")
ROCKETCHAT = Path(__file__).with_name("rocketchat.json")
CHALICE_CONFIG = REPO_ROOT / ".chalice" / "config.json"

GB = 1024**3
KB = 1024
MINUTES_PER_MONTH = 30 * 24 * 60  # 43,200: the schedule runs every minute
HOURS_PER_MONTH = 730

# ---- assumptions ------------------------------------------------------------------------------
CHATS = 1000
CHAT_MINUTES = 10  # how long the visitor's socket is open per chat
PAGE_VIEWS = 1_000_000
# The CDN answers an availability check from its cache for the answer's max-age, per edge
# location and department: at most one request per edge, department and max-age window
# reaches the API. Visitors of one organisation reach a few nearby edges, mostly by day.
CDN_EDGE_LOCATIONS = 3
DEPARTMENTS_ON_PAGES = 1
ACTIVE_HOURS_PER_DAY = 12
LOADER_MAX_AGE_SECONDS = 300  # infra/deploy.py gives loader.js `public, max-age=300`
AGENT_HEARTBEATS_PER_HOUR = 120  # the console beats every 30 s
# Idle storage: DynamoDB holds the accounts, departments and a day of chats (retention 24 h);
# S3 holds the widget, the console and the deployment artifacts.
DYNAMODB_STORED_GB = 0.01
S3_STORED_GB = 0.05
# The stack's CloudWatch alarms, made only with an AlarmEmail, are billed per metric they read,
# a month, whether anything happens or not (infra/template.yaml; tests/deploy checks the
# count): errors and throttles of the 6 functions (12), the schedule (1), REST 5xx (1),
# WebSocket errors (2), DynamoDB throttles of the 13 tables, reads and writes (26), DynamoDB
# system errors (1), SES bounces (1).
ALARM_METRICS = 44
# A chat with one image: the visitor's screenshot, about this large, fetched once by the agent.
# S3 bills DeleteObjects as a DELETE (free); the few hours an image is kept cost nothing
# measurable (0.15 MB for a day).
SCREENSHOT_BYTES = 150 * KB
S3_GET_CLASS = frozenset({"GetObject", "HeadObject", "GET"})
S3_FREE = frozenset({"DeleteObjects", "DeleteObject"})


@dataclasses.dataclass(frozen=True)
class Usage:
    """What AWS bills for, for some piece of work."""

    lambda_requests: float = 0
    lambda_gb_seconds: float = 0
    rest_requests: float = 0
    websocket_messages: float = 0
    websocket_connection_minutes: float = 0
    websocket_bytes_out: float = 0
    read_units: float = 0
    write_units: float = 0
    cloudfront_requests: float = 0
    cloudfront_bytes_out: float = 0
    s3_get_requests: float = 0
    s3_put_requests: float = 0  # PUT, COPY, POST and LIST
    s3_bytes_out: float = 0
    stored_dynamodb_gb: float = 0
    stored_s3_gb: float = 0
    alarm_metrics: float = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            **{
                f.name: getattr(self, f.name) + getattr(other, f.name)
                for f in dataclasses.fields(self)
            }
        )

    def times(self, factor: float) -> Usage:
        return Usage(**{f.name: getattr(self, f.name) * factor for f in dataclasses.fields(self)})


def load_prices(path: Path = PRICES) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def lambda_memory_mb(config: dict) -> dict[str, int]:
    """Memory of each Lambda function that has its own in .chalice/config.json; the rest
    use `lambda_memory_size`."""
    return {
        name: settings["lambda_memory_size"]
        for name, settings in config.get("lambda_functions", {}).items()
        if "lambda_memory_size" in settings
    }


def load_lambda_memory() -> tuple[int, dict[str, int]]:
    config = json.loads(CHALICE_CONFIG.read_text(encoding="utf-8"))
    return config["lambda_memory_size"], lambda_memory_mb(config)


def usage_of(calls: dict, default_memory_mb: int, memory_mb: dict[str, int]) -> Usage:
    """The usage of one counted operation (a `calls.*` entry). REST calls come through
    CloudFront (the API is served under /api of the site); WebSocket frames, including
    $connect and $disconnect, and posts count as WebSocket messages (all under 32 KB)."""
    gb_seconds = sum(
        math.ceil(ms) / 1000 * memory_mb.get(function, default_memory_mb) / 1024
        for function, ms in calls["lambda_billed_ms_by_function"].items()
    )
    return Usage(
        lambda_requests=calls["lambda_invocations"],
        lambda_gb_seconds=gb_seconds,
        rest_requests=calls["rest_requests"],
        websocket_messages=calls["websocket_frames"] + calls["ws_posts"],
        websocket_bytes_out=calls["ws_post_bytes"],
        read_units=calls["read_units"],
        write_units=calls["write_units"],
        cloudfront_requests=calls["rest_requests"],
    )


def priced(usage: Usage, prices: dict) -> dict[str, float]:
    """USD by service."""

    def per_million(count: float, price: str) -> float:
        return count / 1e6 * prices[price]

    def per_gb(size_bytes: float, price: str) -> float:
        return size_bytes / GB * prices[price]

    return {
        "lambda": per_million(usage.lambda_requests, "lambda_per_million_requests")
        + usage.lambda_gb_seconds * prices["lambda_arm64_per_gb_second"],
        "api_gateway": per_million(usage.rest_requests, "api_gateway_rest_per_million_requests")
        + per_million(usage.websocket_messages, "api_gateway_websocket_per_million_messages")
        + per_million(
            usage.websocket_connection_minutes,
            "api_gateway_websocket_per_million_connection_minutes",
        )
        + per_gb(usage.websocket_bytes_out, "api_gateway_transfer_out_per_gb"),
        "dynamodb": per_million(usage.read_units, "dynamodb_per_million_read_units")
        + per_million(usage.write_units, "dynamodb_per_million_write_units")
        + usage.stored_dynamodb_gb
        * (prices["dynamodb_storage_per_gb_month"] + prices["dynamodb_backup_pitr_per_gb_month"]),
        "cloudfront": per_million(
            usage.cloudfront_requests, "cloudfront_per_million_https_requests"
        )
        + per_gb(usage.cloudfront_bytes_out, "cloudfront_transfer_out_per_gb"),
        "s3": per_million(usage.s3_get_requests, "s3_per_million_get_requests")
        + per_million(usage.s3_put_requests, "s3_per_million_put_requests")
        + per_gb(usage.s3_bytes_out, "s3_transfer_out_per_gb")
        + usage.stored_s3_gb * prices["s3_storage_per_gb_month"],
        "cloudwatch_alarms": usage.alarm_metrics * prices["cloudwatch_alarm_metric_per_month"],
    }


def chats_usage(calls: dict, sizes: dict, memory: tuple[int, dict[str, int]]) -> Usage:
    """CHATS chats of `calls.chat_20_messages`, each with its socket open CHAT_MINUTES and the
    chat window fetched once (from the CDN)."""
    one_chat = usage_of(calls["chat_20_messages"], *memory) + Usage(
        websocket_connection_minutes=CHAT_MINUTES,
        cloudfront_requests=sizes["chat_window_files"],
        cloudfront_bytes_out=sizes["chat_window_gzip_bytes"],
    )
    return one_chat.times(CHATS)


def image_chats_usage(calls: dict, sizes: dict, memory: tuple[int, dict[str, int]]) -> Usage:
    """CHATS chats as `chats_usage`, of `calls.chat_with_image`: one of the 20 messages is a
    screenshot, with the app's S3 requests and the browsers' own (its POST, the agent's GET)."""
    chat = calls["chat_with_image"]
    requests = {**chat["s3"]}
    for method, count in chat["browser_s3_requests"].items():
        requests[method] = requests.get(method, 0) + count
    gets = sum(n for name, n in requests.items() if name in S3_GET_CLASS)
    puts = sum(n for name, n in requests.items() if name not in S3_GET_CLASS | S3_FREE)
    one_chat = usage_of(chat, *memory) + Usage(
        websocket_connection_minutes=CHAT_MINUTES,
        cloudfront_requests=sizes["chat_window_files"],
        cloudfront_bytes_out=sizes["chat_window_gzip_bytes"],
        s3_get_requests=gets,
        s3_put_requests=puts,
        s3_bytes_out=SCREENSHOT_BYTES * chat["browser_s3_requests"].get("GET", 0),
    )
    return one_chat.times(CHATS)


def page_views_usage(
    calls: dict, sizes: dict, page_view: dict, memory: tuple[int, dict[str, int]], cdn: bool
) -> Usage:
    """PAGE_VIEWS page views: the loader and the availability check, each through CloudFront.
    Uncached, every one reaches S3 and the API; with the CDN, only the windows' first ones."""
    through_cdn = Usage(
        cloudfront_requests=2,
        cloudfront_bytes_out=sizes["loader_gzip_bytes"] + page_view["availability_response_bytes"],
    ).times(PAGE_VIEWS)
    # Its CloudFront request is one of the two above.
    check = dataclasses.replace(usage_of(calls["availability"], *memory), cloudfront_requests=0)
    if not cdn:
        return through_cdn + Usage(s3_get_requests=PAGE_VIEWS) + check.times(PAGE_VIEWS)
    active_seconds = 30 * ACTIVE_HOURS_PER_DAY * 3600
    windows = CDN_EDGE_LOCATIONS * active_seconds
    checks = min(
        PAGE_VIEWS, windows * DEPARTMENTS_ON_PAGES / page_view["availability_max_age_seconds"]
    )
    loader_fetches = min(PAGE_VIEWS, windows / LOADER_MAX_AGE_SECONDS)
    return through_cdn + Usage(s3_get_requests=loader_fetches) + check.times(checks)


def idle_usage(calls: dict, memory: tuple[int, dict[str, int]]) -> Usage:
    """A month with nobody chatting: the schedule every minute and storage (a stack deployed
    without an alarm email, the default). No logs: the functions log warnings and errors only,
    without Lambda's START, END and REPORT lines (infra/template.yaml, `LoggingConfig`)."""
    schedule = usage_of(calls["maintenance_idle"], *memory).times(MINUTES_PER_MONTH)
    return schedule + Usage(stored_dynamodb_gb=DYNAMODB_STORED_GB, stored_s3_gb=S3_STORED_GB)


def alarms_usage() -> Usage:
    """A month of the alarms that a stack with an alarm email adds, idle or not."""
    return Usage(alarm_metrics=ALARM_METRICS)


def agent_hour_usage(calls: dict, memory: tuple[int, dict[str, int]]) -> Usage:
    """One agent online for an hour: the console's socket and its heartbeats."""
    beats = usage_of(calls["heartbeat_agent"], *memory).times(AGENT_HEARTBEATS_PER_HOUR)
    return beats + Usage(websocket_connection_minutes=60)


def rocketchat_comparison(
    comparison: dict, prices: dict, sizes: dict, page_view: dict, totals: dict
) -> dict:
    """A Rocket.Chat server around the clock and its widget on every page view, beside ours;
    `totals` are this app's cost_usd figures."""
    p = prices
    server = comparison["server"]
    per_month = (
        server["hours_per_month"] * p[f"{server['instance']}_per_hour"]
        + server["disk_gb"] * p["ebs_gp3_per_gb_month"]
        + server["public_ipv4_addresses"] * server["hours_per_month"] * p["public_ipv4_per_hour"]
    )
    widget = comparison["widget"]
    widget_bytes = widget["whole_widget_gzip_kb"] * KB
    page_views_via_cdn = (
        PAGE_VIEWS * widget["whole_widget_files"] / 1e6 * p["cloudfront_per_million_https_requests"]
        + PAGE_VIEWS * widget_bytes / GB * p["cloudfront_transfer_out_per_gb"]
    )
    return {
        "rocketchat_server_per_month_usd": round(per_month, 2),
        "rocketchat_loader_gzip_bytes": round(widget["loader_gzip_kb"] * KB),
        "rocketchat_page_view_gzip_bytes": round(widget_bytes),
        "rocketchat_page_view_requests": widget["whole_widget_files"],
        "rocketchat_widget_per_1m_page_views_cdn_usd": round(page_views_via_cdn, 2),
        "page_view_gzip_bytes": sizes["loader_gzip_bytes"]
        + page_view["availability_response_bytes"],
        # Chats a month at which this app costs what the server costs anyway.
        "break_even_chats_per_month": round(
            (per_month - totals["idle_per_month"]) / totals["per_1000_chats"] * CHATS
        ),
    }


def priced_results(results: dict, prices: dict) -> dict:
    """`results` (of `make bench`) with the cost figures, their items, the comparison and the
    price table's name made anew from its counted calls and sizes and `prices` (all of
    prices.json); nothing else changes."""
    totals, itemized = costs(
        results["calls"], results["sizes"], results["page_view"], prices["prices"]
    )
    comparison = rocketchat_comparison(
        json.loads(ROCKETCHAT.read_text(encoding="utf-8")),
        prices["prices"],
        results["sizes"],
        results["page_view"],
        totals,
    )
    return {
        **results,
        "cost_usd": totals,
        "cost_breakdown_usd": itemized,
        "prices": {"region": prices["region"], "as_of": prices["as_of"]},
        "comparison": comparison,
    }


def main() -> None:
    results_path = report.RESULTS_DIR / "results.json"
    results = json.loads(results_path.read_text(encoding="utf-8"))
    print(report.write(priced_results(results, load_prices()), report.RESULTS_DIR, docs=True))


def costs(calls: dict, sizes: dict, page_view: dict, prices: dict) -> tuple[dict, dict]:
    """(cost_usd figures, the same itemized by service)."""
    memory = load_lambda_memory()
    usages = {
        "per_1000_chats": chats_usage(calls, sizes, memory),
        "per_1m_page_views_uncached": page_views_usage(calls, sizes, page_view, memory, False),
        "per_1m_page_views_cdn": page_views_usage(calls, sizes, page_view, memory, True),
        "idle_per_month": idle_usage(calls, memory),
        "alarms_per_month": alarms_usage(),
        "per_agent_hour_online": agent_hour_usage(calls, memory),
    }
    if "chat_with_image" in calls:  # results of runs before files have none
        usages["per_1000_image_chats"] = image_chats_usage(calls, sizes, memory)
    itemized = {name: priced(usage, prices) for name, usage in usages.items()}
    totals = {name: round(sum(items.values()), 4) for name, items in itemized.items()}
    rounded = {
        name: {service: round(usd, 4) for service, usd in items.items()}
        for name, items in itemized.items()
    }
    return totals, rounded


if __name__ == "__main__":
    main()
