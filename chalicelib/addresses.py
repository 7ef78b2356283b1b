"""Whose request is it: the viewer's address, on which every rate limit is keyed.

Behind CloudFront, API Gateway's `sourceIp` is an edge server that many viewers share; CloudFront
names the viewer in `CloudFront-Viewer-Address` ("ip:port", forwarded by the origin request
policy) and in the entry it appends to `X-Forwarded-For`. Anyone can send those headers straight
to API Gateway, though, so they are believed only on requests that carry the stack's CloudFront
secret (`X-Origin-Verify`, which CloudFront adds as an origin custom header). Every other request
is keyed on `sourceIp`, and so is every WebSocket `$connect` (sockets reach API Gateway directly).
Headers a client writes itself (its own X-Forwarded-For entries, Forwarded) are never read.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Mapping

VIEWER_HEADER = "cloudfront-viewer-address"
FORWARDED_FOR_HEADER = "x-forwarded-for"
ORIGIN_SECRET_HEADER = "x-origin-verify"
# One IPv6 host usually holds a whole /64; counting its addresses apart would let it rotate.
IPV6_PREFIX = 64

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(raw: str | None) -> Address | None:
    if not raw:
        return None
    text = raw.strip()
    for candidate in (text, text.rsplit(":", 1)[0]):  # with or without ":port"
        try:
            return ipaddress.ip_address(candidate.strip("[]"))
        except ValueError:
            continue
    return None


def rate_key(address: Address) -> str:
    if isinstance(address, ipaddress.IPv4Address):
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.IPv6Network(f"{address}/{IPV6_PREFIX}", strict=False))


def _key(address: Address | None) -> str:
    return rate_key(address) if address is not None else "unknown"


def source_address(source_ip: str | None) -> str:
    """The key of the rate-limit buckets of API Gateway's `sourceIp`: the peer it saw."""
    return _key(_parse(source_ip))


def _from_cloudfront(headers: Mapping[str, str], origin_secret: str) -> bool:
    if not origin_secret:
        return False  # no secret set: nothing proves CloudFront sent it
    sent = headers.get(ORIGIN_SECRET_HEADER, "")
    return hmac.compare_digest(sent.encode(), origin_secret.encode())


def _cloudfront_forwarded_for(headers: Mapping[str, str], source_ip: str | None) -> Address | None:
    """CloudFront's entry of X-Forwarded-For: the one before API Gateway's own (the edge, i.e.
    `sourceIp`); the entries before it are the client's to write."""
    entries = [entry.strip() for entry in headers.get(FORWARDED_FOR_HEADER, "").split(",")]
    if len(entries) < 2 or _parse(entries[-1]) != _parse(source_ip):
        return None
    return _parse(entries[-2])


def viewer_address(
    headers: Mapping[str, str] | None, source_ip: str | None, origin_secret: str
) -> str:
    """The key of the viewer's rate-limit buckets: CloudFront's viewer on what the stack's
    CloudFront forwarded, `sourceIp` on anything else."""
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    if _from_cloudfront(lowered, origin_secret):
        viewer = _parse(lowered.get(VIEWER_HEADER)) or _cloudfront_forwarded_for(lowered, source_ip)
        if viewer is not None:
            return rate_key(viewer)
    return source_address(source_ip)
