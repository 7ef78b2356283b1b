"""Sends events to WebSocket connections through API Gateway's management API."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import botocore.session
from botocore.exceptions import ClientError

log = logging.getLogger(__name__)

# An event to many sockets (a department's consoles, a channel's online members) is posted this
# many at a time: each post is an HTTPS call to API Gateway, and one after another the last
# receiver would wait for all the others. Within botocore's 10 pooled connections per client.
PARALLEL_POSTS = 8
_posting: ThreadPoolExecutor | None = None


def _posting_threads() -> ThreadPoolExecutor:
    global _posting
    if _posting is None:
        _posting = ThreadPoolExecutor(max_workers=PARALLEL_POSTS, thread_name_prefix="post")
    return _posting


class Pusher:
    """Posts JSON to connections. The endpoint comes from settings: REST routes push too, and
    Chalice configures its own websocket client only inside WebSocket handlers."""

    def __init__(
        self, endpoint: str | None, region: str, session: botocore.session.Session | None = None
    ) -> None:
        """`session`: the botocore session to make the client in; a new one when None."""
        self._endpoint = endpoint
        self._region = region
        self._session = session
        self._client: Any = None

    def _management_client(self) -> Any:
        if self._client is None:
            # botocore rather than boto3: importing boto3 would add a tenth of a second to
            # every cold start, and a client is all this needs.
            session = self._session or botocore.session.get_session()
            self._client = session.create_client(
                "apigatewaymanagementapi", endpoint_url=self._endpoint, region_name=self._region
            )
        return self._client

    def post(self, connection_id: str, payload: dict) -> bool:
        """Deliver one event; False when the connection is gone (the caller forgets it)."""
        if not self._endpoint:
            return True  # no WebSocket API configured (unit tests of REST only)
        client = self._management_client()
        try:
            client.post_to_connection(
                ConnectionId=connection_id, Data=json.dumps(payload).encode("utf-8")
            )
        except client.exceptions.GoneException:
            return False
        except ClientError as exc:
            # A push that fails must not undo the state change that caused it: clients resync.
            log.warning("push to %s failed: %s", connection_id, exc)
        return True

    def post_all(self, connection_ids: Sequence[str], payload: dict) -> list[str]:
        """Deliver one event to each connection, in this order when they are two (the caller
        puts whoever waits most first), several at once when more; the connections gone."""
        if len(connection_ids) <= 2 or not self._endpoint:
            return [c for c in connection_ids if not self.post(c, payload)]
        self._management_client()  # made once, before the threads share it
        delivered = _posting_threads().map(lambda c: self.post(c, payload), connection_ids)
        return [c for c, posted in zip(connection_ids, delivered, strict=True) if not posted]

    def disconnect(self, connection_id: str) -> None:
        if not self._endpoint:
            return
        client = self._management_client()
        with contextlib.suppress(client.exceptions.GoneException):
            client.delete_connection(ConnectionId=connection_id)
