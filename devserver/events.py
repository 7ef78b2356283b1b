"""The event dicts API Gateway and EventBridge hand to Lambda, built from local requests."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

STAGE = "api"
API_ID = "local"
ACCOUNT_ID = "123456789012"


def _request_time(epoch_ms: int) -> str:
    """API Gateway's requestTime format, e.g. 09/Apr/2015:12:34:56 +0000."""
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def _now_ms() -> int:
    return int(time.time() * 1000)


def query_parameters(
    query_string: str,
) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    """queryStringParameters (last value wins) and multiValueQueryStringParameters.

    Both are None without a query string, as in API Gateway.
    """
    pairs = parse_qsl(query_string, keep_blank_values=True)
    if not pairs:
        return None, None
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        multi.setdefault(name, []).append(value)
    return {name: values[-1] for name, values in multi.items()}, multi


def header_parameters(
    raw_headers: Iterable[tuple[str, str]],
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """headers (last value wins, as in API Gateway) and multiValueHeaders; names lower-cased."""
    multi: dict[str, list[str]] = {}
    for name, value in raw_headers:
        multi.setdefault(name.lower(), []).append(value)
    return {name: values[-1] for name, values in multi.items()}, multi


def rest_event(
    *,
    method: str,
    path: str,
    resource: str,
    path_parameters: dict[str, str],
    query_string: str,
    raw_headers: Iterable[tuple[str, str]],
    body: bytes,
    body_is_binary: bool,
    source_ip: str,
    domain_name: str,
) -> dict[str, Any]:
    """A REST API (v1) Lambda proxy integration event.

    `path` is the request path below the stage, still percent-encoded as API Gateway passes it;
    `path_parameters` are decoded.
    """
    headers, multi_headers = header_parameters(raw_headers)
    query, multi_query = query_parameters(query_string)
    request_id = str(uuid.uuid4())
    epoch_ms = _now_ms()
    if not body:
        event_body, is_base64 = None, False
    elif body_is_binary:
        event_body, is_base64 = base64.b64encode(body).decode("ascii"), True
    else:
        event_body, is_base64 = body.decode("utf-8", errors="replace"), False
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": domain_name,
            "domainPrefix": domain_name.split(".")[0],
            "extendedRequestId": request_id,
            "httpMethod": method,
            "identity": {
                "sourceIp": source_ip,
                "userAgent": headers.get("user-agent"),
            },
            "path": f"/{STAGE}{path}",
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": _request_time(epoch_ms),
            "requestTimeEpoch": epoch_ms,
            "resourceId": "local",
            "resourcePath": resource,
            "stage": STAGE,
        },
        "body": event_body,
        "isBase64Encoded": is_base64,
    }


def websocket_event(
    *,
    route_key: str,
    connection_id: str,
    connected_at_ms: int,
    source_ip: str,
    user_agent: str | None,
    domain_name: str,
) -> dict[str, Any]:
    """The part every WebSocket event shares; callers add what is specific to the route."""
    event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route_key, "MESSAGE")
    request_id = str(uuid.uuid4())
    epoch_ms = _now_ms()
    return {
        "requestContext": {
            "routeKey": route_key,
            "eventType": event_type,
            "extendedRequestId": request_id,
            "requestTime": _request_time(epoch_ms),
            "messageDirection": "IN",
            "stage": STAGE,
            "connectedAt": connected_at_ms,
            "requestTimeEpoch": epoch_ms,
            "identity": {"sourceIp": source_ip, "userAgent": user_agent},
            "requestId": request_id,
            "domainName": domain_name,
            "connectionId": connection_id,
            "apiId": API_ID,
        },
        "isBase64Encoded": False,
    }


def connect_event(
    base: dict[str, Any], query_string: str, raw_headers: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    headers, multi_headers = header_parameters(raw_headers)
    query, multi_query = query_parameters(query_string)
    return {
        **base,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
    }


def message_event(base: dict[str, Any], data: str | bytes) -> dict[str, Any]:
    event = {**base, "requestContext": {**base["requestContext"], "messageId": str(uuid.uuid4())}}
    if isinstance(data, bytes):
        event["body"] = base64.b64encode(data).decode("ascii")
        event["isBase64Encoded"] = True
    else:
        event["body"] = data
    return event


def disconnect_event(base: dict[str, Any], status_code: int, reason: str) -> dict[str, Any]:
    context = {
        **base["requestContext"],
        "disconnectStatusCode": status_code,
        "disconnectReason": reason,
    }
    return {**base, "requestContext": context}


def scheduled_event(rule_name: str, region: str) -> dict[str, Any]:
    """What EventBridge sends to a Chalice @app.schedule handler."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/{rule_name}"],
        "detail": {},
    }
