"""Cold start: a new Lambda container imports app.py and answers its first request.

Each run is a fresh interpreter (bench/first_invocation.py) with the environment the Lambda
functions get (.chalice/config.json) and the local stack's endpoints, so its first DynamoDB
calls also pay for making their botocore clients, as in a new container.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import uuid
from pathlib import Path

from devserver.dynamodb_local import REPO_ROOT

FIRST_INVOCATION = Path(__file__).with_name("first_invocation.py")
CHALICE_CONFIG = REPO_ROOT / ".chalice" / "config.json"
RUNS = 7


def lambda_environment(urls) -> dict[str, str]:
    config = json.loads(CHALICE_CONFIG.read_text(encoding="utf-8"))
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO_ROOT),
        **config.get("environment_variables", {}),
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_REGION": "eu-central-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_EC2_METADATA_DISABLED": "true",
        "DYNAMODB_ENDPOINT": urls.dynamodb_endpoint,
        "WS_MANAGEMENT_ENDPOINT": urls.management_endpoint,
        "WS_URL": urls.ws_url,
    }


def _run(environment: dict[str, str], requests: list[dict]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, str(FIRST_INVOCATION), json.dumps(requests)],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"first invocation failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _availability(department_id: str) -> dict:
    return {
        "method": "GET",
        "path": f"/departments/{department_id}/availability",
        "resource": "/departments/{department_id}/availability",
        "path_parameters": {"department_id": department_id},
        "headers": {},
    }


def _message(room_id: str, visitor_token: str) -> dict:
    return {
        "method": "POST",
        "path": f"/rooms/{room_id}/messages",
        "resource": "/rooms/{room_id}/messages",
        "path_parameters": {"room_id": room_id},
        "headers": {"content-type": "application/json", "x-visitor-token": visitor_token},
        # Not a bench message (the live sockets of this room ignore other client_ids).
        "body": {"text": "cold start", "client_id": f"cold-{uuid.uuid4().hex}"},
    }


def measure_cold_start(
    urls, department_id: str, room_id: str, visitor_token: str, runs: int = RUNS
) -> dict[str, float]:
    """Medians over `runs` new containers of each kind: the page view's availability check,
    and a visitor's message into an open chat (five tables: five botocore clients)."""
    environment = lambda_environment(urls)
    availability = [_run(environment, [_availability(department_id)] * 2) for _ in range(runs)]
    message = [
        _run(environment, [_message(room_id, visitor_token) for _ in range(2)]) for _ in range(runs)
    ]

    def median(runs: list[dict], key: str) -> float:
        return round(statistics.median(run[key] for run in runs), 1)

    return {
        "import_ms": median(availability + message, "import_ms"),
        "first_availability_ms": median(availability, "first_request_ms"),
        "first_message_ms": median(message, "first_request_ms"),
        "warm_message_ms": median(message, "second_request_ms"),
        "runs": runs,
    }
