"""The readable report of bench/results.json: Markdown tables, also pasted into
docs/performance.md between the markers below."""

from __future__ import annotations

import json
from pathlib import Path

from devserver.dynamodb_local import REPO_ROOT

RESULTS_DIR = REPO_ROOT / "bench"
PERFORMANCE_DOC = REPO_ROOT / "docs" / "performance.md"
BEGIN = "<!-- bench:begin (make bench writes this part) -->"
END = "<!-- bench:end -->"

# The figures issue 6 asks for, as dotted paths into results.json.
ISSUE_FIGURES = (
    "sizes.loader_raw_bytes",
    "sizes.loader_gzip_bytes",
    "sizes.loader_brotli_bytes",
    "sizes.chat_window_gzip_bytes",
    "sizes.console_gzip_bytes",
    "sizes.lambda_zip_bytes",
    "calls.availability",
    "calls.create_visitor",
    "calls.start_chat",
    "calls.send_message",
    "calls.take",
    "calls.close",
    "calls.chat_20_messages",
    "cost_usd.per_1000_chats",
    "cost_usd.per_1m_page_views_uncached",
    "cost_usd.per_1m_page_views_cdn",
    "cost_usd.idle_per_month",
    "latency_ms.message_p50",
    "latency_ms.message_p95",
    "latency_ms.message_p99",
    "latency_ms.availability_p50",
    "latency_ms.availability_p99",
    "latency_ms.baseline_static_p50",
    "latency_ms.baseline_getitem_p50",
    "latency_ms.baseline_putitem_p50",
    "cold_start.import_ms",
    "load.visitors",
    "load.agents",
    "load.errors",
    "load.lost_messages",
    "load.duplicated_messages",
    "load.devserver_rss_mb",
)

# Operations named in issue 6 first, then the others the bench counts.
OPERATIONS = (
    ("availability", "availability check (page view)"),
    ("create_visitor", "new visitor"),
    ("start_chat", "start chat (with the first message)"),
    ("visitor_connect", "visitor's socket connects"),
    ("take", "agent takes the chat"),
    ("read_chat", "agent reads the chat"),
    ("send_message", "visitor's message (WebSocket `send`)"),
    ("send_message_agent", "agent's message (WebSocket `send`)"),
    ("typing", "typing on or off"),
    ("heartbeat_visitor", "visitor's heartbeat"),
    ("heartbeat_agent", "agent's heartbeat"),
    ("close", "visitor closes the chat"),
    ("visitor_disconnect", "visitor's socket closes"),
    ("chat_20_messages", "a whole chat of 20 messages"),
    ("chat_with_image", "a whole chat of 20 messages, one a screenshot (150 KB)"),
    ("maintenance_idle", "scheduled sweep, nobody online"),
    ("team_direct_message", "team chat: a direct message (WebSocket `send`)"),
    ("team_channel_message", "team chat: to a channel of 200 members, 20 online"),
)
COSTS = (
    ("per_1000_chats", "1,000 chats of 20 messages"),
    ("per_1000_image_chats", "1,000 chats of 20 messages, one a screenshot"),
    ("per_1m_page_views_uncached", "1 million page views, nothing cached"),
    ("per_1m_page_views_cdn", "1 million page views through the CDN"),
    ("idle_per_month", "a month with nobody chatting"),
    ("alarms_per_month", "a month of the alarms (only with an alarm email)"),
    ("per_agent_hour_online", "one agent online for an hour"),
)

# The goals (docs/performance.md; docs/decisions/0009-the-chat-keeps-its-echo-and-typing-relay.md).
# A chat of 20 messages, as bench/calls.py scripts it, needs at least 97 WebSocket messages while
# the sender's echo and the typing relay stay: 40 frames in (19 `send`, 19 `typing`, `$connect`,
# `$disconnect`), each message posted to both sides and each typing frame relayed once (57).
CHAT_WEBSOCKET_FLOOR = 97
CHAT_WEBSOCKET_GOAL = int(CHAT_WEBSOCKET_FLOOR * 1.2)  # within 1.2x of the floor: 116
CHAT_COST_GOAL_USD = 0.31  # per 1,000 chats: what one without files, ratings or pushes cost
CHAT_CALLS_GOAL = 150  # WHOLE_CHAT_CALL_BUDGET of tests/integration/test_budget.py
IMPORT_GOAL_MS = 300
FIRST_MESSAGE_GOAL_MS = 150
ROUND_TRIP_GOAL_RATIO = 3  # of a GetItem and a PutItem of the same run


