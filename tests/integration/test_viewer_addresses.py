"""Rate limits count per viewer, as CloudFront names the viewer, never per edge server and never
per a header the client writes. The Chalice handlers get events of the shapes AWS sends: REST
API proxy events that came through CloudFront (`sourceIp` is the edge, `CloudFront-Viewer-Address`
the viewer, `X-Origin-Verify` the stack's secret) or straight to API Gateway, and WebSocket
CONNECT, MESSAGE and DISCONNECT events."""

from __future__ import annotations

import dataclasses
import json
import uuid

import pytest

from tests.integration.conftest import API_ID, DOMAIN

EDGE = "130.176.98.71"  # a CloudFront edge server: API Gateway's sourceIp behind CloudFront
LIMIT = 60  # RATE_LIMIT_PER_MINUTE's default
MANY = LIMIT + 5
SECRET = "kP3q-origin-secret-of-this-stack-9xV"  # ORIGIN_VERIFY_SECRET, as CloudFront sends it


@pytest.fixture(autouse=True)
def origin_secret(api):
    api.ctx.settings = dataclasses.replace(api.ctx.settings, origin_verify_secret=SECRET)


class LambdaContext:
    function_name = "livechat-dev"
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    memory_limit_in_mb = 512

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 29_000


def rest_event(
    method: str,
    path: str,
    *,
    viewer: str | None,
    source_ip: str = EDGE,
    origin_secret: str | None = SECRET,
    headers: dict | None = None,
    body: dict | None = None,
) -> dict:
    """A REST API (v1) proxy event of a request that CloudFront passed on to API Gateway (with
    `origin_secret` None: one sent straight to API Gateway, as anyone can)."""
    sent = {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "Host": DOMAIN,
        "User-Agent": "Amazon CloudFront",
        "Via": "2.0 8f22423015641505b8c857a37450d6c0.cloudfront.net (CloudFront)",
        "X-Amz-Cf-Id": "nBsWBOrSHMgnaROZJK1wGCZ9PcRcSpq_oSXZNQwQ10OTZL4cimZo3g==",
        "X-Amzn-Trace-Id": "Root=1-6560d3f5-5f4a0d8c3c1f0b6a7e2d9c41",
        "X-Forwarded-For": f"{viewer or source_ip}, {source_ip}",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
        **(headers or {}),
    }
    if viewer is not None:
        sent["CloudFront-Viewer-Address"] = viewer
    if origin_secret is not None:
        sent["X-Origin-Verify"] = origin_secret
    request_id = str(uuid.uuid4())
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": sent,
        "multiValueHeaders": {name: [value] for name, value in sent.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": API_ID,
            "domainName": DOMAIN,
            "domainPrefix": API_ID,
            "extendedRequestId": request_id[:16],
            "httpMethod": method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": source_ip,
                "user": None,
                "userAgent": "Amazon CloudFront",
                "userArn": None,
            },
            "path": f"/api{path}",
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": "27/Nov/2026:04:00:00 +0000",
            "requestTimeEpoch": 1_795_752_000_000,
            "resourceId": "abc123",
            "resourcePath": path,
            "stage": "api",
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def ws_event(
    route_key: str,
    connection_id: str,
    source_ip: str,
    *,
    query: dict | None = None,
    body: str | None = None,
    headers: dict | None = None,
) -> dict:
    """A WebSocket API event; its clients connect to API Gateway directly (no CloudFront), and
    may send any header with `$connect`."""
    event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route_key, "MESSAGE")
    context = {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": "BFHPhFe3IAMF95g=",
        "requestTime": "27/Nov/2026:04:00:00 +0000",
        "messageDirection": "IN",
        "stage": "api",
        "connectedAt": 1_795_752_000_000,
        "requestTimeEpoch": 1_795_752_000_001,
        "identity": {"sourceIp": source_ip, "userAgent": "Mozilla/5.0"},
        "requestId": "BFHPhFe3IAMF95g=",
        "domainName": DOMAIN,
        "connectionId": connection_id,
        "apiId": API_ID,
    }
    event: dict = {"requestContext": context, "isBase64Encoded": False}
    if route_key == "$connect":
        sent = {
            "Host": DOMAIN,
            "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits",
            "Sec-WebSocket-Key": "+W5xw47OHh3OTFsWKjGu9Q==",
            "Sec-WebSocket-Version": "13",
            "X-Amzn-Trace-Id": "Root=1-6731ebfc-08e1e656421db73c5d2eef31",
            "X-Forwarded-For": source_ip,
            "X-Forwarded-Port": "443",
            "X-Forwarded-Proto": "https",
            **(headers or {}),
        }
        event["headers"] = sent
        event["multiValueHeaders"] = {name: [value] for name, value in sent.items()}
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = (
            {name: [value] for name, value in query.items()} if query else None
        )
    elif route_key == "$disconnect":
        context.update(disconnectStatusCode=1001, disconnectReason="Going away")
        event["headers"] = {"Host": DOMAIN, "x-api-key": "", "x-restapi": ""}
        event["multiValueHeaders"] = {"Host": [DOMAIN], "x-api-key": [""], "x-restapi": [""]}
    else:
        context["messageId"] = "BFHPhe6IIAMCKlQ="
        event["body"] = body
    return event


