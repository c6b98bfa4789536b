"""The fault proxy itself, against a real HTTP server on 127.0.0.1 and real httpx clients.

The sync tests trust the proxy to break the link exactly as asked, so each fault is checked
from both ends: what the client sees and whether the server did the work.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.faultproxy import PROFILES, FaultProxy

# A proxy thread that dies is exactly the bug these tests exist to catch, so make it fatal.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")

TIMEOUT = 5


class Target(ThreadingHTTPServer):
    """The "central server": counts the POSTs it completed, i.e. the work it did."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.posts = 0
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def did_work(self) -> None:
        with self.lock:
            self.posts += 1

    def handle_error(self, request: object, client_address: object) -> None:
        """Peers cut by the proxy are the point of these tests, not an error to print."""


class Handler(BaseHTTPRequestHandler):
    """GET -> b"ok"; POST /echo -> the body back; other POSTs -> the body length."""

    protocol_version = "HTTP/1.1"  # keep-alive, like uvicorn
    server: Target

    def _reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._reply(200, b"ok")

    def do_POST(self) -> None:
        length = self.headers.get("Content-Length")
        if length is None:
            # A head cut short by the proxy still parses (http.client stops at EOF), but
            # without its Content-Length: that is not a request to act on.
            self.close_connection = True
            self._reply(411, b"")
            return
        body = self.rfile.read(int(length))
        if len(body) != int(length):  # the body was cut: no work done
            self.close_connection = True
            return
        self.server.did_work()  # before answering: a response cut comes after the work
        self._reply(200, body if self.path == "/echo" else str(len(body)).encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def target() -> Iterator[Target]:
    server = Target()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(2)


@pytest.fixture
def proxy(target: Target) -> Iterator[FaultProxy]:
    with FaultProxy(target.port, seed=1) as p:
        yield p


def client(keepalive: bool = True) -> httpx.Client:
    """Without keep-alive every request opens a connection, so per-connection faults apply."""
    limits = httpx.Limits() if keepalive else httpx.Limits(max_keepalive_connections=0)
    return httpx.Client(timeout=TIMEOUT, limits=limits)


def wait_for(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def body(size: int) -> bytes:
    return random.Random(size).randbytes(size)


def test_clean_link_is_byte_exact(proxy: FaultProxy, target: Target) -> None:
    payload = body(200_000)
    with client() as c:
        r = c.post(f"{proxy.url}/echo", content=payload)
    assert r.status_code == 200
    assert r.content == payload
    assert target.posts == 1
    stats = proxy.stats
    assert stats["connections"] == 1
    assert stats["bytes_up"] > 200_000
    assert stats["bytes_down"] > 200_000
    assert stats["cuts"] == stats["duplicates"] == 0


def test_down_fails_fast_and_up_recovers(proxy: FaultProxy) -> None:
    with client() as c:
        assert c.get(proxy.url).status_code == 200  # leaves a pooled keep-alive connection
        proxy.down()
        assert proxy.stats["dropped"] == 1
        start = time.monotonic()
        with pytest.raises(httpx.TransportError):
            c.get(proxy.url)
        with client() as fresh, pytest.raises(httpx.TransportError):
            fresh.get(proxy.url)
        assert time.monotonic() - start < 1
        assert proxy.stats["refused"] >= 1
        proxy.up()
        assert c.get(proxy.url).text == "ok"


def test_request_cut_means_no_work(proxy: FaultProxy, target: Target) -> None:
    proxy.cut_requests(100)
    with client() as c:
        with pytest.raises(httpx.TransportError):
            c.post(f"{proxy.url}/count", content=body(10_000))
        time.sleep(0.3)  # give a wrongly forwarded request time to be counted
        assert target.posts == 0
        assert c.post(f"{proxy.url}/count", content=body(10_000)).text == "10000"
    assert target.posts == 1
    assert proxy.stats["cuts"] == proxy.stats["request_cuts"] == 1
    assert proxy.link["pending_request_cuts"] == 0


def test_response_cut_means_work_done_but_unheard(proxy: FaultProxy, target: Target) -> None:
    proxy.cut_responses(10)
    with client() as c:
        with pytest.raises(httpx.TransportError):
            c.post(f"{proxy.url}/count", content=b"x" * 500)
        assert target.posts == 1  # counted before the server answered, so before the cut
        assert c.post(f"{proxy.url}/count", content=b"x" * 500).text == "500"
    assert target.posts == 2
    assert proxy.stats["response_cuts"] == 1


def test_response_cut_mid_body_errors_promptly(proxy: FaultProxy, target: Target) -> None:
    proxy.cut_responses(50_000)
    start = time.monotonic()
    with client() as c, pytest.raises(httpx.TransportError):
        c.post(f"{proxy.url}/echo", content=body(200_000))
    assert time.monotonic() - start < 2
    assert target.posts == 1


def test_cuts_apply_to_the_next_count_connections(proxy: FaultProxy) -> None:
    proxy.cut_responses(0, count=2)
    with client(keepalive=False) as c:
        for _ in range(2):
            with pytest.raises(httpx.TransportError):
                c.get(proxy.url)
        assert c.get(proxy.url).text == "ok"
    assert proxy.stats["cuts"] == 2


def test_duplicate_requests_reach_the_target_twice(proxy: FaultProxy, target: Target) -> None:
    proxy.duplicate_requests()
    payload = body(1_000)
    with client() as c:
        r = c.post(f"{proxy.url}/echo", content=payload)
    assert r.status_code == 200
    assert r.content == payload
    assert wait_for(lambda: target.posts == 2)
    time.sleep(0.2)
    assert target.posts == 2
    assert proxy.stats["duplicates"] == 1

    proxy.duplicate_requests(False)
    with client() as c:
        c.post(f"{proxy.url}/echo", content=payload)
    time.sleep(0.2)
    assert target.posts == 3


def test_delay_applies_both_ways(proxy: FaultProxy) -> None:
    with client() as c:
        c.get(proxy.url)  # an open keep-alive connection: the delay applies to it too
        proxy.delay(0.2)
        start = time.monotonic()
        assert c.get(proxy.url).text == "ok"
        elapsed = time.monotonic() - start
        assert 0.4 <= elapsed < 2
        proxy.heal()
        start = time.monotonic()
        c.get(proxy.url)
        assert time.monotonic() - start < 0.2


def test_bandwidth_limits_an_upload(proxy: FaultProxy, target: Target) -> None:
    proxy.bandwidth(50_000)
    start = time.monotonic()
    with client() as c:
        r = c.post(f"{proxy.url}/count", content=body(100_000))
    elapsed = time.monotonic() - start
    assert r.text == "100000"
    assert 1.5 <= elapsed < 4


def test_random_cuts_are_seeded_and_counted(proxy: FaultProxy, target: Target) -> None:
    proxy.random_cuts(1.0)
    with client(keepalive=False) as c:
        for _ in range(8):
            with pytest.raises(httpx.TransportError):
                c.post(f"{proxy.url}/count", content=b"x" * 200)
        stats = proxy.stats
        assert stats["cuts"] == 8
        # Both kinds happen: the ones the server acted on are exactly the response cuts.
        assert stats["request_cuts"] > 0
        assert stats["response_cuts"] > 0
        assert wait_for(lambda: target.posts == stats["response_cuts"])

        proxy.random_cuts(0)
        for _ in range(5):
            assert c.get(proxy.url).text == "ok"
    assert proxy.stats["cuts"] == 8


def test_random_cuts_replay_with_the_same_seed(target: Target) -> None:
    def pattern(seed: int) -> list[bool]:
        with FaultProxy(target.port, seed=seed) as p, client(keepalive=False) as c:
            p.random_cuts(0.5)
            outcomes = []
            for _ in range(12):
                try:
                    c.get(p.url)
                    outcomes.append(True)
                except httpx.TransportError:
                    outcomes.append(False)
            return outcomes

    first = pattern(3)
    assert first == pattern(3)
    assert True in first and False in first


def test_half_close_is_passed_on() -> None:
    """A client that shuts down its write side must still get the answer."""
    with socket.create_server(("127.0.0.1", 0)) as server:

        def serve() -> None:
            conn, _ = server.accept()
            with conn:
                received = b""
                while chunk := conn.recv(65_536):
                    received += chunk
                conn.sendall(b"got %d" % len(received))

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        with (
            FaultProxy(server.getsockname()[1]) as proxy,
            socket.create_connection(("127.0.0.1", proxy.port), timeout=TIMEOUT) as sock,
        ):
            sock.sendall(b"a" * 100_000)
            sock.shutdown(socket.SHUT_WR)
            reply = b""
            while chunk := sock.recv(65_536):
                reply += chunk
        thread.join(2)
    assert reply == b"got 100000"


def test_reset_peers_do_not_break_the_proxy(proxy: FaultProxy) -> None:
    for _ in range(3):
        sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=TIMEOUT)
        sock.sendall(b"POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()  # RST
    with client() as c:
        assert c.get(proxy.url).text == "ok"


def test_unreachable_target_fails_fast() -> None:
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with FaultProxy(port) as proxy, client() as c:
        start = time.monotonic()
        with pytest.raises(httpx.TransportError):
            c.get(proxy.url)
        assert time.monotonic() - start < 2
        assert proxy.stats["upstream_errors"] == 1


def test_heal_resets_every_fault(proxy: FaultProxy) -> None:
    proxy.down()
    proxy.cut_requests(10, count=3)
    proxy.cut_responses(10)
    proxy.delay(1)
    proxy.bandwidth(10)
    proxy.duplicate_requests()
    proxy.random_cuts(1.0)
    proxy.heal()
    assert proxy.link == {
        "up": True,
        "delay": 0.0,
        "bandwidth": None,
        "duplicates": False,
        "cut_probability": 0.0,
        "pending_request_cuts": 0,
        "pending_response_cuts": 0,
    }
    with client() as c:
        assert c.get(proxy.url).text == "ok"


def test_profiles(proxy: FaultProxy) -> None:
    assert set(PROFILES) == {"fibre", "mobile", "satellite"}
    proxy.apply_profile("satellite")
    assert proxy.link["bandwidth"] == 62_500
    assert proxy.link["delay"] == 0.65
    assert proxy.link["cut_probability"] == 0.05
    proxy.apply_profile("fibre")
    assert proxy.link["cut_probability"] == 0.0
    with client() as c:
        start = time.monotonic()
        assert c.get(proxy.url).text == "ok"
        assert time.monotonic() - start >= 0.08
    with pytest.raises(ValueError, match="unknown link profile"):
        proxy.apply_profile("dial-up")


def test_stop_with_idle_keepalive_connection(target: Target) -> None:
    proxy = FaultProxy(target.port).start()
    with client() as c:
        assert c.get(proxy.url).text == "ok"
        prefix = f"faultproxy:{proxy.port}:"

        def names() -> list[str]:
            return [t.name for t in threading.enumerate() if t.name.startswith(prefix)]

        assert f"{prefix}accept" in names()
        assert any(name.endswith("up-read") for name in names())
        start = time.monotonic()
        proxy.stop()
        assert time.monotonic() - start < 2
        assert wait_for(lambda: not names(), timeout=1)
        with pytest.raises(httpx.TransportError):
            c.get(proxy.url)
    proxy.stop()  # idempotent
    with contextlib.closing(socket.socket()) as s:  # the port is free again
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", proxy.port))
