"""The pusher against a real HTTP endpoint shaped like API Gateway's management API: an event to
many sockets is posted several at a time, and the sockets that are gone are named."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chalicelib.push import PARALLEL_POSTS, Pusher


class ManagementApi(ThreadingHTTPServer):
    """POST /@connections/{id}: 410 Gone for the ids in `gone`, else 200; each post first waits
    until `together` posts are in flight at once, and fails if they never are."""

    def __init__(self, together: int, gone: set[str]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.arrivals = threading.Barrier(together)
        self.gone = gone
        self.posted: list[str] = []
        self.lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: ManagementApi

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        connection_id = self.path.rsplit("/", 1)[-1]
        try:
            self.server.arrivals.wait(timeout=10)
        except threading.BrokenBarrierError:
            self._answer(500, "InternalServerError")  # the posts came one after another
            return
        with self.server.lock:
            self.server.posted.append(connection_id)
        if connection_id in self.server.gone:
            self._answer(410, "GoneException")
        else:
            self._answer(200, None)

    def _answer(self, status: int, error_type: str | None) -> None:
        body = b'{"message": "gone"}' if error_type else b""
        self.send_response(status)
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        """Quiet."""


@pytest.fixture
def management_api(request) -> Iterator[ManagementApi]:
    together, gone = request.param
    server = ManagementApi(together, gone)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def aws_credentials(monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")


@pytest.mark.parametrize("management_api", [(PARALLEL_POSTS, {"c3", "c6"})], indirect=True)
def test_an_event_to_many_sockets_is_posted_several_at_a_time(management_api, aws_credentials):
    pusher = Pusher(management_api.endpoint, "eu-central-1")
    connections = [f"c{n}" for n in range(2 * PARALLEL_POSTS)]

    gone = pusher.post_all(connections, {"type": "queue", "event": "added"})

    assert sorted(management_api.posted) == sorted(connections)
    assert gone == ["c3", "c6"]


@pytest.mark.parametrize("management_api", [(1, {"visitor"})], indirect=True)
def test_an_event_to_two_sockets_is_posted_in_the_order_given(management_api, aws_credentials):
    pusher = Pusher(management_api.endpoint, "eu-central-1")

    gone = pusher.post_all(["visitor", "agent"], {"type": "message"})

    assert management_api.posted == ["visitor", "agent"]
    assert gone == ["visitor"]
