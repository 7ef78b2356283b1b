"""`make bench`: how fast, how small and how cheap the chat is, beside baselines.

    python -m bench --lambda-zip build/package/prod/deployment.zip [--quick]
    python -m bench --render
    python -m bench --calls

Writes bench/results.json and bench/results.md and pastes the tables into docs/performance.md.
`--quick` runs every phase at a small scale (a smoke test of the harness; its figures mean
little) and writes to build/bench/ instead, leaving the committed results and docs alone.
`--render` measures nothing and writes the tables anew from bench/results.json.
`--calls` measures only the calls per operation (an in-process stack, minutes instead of the
whole run), reprices them and keeps every other figure of bench/results.json, with a note.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import cost, load, report, speed
from bench.calls import measure_calls
from bench.cold_start import RUNS, measure_cold_start
from bench.live import People, Rest
from bench.sizes import measure_sizes
from devserver.dynamodb_local import REPO_ROOT
from devserver.testing import devserver_process

QUICK_RESULTS_DIR = REPO_ROOT / "build" / "bench"
# The devserver of `make run`, with the schedule at AWS's pace. All bench clients come from
# 127.0.0.1, where the per-address limit of anonymous calls would stop them after 60 a minute.
STACK = {
    "pool_size": 8,
    "sweep_interval": 60,
    "extra_env": {"RATE_LIMIT_PER_MINUTE": "1000000"},
}


# --quick: every phase, small and fast.
QUICK_SPEED = {"levels": ((1, 10, 0.25), (5, 2, 1.0), (10, 1, 1.0))}
QUICK_LOAD = {"visitors": 20, "agents": 4, "hold_seconds": 15.0, "think_seconds": (1.0, 3.0)}


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


async def _signed_in(urls) -> tuple[Rest, People]:
    rest = Rest(urls.api_url, connections=64)
    people = await People.signed_in(rest, urls.ws_url, urls.admin_email, urls.admin_password)
    return rest, people


async def _speed_and_cold_start(urls, quick: bool) -> tuple[dict, dict, dict]:
    rest, people = await _signed_in(urls)
    scale = QUICK_SPEED if quick else {}
    latency, ratios, conversation = await speed.measure_speed(urls, rest, people, **scale)
    _log("cold start: fresh interpreters import app.py and answer a first request")
    cold = await asyncio.to_thread(
        measure_cold_start,
        urls,
        conversation.agent.department_id,
        conversation.room_id,
        conversation.visitor.token,
        2 if quick else RUNS,
    )
    await rest.close()
    return latency, ratios, cold


async def _load(urls, quick: bool) -> dict:
    rest, people = await _signed_in(urls)
    scale = QUICK_LOAD if quick else {}
    found = await load.run_load(urls, people, **scale)
    await rest.close()
    return found


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def _machine() -> str:
    return f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"


def run(lambda_zip: Path, quick: bool) -> dict:
    started = time.monotonic()
    # Timings depend on what else the machine runs: the load average says how busy it was.
    load_average_before = os.getloadavg()[0]
    _log("sizes")
    sizes, notes = measure_sizes(lambda_zip)
    _log("calls per operation: an in-process stack, every botocore call counted")
    calls, page_view = measure_calls()
    _log("speed: availability, baselines, messages at 1, 50 and 200 conversations")
    with devserver_process(**STACK) as urls:
        latency, ratios, cold = asyncio.run(_speed_and_cold_start(urls, quick))
    _log("load: visitors and agents on a fresh stack")
    with devserver_process(**STACK) as urls:
        load_figures = asyncio.run(_load(urls, quick))
    measured = {
        "run": {
            "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "duration_seconds": round(time.monotonic() - started),
            "machine": _machine(),
            "load_average": [round(load_average_before, 1), round(os.getloadavg()[0], 1)],
            "commit": _commit(),
            "quick": quick,
        },
        "sizes": sizes,
        "calls": calls,
        "page_view": page_view,
        "latency_ms": latency,
        "latency_ratios": ratios,
        "cold_start": cold,
        "load": load_figures,
        "notes": notes,
    }
    # The cost figures, their items and the comparison with Rocket.Chat, from what was counted.
    return cost.priced_results(measured, cost.load_prices())


CALLS_NOTE = "calls and page_view measured anew"


def calls_only(results: dict) -> dict:
    """`results` with the calls per operation measured anew and priced, noted as such."""
    load_average_before = os.getloadavg()[0]
    calls, page_view = measure_calls()
    note = (
        f"{CALLS_NOTE} {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} by `python -m bench "
        f"--calls` (commit {_commit()}, load average {load_average_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after); the other figures are from the run above"
    )
    notes = [n for n in results["notes"] if not n.startswith(CALLS_NOTE)] + [note]
    remeasured = {**results, "calls": calls, "page_view": page_view, "notes": notes}
    return cost.priced_results(remeasured, cost.load_prices())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--lambda-zip", type=Path, help="from `make package` (required to run)")
    parser.add_argument("--quick", action="store_true", help="a small run of every phase")
    parser.add_argument(
        "--render",
        action="store_true",
        help="measure nothing: write results.md and the docs anew from bench/results.json",
    )
    parser.add_argument(
        "--calls",
        action="store_true",
        help="measure only the calls per operation; keep the other figures of bench/results.json",
    )
    args = parser.parse_args(argv)
    if args.render or args.calls:
        results = json.loads((report.RESULTS_DIR / "results.json").read_text(encoding="utf-8"))
        if args.calls:
            results = calls_only(results)
        report.write(results, report.RESULTS_DIR, docs=True)
        return 0
    if args.lambda_zip is None or not args.lambda_zip.is_file():
        parser.error(f"--lambda-zip {args.lambda_zip}: no such file; run `make package` first")
    results = run(args.lambda_zip, args.quick)
    out = QUICK_RESULTS_DIR if args.quick else report.RESULTS_DIR
    print(report.write(results, out, docs=not args.quick))
    _log(f"wrote {out / 'results.json'} and {out / 'results.md'}")
    load_figures = results["load"]
    # The run fails when the load lost, doubled or failed anything; timings are only reported.
    failed = (
        load_figures["errors"] + load_figures["lost_messages"] + load_figures["duplicated_messages"]
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
