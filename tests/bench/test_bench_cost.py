"""Cost from counted calls: arithmetic on counts, sizes and the price table."""

from __future__ import annotations

from collections import Counter

import pytest

from bench import cost
from bench.calls import Invocation, OperationCalls

PRICES = cost.load_prices()["prices"]
MEMORY = (512, {"maintenance": 256})


def counted(*invocations: Invocation) -> dict:
    return OperationCalls(list(invocations)).as_json()


def invocation(function: str, ms: int, **found) -> Invocation:
    return Invocation(function, billed_ms=ms, dynamodb=Counter(found.pop("dynamodb", {})), **found)


SIZES = {"loader_gzip_bytes": 1500, "chat_window_gzip_bytes": 12000, "chat_window_files": 3}
PAGE_VIEW = {"availability_response_bytes": 500, "availability_max_age_seconds": 15}
CALLS = {
    "availability": counted(invocation("api_handler", 10, dynamodb={"GetItem": 1}, read_units=1.0)),
    "chat_20_messages": counted(
        invocation("api_handler", 100, dynamodb={"GetItem": 4}, read_units=4.0, write_units=6.0),
        invocation("ws_message", 50, dynamodb={"Query": 2}, read_units=1.0, ws_posts=2),
        invocation("ws_connect", 20, write_units=2.0),
    ),
    "maintenance_idle": counted(
        invocation("maintenance", 30, dynamodb={"Query": 1}, read_units=0.5)
    ),
    "heartbeat_agent": counted(invocation("ws_message", 20, write_units=3.0)),
}


def test_an_operation_is_billed_by_function_memory_and_counted_units():
    usage = cost.usage_of(CALLS["chat_20_messages"], *MEMORY)
    assert usage.lambda_requests == 3
    assert usage.lambda_gb_seconds == pytest.approx(0.170 * 0.5)
    assert usage.rest_requests == 1 and usage.cloudfront_requests == 1
    assert usage.websocket_messages == 2 + 2  # two frames in, two posts out
    assert (usage.read_units, usage.write_units) == (5.0, 8.0)
    schedule = cost.usage_of(CALLS["maintenance_idle"], *MEMORY)
    assert schedule.lambda_gb_seconds == pytest.approx(0.030 * 0.25)


def test_prices_apply_per_million_and_per_gb():
    usage = cost.Usage(
        lambda_requests=2e6, read_units=1e6, write_units=2e6, websocket_bytes_out=cost.GB
    )
    priced = cost.priced(usage, PRICES)
    assert priced["lambda"] == pytest.approx(2 * PRICES["lambda_per_million_requests"])
    assert priced["dynamodb"] == pytest.approx(
        PRICES["dynamodb_per_million_read_units"] + 2 * PRICES["dynamodb_per_million_write_units"]
    )
    assert priced["api_gateway"] == pytest.approx(PRICES["api_gateway_transfer_out_per_gb"])
    assert priced["s3"] == priced["cloudfront"] == 0


def test_a_thousand_chats_keep_their_sockets_open_and_fetch_the_chat_window_once():
    usage = cost.chats_usage(CALLS, SIZES, MEMORY)
    assert usage.lambda_requests == 3 * cost.CHATS
    assert usage.websocket_connection_minutes == cost.CHAT_MINUTES * cost.CHATS
    assert usage.cloudfront_bytes_out == 12000 * cost.CHATS
    assert usage.cloudfront_requests == (1 + 3) * cost.CHATS


def test_the_cdn_lets_only_one_check_per_edge_department_and_max_age_through():
    uncached = cost.page_views_usage(CALLS, SIZES, PAGE_VIEW, MEMORY, cdn=False)
    cached = cost.page_views_usage(CALLS, SIZES, PAGE_VIEW, MEMORY, cdn=True)
    assert uncached.lambda_requests == cost.PAGE_VIEWS
    assert uncached.s3_get_requests == cost.PAGE_VIEWS
    windows = cost.CDN_EDGE_LOCATIONS * 30 * cost.ACTIVE_HOURS_PER_DAY * 3600 / 15
    assert cached.lambda_requests == pytest.approx(min(cost.PAGE_VIEWS, windows))
    assert cached.cloudfront_requests == uncached.cloudfront_requests == 2 * cost.PAGE_VIEWS
    assert cached.cloudfront_bytes_out == (1500 + 500) * cost.PAGE_VIEWS


def test_idling_is_the_schedule_every_minute_and_storage():
    usage = cost.idle_usage(CALLS, MEMORY)
    assert usage.lambda_requests == 43_200
    assert usage.read_units == pytest.approx(0.5 * 43_200)
    assert usage.stored_dynamodb_gb == cost.DYNAMODB_STORED_GB
    assert usage.rest_requests == usage.websocket_messages == 0


def test_the_figures_and_their_items_add_up():
    totals, itemized = cost.costs(CALLS, SIZES, PAGE_VIEW, PRICES)
    assert set(totals) == {
        "per_1000_chats",
        "per_1m_page_views_uncached",
        "per_1m_page_views_cdn",
        "idle_per_month",
        "alarms_per_month",
        "per_agent_hour_online",
    }
    for name, total in totals.items():
        assert total == pytest.approx(sum(itemized[name].values()), abs=1e-3)
    assert totals["per_1m_page_views_cdn"] < totals["per_1m_page_views_uncached"]


