"""Sends events to WebSocket connections through API Gateway's management API."""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

import botocore.session
from botocore.exceptions import ClientError

log = logging.getLogger(__name__)


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

    def disconnect(self, connection_id: str) -> None:
        if not self._endpoint:
            return
        client = self._management_client()
        with contextlib.suppress(client.exceptions.GoneException):
            client.delete_connection(ConnectionId=connection_id)