def invoke(api, event: dict) -> dict:
    """Call the Lambda handler that AWS calls for this event: the REST API's (the Chalice app)
    or the WebSocket route's own function."""
    route_key = event["requestContext"].get("routeKey")
    handler = {
        None: api.app.app,
        "$connect": api.app.ws_connect,
        "$default": api.app.ws_message,
        "$disconnect": api.app.ws_disconnect,
    }[route_key]
    return handler(event, LambdaContext())


def socket_ticket(api, visitor_token: str) -> str:
    return api.post("/ws-ticket", auth={"X-Visitor-Token": visitor_token}).json["ticket"]


def new_visitor(
    api,
    viewer: str | None,
    source_ip: str = EDGE,
    headers: dict | None = None,
    origin_secret: str | None = SECRET,
):
    event = rest_event(
        "POST",
        "/visitors",
        viewer=viewer,
        source_ip=source_ip,
        origin_secret=origin_secret,
        headers=headers,
    )
    return invoke(api, event)


def test_new_visitors_from_distinct_viewers_behind_one_edge_are_not_limited(api):
    answers = [new_visitor(api, f"198.51.100.{n}:{40000 + n}") for n in range(MANY)]

    assert [a["statusCode"] for a in answers] == [201] * MANY


def test_new_visitors_from_one_viewer_are_limited_whichever_edge_they_pass(api):
    answers = [
        new_visitor(api, "203.0.113.9:51000", source_ip=f"130.176.98.{n % 7}") for n in range(MANY)
    ]

    statuses = [a["statusCode"] for a in answers]
    assert statuses == [201] * LIMIT + [429] * (MANY - LIMIT)
    refused = answers[-1]
    assert json.loads(refused["body"])["error"]["code"] == "rate_limited"
    assert 1 <= int(refused["headers"]["Retry-After"]) <= 60


def test_a_client_written_forwarding_header_picks_no_other_bucket(api):
    through_cloudfront = [
        new_visitor(
            api,
            "203.0.113.9:51000",
            headers={
                "X-Forwarded-For": f"10.9.8.{n}, 203.0.113.9, {EDGE}",
                "Forwarded": f"for=10.9.8.{n}",
            },
        )
        for n in range(MANY)
    ]
    direct = [
        new_visitor(
            api,
            None,
            source_ip="192.0.2.44",
            origin_secret=None,
            headers={"X-Forwarded-For": f"10.9.8.{n}", "Forwarded": f"for=10.9.8.{n}"},
        )
        for n in range(MANY)
    ]

    assert [a["statusCode"] for a in through_cloudfront].count(429) == MANY - LIMIT
    assert [a["statusCode"] for a in direct].count(429) == MANY - LIMIT


def test_a_viewer_header_without_the_origin_secret_is_keyed_on_the_source_address(api):
    """Called at execute-api directly, bypassing CloudFront, naming a new viewer each time."""
    direct = [
        new_visitor(api, f"198.51.100.{n}:443", source_ip="192.0.2.44", origin_secret=None)
        for n in range(MANY)
    ]

    assert [a["statusCode"] for a in direct] == [201] * LIMIT + [429] * (MANY - LIMIT)


@pytest.mark.parametrize(
    "wrong", ["", SECRET[:-1], SECRET + "x", SECRET.upper(), f"{SECRET}, {SECRET}"]
)
def test_a_viewer_header_with_a_wrong_origin_secret_is_keyed_on_the_source_address(api, wrong):
    guessed = [
        new_visitor(api, f"198.51.100.{n}:443", source_ip="192.0.2.44", origin_secret=wrong)
        for n in range(MANY)
    ]

    assert [a["statusCode"] for a in guessed].count(429) == MANY - LIMIT


