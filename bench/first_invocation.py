"""A new Lambda container, played by a fresh interpreter: import app.py, then answer one REST
request; prints the timings as JSON. Run by bench/cold_start.py, never imported.

    python bench/first_invocation.py '{"method": ..., "path": ..., "resource": ..., ...}'

Only what the timing needs is imported before app.py, so that the import is measured whole.
"""

import json
import sys
import time

started = time.perf_counter()
import app  # noqa: E402 - the import is what is measured

imported = time.perf_counter()

from chalice.local import LambdaContext  # noqa: E402

from devserver import events  # noqa: E402


def answer(request: dict) -> float:
    """Milliseconds the app takes to answer `request`, which must succeed."""
    event = events.rest_event(
        method=request["method"],
        path=request["path"],
        resource=request["resource"],
        path_parameters=request["path_parameters"],
        query_string="",
        raw_headers=list(request["headers"].items()),
        body=json.dumps(request["body"]).encode() if request.get("body") else b"",
        body_is_binary=False,
        source_ip="127.0.0.1",
        domain_name="bench.local",
    )
    context = LambdaContext("api_handler", memory_size=512, max_runtime_ms=30_000)
    began = time.perf_counter()
    response = app.app(event, context)
    took = time.perf_counter() - began
    if response["statusCode"] >= 400:
        raise SystemExit(f"{request['method']} {request['path']}: {response}")
    return took * 1000


requests = json.loads(sys.argv[1])
first = answer(requests[0])
second = answer(requests[1])
print(
    json.dumps(
        {
            "import_ms": (imported - started) * 1000,
            "first_request_ms": first,
            "second_request_ms": second,
        }
    )
)