def missing_figures(results: dict) -> list[str]:
    missing = []
    for path in ISSUE_FIGURES:
        found: object = results
        for part in path.split("."):
            found = found.get(part) if isinstance(found, dict) else None
        if found is None:
            missing.append(path)
    return missing


def _number(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _usd(value: float) -> str:
    return f"${value:,.4f}" if value < 1 else f"${value:,.2f}"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _goals(results: dict) -> list[str]:
    chat = results["calls"]["chat_20_messages"]
    websocket = chat["websocket_frames"] + chat["ws_posts"]
    cost = results["cost_usd"]["per_1000_chats"]
    shares = results["cost_breakdown_usd"]["per_1000_chats"]
    cold, latency = results["cold_start"], results["latency_ms"]
    round_trip = latency["message_p50"]["1"]
    dynamodb = latency["baseline_getitem_p50"] + latency["baseline_putitem_p50"]
    goals = [
        (
            f"a whole chat of 20 messages: at most {CHAT_CALLS_GOAL} DynamoDB calls",
            str(chat["dynamodb_calls"]),
            chat["dynamodb_calls"] <= CHAT_CALLS_GOAL,
        ),
        (
            f"the same chat: at most {CHAT_WEBSOCKET_GOAL} WebSocket messages "
            f"(1.2× its floor of {CHAT_WEBSOCKET_FLOOR})",
            f"{websocket} ({chat['websocket_frames']} frames in, {chat['ws_posts']} posts out; "
            f"{websocket / CHAT_WEBSOCKET_FLOOR:.2f}× the floor)",
            websocket <= CHAT_WEBSOCKET_GOAL,
        ),
        (
            f"1,000 chats of 20 messages: at most ${CHAT_COST_GOAL_USD:.2f}",
            f"{_usd(cost)} (API Gateway {_usd(shares['api_gateway'])}, "
            f"DynamoDB {_usd(shares['dynamodb'])}, Lambda {_usd(shares['lambda'])})",
            round(cost, 2) <= CHAT_COST_GOAL_USD,
        ),
        (
            f"importing `app.py` (cold start): at most {IMPORT_GOAL_MS} ms",
            f"{_number(cold['import_ms'])} ms",
            cold["import_ms"] <= IMPORT_GOAL_MS,
        ),
        (
            f"the first message after the import: at most {FIRST_MESSAGE_GOAL_MS} ms",
            f"{_number(cold['first_message_ms'])} ms",
            cold["first_message_ms"] <= FIRST_MESSAGE_GOAL_MS,
        ),
        (
            f"a message round trip, 1 conversation, p50: at most {ROUND_TRIP_GOAL_RATIO}× "
            "GetItem + PutItem of the same run",
            f"{_number(round_trip, 1)} ms, {round_trip / dynamodb:.1f}× "
            f"({_number(latency['baseline_getitem_p50'], 1)} + "
            f"{_number(latency['baseline_putitem_p50'], 1)} ms)",
            round_trip <= ROUND_TRIP_GOAL_RATIO * dynamodb,
        ),
    ]
    rows = [(goal, now, "yes" if met else "no") for goal, now, met in goals]
    return ["### Goals", "", *_table(("goal", "now", "met"), rows)]


def _sizes(results: dict) -> list[str]:
    sizes, comparison = results["sizes"], results["comparison"]
    console = _number(sizes["console_gzip_bytes"])
    if sizes["console_files"] == 0:
        console += " (console not built)"
    else:
        console += f" ({sizes['console_files']} files)"
    rows = [
        (
            "loader.js (`sizes.loader_*_bytes`)",
            f"{_number(sizes['loader_raw_bytes'])} raw, {_number(sizes['loader_gzip_bytes'])} gzip,"
            f" {_number(sizes['loader_brotli_bytes'])} brotli",
            f"about {_number(comparison['rocketchat_loader_gzip_bytes'])} gzip",
        ),
        (
            "what every page view loads: the loader (gzip) and the availability answer",
            _number(comparison["page_view_gzip_bytes"]),
            f"about {_number(comparison['rocketchat_page_view_gzip_bytes'])} in "
            f"{comparison['rocketchat_page_view_requests']} files",
        ),
        (
            "chat window on first open (`sizes.chat_window_gzip_bytes`)",
            f"{_number(sizes['chat_window_gzip_bytes'])} ({sizes['chat_window_files']} files)",
            "part of the whole widget above, on every page view",
        ),
        ("agent console (`sizes.console_gzip_bytes`)", console, ""),
        ("Lambda zip (`sizes.lambda_zip_bytes`)", _number(sizes["lambda_zip_bytes"]), ""),
    ]
    return ["### Sizes (bytes)", "", *_table(("what", "this app", "Rocket.Chat"), rows)]


def _calls(results: dict) -> list[str]:
    rows = []
    for key, label in OPERATIONS:
        if key not in results["calls"]:
            continue  # measured before the bench counted it
        calls = results["calls"][key]
        dynamodb = ", ".join(f"{name} {n}" for name, n in calls["dynamodb"].items()) or "none"
        rows.append(
            (
                f"{label} (`calls.{key}`)",
                str(calls["lambda_invocations"]),
                f"{calls['dynamodb_calls']}: {dynamodb}",
                _number(calls["read_units"], 1),
                _number(calls["write_units"], 1),
                str(calls["ws_posts"]),
                _s3_requests(calls),
            )
        )
    header = ("operation", "Lambda", "DynamoDB calls", "RRU", "WRU", "WebSocket posts", "S3")
    return ["### Calls per operation (counted)", "", *_table(header, rows)]


def _s3_requests(calls: dict) -> str:
    """The app's S3 requests and the browsers' own to the bucket; empty when there were none."""
    app = ", ".join(f"{name} {n}" for name, n in calls.get("s3", {}).items())
    browsers = ", ".join(f"{name} {n}" for name, n in calls.get("browser_s3_requests", {}).items())
    if not app and not browsers:
        return ""
    return f"{calls.get('s3_requests', 0)}: {app}" + (f"; browsers: {browsers}" if browsers else "")


def _costs(results: dict) -> list[str]:
    rows = []
    for key, label in COSTS:
        if key not in results["cost_usd"]:
            continue  # measured before the bench counted it
        items = sorted(results["cost_breakdown_usd"][key].items(), key=lambda item: -item[1])
        largest = ", ".join(f"{service} {_usd(usd)}" for service, usd in items[:3] if usd > 0)
        rows.append((f"{label} (`cost_usd.{key}`)", _usd(results["cost_usd"][key]), largest))
    comparison = results["comparison"]
    rows += [
        (
            "Rocket.Chat server around the clock, a month",
            _usd(comparison["rocketchat_server_per_month_usd"]),
            "instance, disk, IPv4 address (bench/rocketchat.json)",
        ),
        (
            "Rocket.Chat's widget on 1 million page views through a CDN",
            _usd(comparison["rocketchat_widget_per_1m_page_views_cdn_usd"]),
            "requests and transfer only",
        ),
        (
            "chats a month at which this app costs what that server costs",
            _number(comparison["break_even_chats_per_month"]),
            "",
        ),
    ]
    prices = results["prices"]
    return [
        f"### Cost (USD; {prices['region']} list prices as of {prices['as_of']})",
        "",
        *_table(("what", "USD", "largest items"), rows),
    ]


def _speed(results: dict) -> list[str]:
    latency, ratios = results["latency_ms"], results["latency_ratios"]
    rows = []
    for level in latency["message_p50"]:
        rows.append(
            (
                f"message visitor → agent → visitor, {level} conversation(s)",
                *(_number(latency[f"message_{p}"][level], 1) for p in ("p50", "p95", "p99")),
                f"{latency['message_samples'][level]} at "
                f"{latency['message_rate_per_s'][level]} messages/s",
                f"{ratios['message_p50_to_static_p50'][level]}× static, "
                f"{ratios['message_p50_to_getitem_p50'][level]}× GetItem",
            )
        )
    rows.append(
        (
            "availability check",
            *(_number(latency[f"availability_{p}"], 1) for p in ("p50", "p95", "p99")),
            "one after another",
            f"{ratios['availability_p50_to_static_p50']}× static, "
            f"{ratios['availability_p50_to_getitem_p50']}× GetItem",
        )
    )
    for name, label in (
        ("static", "baseline: devserver serves loader.js"),
        ("getitem", "baseline: DynamoDB Local GetItem"),
        ("putitem", "baseline: DynamoDB Local PutItem"),
    ):
        rows.append(
            (
                label,
                *(_number(latency[f"baseline_{name}_{p}"], 1) for p in ("p50", "p95", "p99")),
                "one after another",
                "",
            )
        )
    header = ("what", "p50", "p95", "p99", "samples", "p50 against the baselines")
    return ["### Speed (ms, `latency_ms.*`)", "", *_table(header, rows)]


def _cold_start(results: dict) -> list[str]:
    cold = results["cold_start"]
    rows = [
        ("import app.py (`cold_start.import_ms`)", _number(cold["import_ms"], 1)),
        ("first availability check after the import", _number(cold["first_availability_ms"], 1)),
        ("first message after the import", _number(cold["first_message_ms"], 1)),
        ("the next message (warm)", _number(cold["warm_message_ms"], 1)),
    ]
    return [
        f"### Cold start (ms, medians of {cold['runs']} fresh interpreters each)",
        "",
        *_table(("what", "ms"), rows),
    ]


def _load(results: dict) -> list[str]:
    load = results["load"]
    delivery = load["message_delivery_ms"]
    memory = ", ".join(f"{name} {mb:,.0f}" for name, mb in load["rss_mb_by_process"].items())
    rows = [
        (
            "visitors, agents (`load.visitors`, `load.agents`)",
            f"{load['visitors']}, {load['agents']}",
        ),
        (
            "visitor connections at the peak; ramp; then held",
            f"{load['peak_visitor_connections']}; {load['ramp_seconds']} s; "
            f"{load['hold_seconds']:.0f} s",
        ),
        ("chats started, closed", f"{load['chats_started']}, {load['chats_closed']}"),
        ("messages, each checked on both sockets of its chat", _number(load["messages"])),
        ("errors (`load.errors`)", str(load["errors"])),
        ("lost messages (`load.lost_messages`)", str(load["lost_messages"])),
        ("duplicated messages (`load.duplicated_messages`)", str(load["duplicated_messages"])),
        (
            "message delivery p50 / p99 (ms)",
            f"{_number(delivery.get('p50', 0), 1)} / {_number(delivery.get('p99', 0), 1)}",
        ),
        (
            "peak resident memory, MB (`load.devserver_rss_mb`)",
            f"{load['devserver_rss_mb']:,.0f} ({memory})",
        ),
    ]
    return ["### Load", "", *_table(("what", "figure"), rows)]


def render(results: dict) -> str:
    run = results["run"]
    before, after = run["load_average"]
    lines = [
        f"Measured {run['finished_at']} by `make bench` (commit {run['commit']}) in "
        f"{run['duration_seconds']:.0f} s",
        f"on {run['machine']}; load average {before} before, {after} after.",
        "",
    ]
    for section in (_goals, _sizes, _calls, _costs, _speed, _cold_start, _load):
        lines += [*section(results), ""]
    if results["notes"]:
        lines += ["Notes: " + "; ".join(results["notes"]) + ".", ""]
    return "\n".join(lines).rstrip() + "\n"


def splice(document: str, table: str) -> str:
    """`document` with the part between the markers replaced by `table`."""
    if BEGIN not in document or END not in document:
        raise ValueError(f"the document lacks the markers {BEGIN!r} and {END!r}")
    head, rest = document.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table}{END}{tail}"


def write(results: dict, out: Path, docs: bool) -> str:
    """results.json and results.md in `out`, with `docs` the tables into docs/performance.md;
    returns the tables."""
    missing = missing_figures(results)
    if missing:
        raise ValueError(f"the results lack {', '.join(missing)}")
    table = render(results)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (out / "results.md").write_text(table, encoding="utf-8")
    if docs:
        document = PERFORMANCE_DOC.read_text(encoding="utf-8")
        PERFORMANCE_DOC.write_text(splice(document, table), encoding="utf-8")
    return table