def test_without_a_secret_set_no_viewer_header_is_believed(api):
    api.ctx.settings = dataclasses.replace(api.ctx.settings, origin_verify_secret="")

    claimed = [
        new_visitor(api, f"198.51.100.{n}:443", source_ip="192.0.2.44", origin_secret="")
        for n in range(MANY)
    ]

    assert [a["statusCode"] for a in claimed].count(429) == MANY - LIMIT


def test_cloudfronts_forwarded_for_entry_names_the_viewer_when_the_viewer_header_is_missing(api):
    def through_cloudfront(viewer: str, written_by_client: str):
        forwarded = {"X-Forwarded-For": f"{written_by_client}, {viewer}, {EDGE}"}
        return new_visitor(api, None, headers=forwarded)

    distinct = [through_cloudfront(f"198.51.100.{n}", "10.0.0.1") for n in range(MANY)]
    one = [through_cloudfront("203.0.113.77", f"10.0.0.{n}") for n in range(MANY)]

    assert [a["statusCode"] for a in distinct] == [201] * MANY
    assert [a["statusCode"] for a in one].count(429) == MANY - LIMIT


def test_an_ipv6_viewer_counts_by_its_64_network(api):
    same_network = [new_visitor(api, f"[2001:db8:1:2::{n:x}]:443") for n in range(MANY)]
    other_networks = [new_visitor(api, f"[2001:db8:{n:x}::1]:443") for n in range(MANY)]

    assert [a["statusCode"] for a in same_network].count(429) == MANY - LIMIT
    assert [a["statusCode"] for a in other_networks] == [201] * MANY


def test_sockets_from_distinct_viewers_connect_and_many_from_one_are_limited(api):
    tokens = [
        json.loads(new_visitor(api, f"198.51.100.{n}:443")["body"])["token"] for n in range(MANY)
    ]
    distinct = [
        invoke(
            api,
            ws_event(
                "$connect",
                f"c-distinct-{n}=",
                f"198.51.100.{n}",
                query={"ticket": socket_ticket(api, token)},
            ),
        )
        for n, token in enumerate(tokens)
    ]
    crowded = [
        invoke(
            api,
            ws_event(
                "$connect",
                f"c-crowded-{n}=",
                "203.0.113.50",
                query={"ticket": socket_ticket(api, token)},
            ),
        )
        for n, token in enumerate(tokens)
    ]

    assert [a["statusCode"] for a in distinct] == [200] * MANY
    assert [a["statusCode"] for a in crowded] == [200] * LIMIT + [429] * (MANY - LIMIT)
    assert int(crowded[-1]["headers"]["Retry-After"]) >= 1


def test_a_socket_naming_a_viewer_is_keyed_on_its_source_address(api):
    """The socket URL is API Gateway's own: a $connect that names a viewer, even with the origin
    secret, wrote that header itself."""
    tokens = [
        json.loads(new_visitor(api, f"198.51.100.{n}:443")["body"])["token"] for n in range(MANY)
    ]
    claimed = [
        invoke(
            api,
            ws_event(
                "$connect",
                f"c-claimed-{n}=",
                "203.0.113.50",
                query={"ticket": socket_ticket(api, token)},
                headers={
                    "CloudFront-Viewer-Address": f"198.51.100.{n}:443",
                    "X-Origin-Verify": SECRET,
                },
            ),
        )
        for n, token in enumerate(tokens)
    ]

    assert [a["statusCode"] for a in claimed] == [200] * LIMIT + [429] * (MANY - LIMIT)


def test_message_and_disconnect_events_of_aws_shape_reach_the_handlers(api):
    token = json.loads(new_visitor(api, "198.51.100.1:443")["body"])["token"]
    connected = invoke(
        api,
        ws_event(
            "$connect",
            "BFHPhfCWIAMCKlQ=",
            "198.51.100.1",
            query={"ticket": socket_ticket(api, token)},
        ),
    )

    invoke(
        api,
        ws_event(
            "$default",
            "BFHPhfCWIAMCKlQ=",
            "198.51.100.1",
            body='{"action": "typing", "room_id": "room_x", "typing": true}',
        ),
    )
    invoke(api, ws_event("$disconnect", "BFHPhfCWIAMCKlQ=", "198.51.100.1"))
    invoke(
        api,
        ws_event(
            "$default",
            "BFHPhfCWIAMCKlQ=",
            "198.51.100.1",
            body='{"action": "typing", "room_id": "room_x", "typing": true}',
        ),
    )

    assert connected["statusCode"] == 200
    codes = [p["code"] for p in api.pusher.to("BFHPhfCWIAMCKlQ=", "error")]
    assert codes == ["room_not_found", "invalid_token"]