def test_the_rocketchat_server_costs_its_hours_whatever_happens():
    comparison = {
        "widget": {"loader_gzip_kb": 3.1, "whole_widget_gzip_kb": 487, "whole_widget_files": 10},
        "server": {
            "instance": "ec2_t3_medium",
            "hours_per_month": 730,
            "disk_gb": 40,
            "public_ipv4_addresses": 1,
        },
    }
    totals = {"idle_per_month": 0.04, "per_1000_chats": 0.5}
    found = cost.rocketchat_comparison(comparison, PRICES, SIZES, PAGE_VIEW, totals)
    server = (
        730 * PRICES["ec2_t3_medium_per_hour"]
        + 40 * PRICES["ebs_gp3_per_gb_month"]
        + 730 * PRICES["public_ipv4_per_hour"]
    )
    assert found["rocketchat_server_per_month_usd"] == pytest.approx(server, abs=0.01)
    assert found["rocketchat_page_view_gzip_bytes"] == 487 * 1024
    assert found["page_view_gzip_bytes"] == 2000
    assert found["break_even_chats_per_month"] == round((server - 0.04) / 0.5 * 1000)


def test_functions_with_their_own_memory_are_read_from_the_chalice_config():
    config = {
        "lambda_memory_size": 512,
        "lambda_functions": {"maintenance": {"lambda_memory_size": 256}, "setup": {}},
    }
    assert cost.lambda_memory_mb(config) == {"maintenance": 256}


def test_lambda_is_priced_at_the_arm64_rate_the_functions_run_on():
    priced = cost.priced(cost.Usage(lambda_gb_seconds=1000), PRICES)
    assert priced["lambda"] == pytest.approx(1000 * PRICES["lambda_arm64_per_gb_second"])
    # About 20 % below x86_64's $0.0000166667 per GB-second.
    assert PRICES["lambda_arm64_per_gb_second"] == pytest.approx(0.8 * 0.0000166667, rel=1e-3)
    assert not [name for name in PRICES if "x86" in name]


def test_the_alarms_cost_their_metrics_every_month_and_only_with_an_alarm_email():
    priced = cost.priced(cost.alarms_usage(), PRICES)
    assert priced["cloudwatch_alarms"] == pytest.approx(
        cost.ALARM_METRICS * PRICES["cloudwatch_alarm_metric_per_month"]
    )
    # The default stack (no alarm email) has none: idle stays cents.
    assert cost.priced(cost.idle_usage(CALLS, MEMORY), PRICES)["cloudwatch_alarms"] == 0
    assert cost.priced(cost.chats_usage(CALLS, SIZES, MEMORY), PRICES)["cloudwatch_alarms"] == 0


def test_pricing_stored_results_anew_changes_the_cost_and_nothing_measured():
    results = {
        "calls": CALLS,
        "sizes": SIZES,
        "page_view": PAGE_VIEW,
        "latency_ms": {"availability_p50": 3.0},
        "cost_usd": {"idle_per_month": 0.0},
        "prices": {"region": "old", "as_of": "old"},
    }
    prices = cost.load_prices()
    priced = cost.priced_results(results, prices)
    totals, _ = cost.costs(CALLS, SIZES, PAGE_VIEW, PRICES)
    assert priced["cost_usd"] == totals
    assert priced["latency_ms"] == results["latency_ms"] and priced["calls"] == CALLS
    assert priced["prices"] == {"region": prices["region"], "as_of": prices["as_of"]}
    assert priced["comparison"]["break_even_chats_per_month"] > 0


def image_chat() -> dict:
    chat = counted(
        invocation("api_handler", 150, dynamodb={"GetItem": 6}, read_units=6.0, write_units=8.0),
        invocation(
            "ws_message",
            80,
            dynamodb={"Query": 2},
            s3={"GetObject": 1, "PutObject": 1, "DeleteObjects": 1},
            ws_posts=2,
        ),
    )
    chat["browser_s3_requests"] = {"POST": 1, "GET": 1}
    return chat


def test_s3_requests_are_counted_per_operation():
    chat = image_chat()
    assert chat["s3_requests"] == 3
    assert chat["s3"] == {"DeleteObjects": 1, "GetObject": 1, "PutObject": 1}


def test_a_chat_with_an_image_pays_the_s3_requests_of_the_app_and_the_browsers():
    usage = cost.image_chats_usage({**CALLS, "chat_with_image": image_chat()}, SIZES, MEMORY)

    # Per chat: GetObject and the browser's GET; PutObject and the browser's POST; the
    # DeleteObjects is free; the image leaves S3 once, to the agent.
    assert usage.s3_get_requests == 2 * cost.CHATS
    assert usage.s3_put_requests == 2 * cost.CHATS
    assert usage.s3_bytes_out == cost.SCREENSHOT_BYTES * cost.CHATS
    assert usage.websocket_connection_minutes == cost.CHAT_MINUTES * cost.CHATS
    priced = cost.priced(cost.Usage(s3_put_requests=1e6, s3_bytes_out=cost.GB), PRICES)
    assert priced["s3"] == pytest.approx(
        PRICES["s3_per_million_put_requests"] + PRICES["s3_transfer_out_per_gb"]
    )


def test_the_image_chat_is_priced_only_once_it_was_counted():
    totals, _ = cost.costs(CALLS, SIZES, PAGE_VIEW, PRICES)
    counted_too, _ = cost.costs(
        {**CALLS, "chat_with_image": image_chat()}, SIZES, PAGE_VIEW, PRICES
    )

    assert "per_1000_image_chats" not in totals
    assert counted_too["per_1000_image_chats"] > 0
