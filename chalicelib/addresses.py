"""Whose request is it: the viewer's address, on which every rate limit is keyed.

Behind CloudFront, API Gateway's `sourceIp` is an edge server that many viewers share; CloudFront
names the viewer in `CloudFront-Viewer-Address` ("ip:port", forwarded by the origin request
policy), which it sets itself. Headers a client can write (X-Forwarded-For, Forwarded) are never
read. Without CloudFront in front (the WebSocket API, the devserver) `sourceIp` is the viewer.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

VIEWER_HEADER = "cloudfront-viewer-address"
# One IPv6 host usually holds a whole /64; counting its addresses apart would let it rotate.
IPV6_PREFIX = 64


def _parse(raw: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not raw:
        return None
    text = raw.strip()
    for candidate in (text, text.rsplit(":", 1)[0]):  # with or without ":port"
        try:
            return ipaddress.ip_address(candidate.strip("[]"))
        except ValueError:
            continue
    return None


def rate_key(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    if isinstance(address, ipaddress.IPv4Address):
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.IPv6Network(f"{address}/{IPV6_PREFIX}", strict=False))


def viewer_address(headers: Mapping[str, str] | None, source_ip: str | None) -> str:
    """The key of the viewer's rate-limit buckets."""
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    address = _parse(lowered.get(VIEWER_HEADER)) or _parse(source_ip)
    return rate_key(address) if address is not None else "unknown"
