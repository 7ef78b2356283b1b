"""The REST side of API Gateway: /api/... requests become REST API (v1) proxy events."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote, unquote

from chalice.local import RouteMatcher
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from devserver import events
from devserver.lambda_pool import REST_API, LambdaPool

API_PREFIX = "/" + events.STAGE
HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def gateway_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def _is_binary(content_type: str, binary_types: list[str]) -> bool:
    media_type = content_type.split(";")[0].strip().lower()
    if not media_type:
        return False
    family = media_type.split("/")[0] + "/*"
    return any(binary in (media_type, family, "*/*") for binary in binary_types)


# What the stack's CloudFront sets on what it forwards to the API, replacing any a client sent.
CLOUDFRONT_HEADERS = ("cloudfront-viewer-address", "x-origin-verify")


class RestGateway:
    """API Gateway's REST API, behind the stack's CloudFront: each request names its peer in
    CloudFront-Viewer-Address and carries X-Origin-Verify with `origin_secret`, as CloudFront's
    do (chalicelib/addresses.py believes the one only with the other)."""

    def __init__(self, pool: LambdaPool, domain_name: str, origin_secret: str) -> None:
        self._pool = pool
        self._domain_name = domain_name
        self._origin_secret = origin_secret
        self._routes = pool.app.routes
        self._matcher = RouteMatcher(list(self._routes))
        self._binary_types = list(pool.app.api.binary_types)

    async def handle(self, request: Request) -> Response:
        # API Gateway hands the path over still percent-encoded; path parameters decoded.
        raw_path = request.scope.get("raw_path")
        full_path = raw_path.decode("latin-1") if raw_path else quote(request.url.path)
        path = full_path[len(API_PREFIX) :] or "/"
        method = request.method
        try:
            match = self._matcher.match_route(path)
        except ValueError:
            return gateway_error(404, "not_found", f"No resource at {method} {full_path}")
        resource = match.route
        views = self._routes[resource]
        if method == "OPTIONS" and "OPTIONS" not in views:
            preflight = self._preflight_headers(views)
            if preflight is not None:
                return Response(status_code=200, headers=preflight)
        if method not in views:
            return gateway_error(
                405,
                "method_not_allowed",
                f"{method} is not allowed on {full_path}",
                headers={"Allow": ", ".join(views)},
            )
        # RouteMatcher does not reset its captures between candidate routes; keep this route's.
        path_parameters = {
            name: unquote(value)
            for name, value in match.captured.items()
            if "{" + name + "}" in resource
        }
        body = await request.body()
        peer = request.client
        sent = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in request.scope["headers"]
            if name.decode("latin-1").lower() not in CLOUDFRONT_HEADERS
        ]
        if peer is not None:
            host = f"[{peer.host}]" if ":" in peer.host else peer.host
            sent.append(("cloudfront-viewer-address", f"{host}:{peer.port}"))
            sent.append(("x-origin-verify", self._origin_secret))
        event = events.rest_event(
            method=method,
            path=path,
            resource=resource,
            path_parameters=path_parameters,
            query_string=request.scope["query_string"].decode("latin-1"),
            raw_headers=sent,
            body=body,
            body_is_binary=_is_binary(request.headers.get("content-type", ""), self._binary_types),
            source_ip=peer.host if peer is not None else "127.0.0.1",
            domain_name=self._domain_name,
        )
        result = await self._pool.invoke(REST_API, event)
        return _response_from(result)

    @staticmethod
    def _preflight_headers(views: dict[str, Any]) -> dict[str, str] | None:
        """What the OPTIONS mock integration Chalice deploys for CORS routes answers."""
        cors_methods = [method for method, view in views.items() if view.cors is not None]
        if not cors_methods:
            return None
        # Chalice requires every view of one path to share the same CORS configuration.
        headers = views[cors_methods[0]].cors.get_access_control_headers()
        headers["Access-Control-Allow-Methods"] = ",".join([*cors_methods, "OPTIONS"])
        return headers


def _response_from(result: dict[str, Any]) -> Response:
    body = result.get("body") or ""
    if result.get("isBase64Encoded"):
        content = base64.b64decode(body)
    else:
        content = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    response = Response(content=content, status_code=int(result.get("statusCode", 200)))
    header_values: dict[str, list[str]] = {}
    for name, value in (result.get("headers") or {}).items():
        header_values.setdefault(name, []).append(str(value))
    for name, values in (result.get("multiValueHeaders") or {}).items():
        header_values.setdefault(name, []).extend(str(value) for value in values)
    for name, values in header_values.items():
        if name.lower() == "content-length":
            continue  # recomputed from the body
        for value in values:
            response.headers.append(name, value)
    if "content-type" not in response.headers:
        response.headers["content-type"] = "application/json"  # API Gateway's default
    return response
