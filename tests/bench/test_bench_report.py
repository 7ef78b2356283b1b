"""The committed figures: complete, and the same in bench/results.md and docs/performance.md."""

from __future__ import annotations

import json

import pytest

from bench import __main__ as bench_main
from bench import report
from bench.report import PERFORMANCE_DOC, RESULTS_DIR

RESULTS = json.loads((RESULTS_DIR / "results.json").read_text(encoding="utf-8"))


def test_the_committed_results_have_every_figure_the_issue_asks_for():
    assert report.missing_figures(RESULTS) == []
    for level in ("1", "50", "200"):
        assert RESULTS["latency_ms"]["message_p50"][level] > 0


def test_a_missing_figure_is_named():
    results = json.loads(json.dumps(RESULTS))
    del results["load"]["lost_messages"]
    results["sizes"]["loader_gzip_bytes"] = None
    assert report.missing_figures(results) == ["sizes.loader_gzip_bytes", "load.lost_messages"]


def test_the_report_and_the_docs_show_the_committed_results():
    table = report.render(RESULTS)
    assert (RESULTS_DIR / "results.md").read_text(encoding="utf-8") == table
    documented = PERFORMANCE_DOC.read_text(encoding="utf-8")
    assert f"{report.BEGIN}\n{table}{report.END}" in documented


def test_the_table_names_the_issues_figures_with_units():
    table = report.render(RESULTS)
    for key in ("sizes.lambda_zip_bytes", "calls.chat_20_messages", "cost_usd.idle_per_month"):
        assert f"`{key}`" in table, key
    for heading in ("Sizes (bytes)", "Speed (ms", "Cost (USD", "Cold start (ms", "Load"):
        assert f"### {heading}" in table


def test_splicing_replaces_only_what_lies_between_the_markers():
    document = f"# Title\n\nbefore\n{report.BEGIN}\nold table\n{report.END}\nafter\n"
    assert report.splice(document, "new table\n") == (
        f"# Title\n\nbefore\n{report.BEGIN}\nnew table\n{report.END}\nafter\n"
    )
    with pytest.raises(ValueError, match="markers"):
        report.splice("# no markers\n", "table\n")


def test_measuring_only_the_calls_keeps_the_other_figures_and_says_so(monkeypatch):
    results = json.loads(json.dumps(RESULTS))
    results["notes"] = ["calls and page_view measured anew earlier", "a note of the run"]
    calls = json.loads(json.dumps(RESULTS["calls"]))
    calls["chat_20_messages"]["write_units"] += 100.0
    monkeypatch.setattr(bench_main, "measure_calls", lambda: (calls, RESULTS["page_view"]))

    remeasured = bench_main.calls_only(results)

    assert remeasured["calls"] == calls
    assert remeasured["sizes"] == RESULTS["sizes"] and remeasured["load"] == RESULTS["load"]
    assert remeasured["cost_usd"]["per_1000_chats"] > RESULTS["cost_usd"]["per_1000_chats"]
    assert remeasured["notes"][0] == "a note of the run"
    assert remeasured["notes"][1].startswith("calls and page_view measured anew 20")
    assert len(remeasured["notes"]) == 2


def _goal_row(results: dict, goal: str) -> list[str]:
    rows = [line for line in report.render(results).splitlines() if line.startswith(f"| {goal}")]
    assert len(rows) == 1, goal
    return [cell.strip() for cell in rows[0].strip("|").split("|")]


def test_the_goals_are_the_decided_ones_and_the_withdrawn_ones_are_not_reported():
    table = report.render(RESULTS)
    assert "at most 116 WebSocket messages (1.2× its floor of 97)" in table
    assert "1,000 chats of 20 messages: at most $0.31" in table
    assert "at most 80 WebSocket messages" not in table and "at most $0.15" not in table


def test_a_chat_of_more_than_1_2_times_its_floor_of_websocket_messages_misses_its_goal():
    results = json.loads(json.dumps(RESULTS))
    chat = results["calls"]["chat_20_messages"]
    chat["websocket_frames"], chat["ws_posts"] = 40, 76
    assert _goal_row(results, "the same chat")[1:] == [
        "116 (40 frames in, 76 posts out; 1.20× the floor)",
        "yes",
    ]
    chat["ws_posts"] = 77
    assert _goal_row(results, "the same chat")[2] == "no"


def test_a_chat_that_costs_more_than_today_misses_its_goal():
    results = json.loads(json.dumps(RESULTS))
    results["cost_usd"]["per_1000_chats"] = 0.3098
    assert _goal_row(results, "1,000 chats of 20 messages: at most")[2] == "yes"
    results["cost_usd"]["per_1000_chats"] = 0.3151
    assert _goal_row(results, "1,000 chats of 20 messages: at most")[2] == "no"
