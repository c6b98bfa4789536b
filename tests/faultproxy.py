"""A fault-injecting TCP proxy for proving that kiosk <-> central sync survives a bad network.

It sits between a kiosk server and a central server (both HTTP/1.1 on 127.0.0.1) in tests
and in the link benchmark. It knows nothing about HTTP: it forwards bytes, and the faults
are expressed in bytes and connections, because that is what a real link loses. The two
cuts that matter for sync are distinct on purpose:

* a *request* cut loses bytes on the way in, so the target never does the work;
* a *response* cut happens only after the target has answered, so the work is done but the
  client never hears of it and must retry safely (idempotency).

Design: stdlib threads and blocking sockets. Every accepted connection gets a supervisor
thread and a reader + writer thread per direction, joined by a bounded queue. The reader
stamps each chunk with its delivery time (for latency); the writer sleeps until then and
paces the bytes (for bandwidth), so latency does not serialise the stream and chunks stay
in order. Blocked threads are woken by ``shutdown(SHUT_RDWR)`` (``close()`` alone does not
wake a thread blocked in ``recv``/``send`` on Linux and would leave the peer hanging) and
every wait polls at ``_POLL`` seconds, which is what bounds ``stop()``.

Which knobs act when:

* ``delay`` and ``bandwidth`` are read per chunk, so they also change connections that are
  already open. That matters because httpx keeps connections alive: a knob that only
  applied to new connections would silently not apply to a pooled client.
* ``cut_requests``, ``cut_responses``, ``random_cuts`` and ``duplicate_requests`` are decided
  per connection when it is accepted, so a keep-alive connection opened before the call is
  not affected by it. A cut offset counts bytes from the start of the connection, not of
  the HTTP message.
* ``down`` cuts the open connections at once and refuses new ones.
"""

from __future__ import annotations

import contextlib
import queue
import random
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Final, Self

# Link profiles for the benchmark. The figures are the issue's: 2 Mbit/s, 1 Mbit/s and
# 500 kbit/s, converted to the bytes per second the proxy paces in (bits // 8). Delay is
# one-way and added on each direction, so a request/response round trip costs twice that.
# cut_probability is per new connection (see random_cuts() for what that means with
# keep-alive clients).
PROFILES: Final[dict[str, dict[str, float | int]]] = {
    # Wired line: 250 000 B/s, 80 ms round trip, a cable does not drop connections.
    "fibre": dict(bandwidth=2_000_000 // 8, delay=0.040, cut_probability=0.0),
    # 3G/4G modem: 125 000 B/s, 400 ms round trip, 1 connection in 20 dies part-way
    # (handover, lost signal).
    "mobile": dict(bandwidth=1_000_000 // 8, delay=0.200, cut_probability=0.05),
    # Geostationary satellite: 62 500 B/s, 1.3 s round trip. Physics gives ~0.25-0.3 s one
    # way for the hop up and down, so 0.65 s one-way is the pessimistic end (or the issue's
    # figure was a round trip); kept as given, a slow link is what the benchmark is for.
    "satellite": dict(bandwidth=500_000 // 8, delay=0.650, cut_probability=0.05),
}

_CHUNK: Final = 65_536  # bytes per recv(); large enough that a clean link is not the bottleneck
_POLL: Final = 0.05  # seconds: how often a blocked thread looks at the stop/cut flags
_QUEUE_CHUNKS: Final = 16  # per direction: caps buffered data at 1 MiB, so a slow link pushes back
_PACE_SLICES_PER_SECOND: Final = 50  # bandwidth is enforced in 20 ms slices: smooth, not bursty
_CONNECT_TIMEOUT: Final = 5.0  # seconds to reach the target before giving up on a connection
_DUPLICATE_GRACE: Final = 5.0  # seconds a duplicate may take to answer after its original ended
_STOP_TIMEOUT: Final = 1.5  # seconds stop() waits for threads; they are daemons beyond that
# A random cut lands in the first bytes of the connection unless told otherwise: every HTTP
# request or response head is longer than 64 bytes, so such a cut always breaks the first
# exchange, which is what makes "probability per connection" mean what it says.
DEFAULT_RANDOM_CUT_MAX_OFFSET: Final = 64

_EOF: Final = "eof"  # queue marker: the source half-closed; pass the FIN on
_RESET: Final = "reset"  # queue marker: the source reset; reset the whole connection

_STAT_KEYS: Final = (
    "connections",  # every accepted client connection, including refused ones
    "refused",  # accepted while down() and closed at once
    "dropped",  # open connections cut by down() or stop()
    "cuts",  # cuts from cut_requests / cut_responses / random_cuts
    "request_cuts",
    "response_cuts",
    "duplicates",  # duplicate upstream connections opened
    "bytes_up",  # client -> target, bytes actually forwarded (duplicates not counted)
    "bytes_down",  # target -> client, bytes actually forwarded
    "upstream_errors",  # the target could not be reached
    "resets",  # a peer reset its side (ECONNRESET and friends)
)


def _reset_close(sock: socket.socket) -> None:
    """Close with SO_LINGER 0 so the peer gets an RST, as a router that lost the route would."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _shutdown(sock: socket.socket | None, how: int = socket.SHUT_RDWR) -> None:
    """Shut a socket down, ignoring a peer that is already gone: faults must never raise."""
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(how)


def _readable(sock: socket.socket) -> bool:
    """Wait up to ``_POLL`` for data, EOF or an error on ``sock``.

    poll() rather than select(): select() fails on descriptors above 1024, which a benchmark
    with many connections reaches, and that failure would look like a reset link.
    """
    poller = select.poll()
    poller.register(sock, select.POLLIN)  # POLLHUP/POLLERR/POLLNVAL are always reported
    return bool(poller.poll(_POLL * 1000))


def _tune(sock: socket.socket) -> None:
    """Blocking mode and no Nagle: small pieces from the pacer must not wait 40 ms for an ACK."""
    sock.setblocking(True)
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


@dataclass
class _Plan:
    """The faults decided for one connection at accept time."""

    request_cut: int | None = None  # forward this many bytes client -> target, then cut
    response_cut: int | None = None  # forward this many bytes target -> client, then cut
    duplicate: bool = False


class _Pump:
    """One direction of one connection: a reader thread, a queue and a writer thread."""

    def __init__(self, conn: _Connection, upstream: bool, src: socket.socket, dst: socket.socket):
        self.conn = conn
        self.upstream = upstream  # True: client -> target
        self.src = src
        self.dst = dst
        self.queue: queue.Queue[tuple[float, bytes] | str] = queue.Queue(_QUEUE_CHUNKS)
        self.dead = threading.Event()  # this direction can no longer deliver; stop reading
        self.limit = conn.plan.request_cut if upstream else conn.plan.response_cut
        self.forwarded = 0
        self.next_free = 0.0  # pacing clock: when the link is free for the next slice
        label = "up" if upstream else "down"
        self.threads = [
            threading.Thread(target=self._read, name=f"{conn.name}:{label}-read", daemon=True),
            threading.Thread(target=self._write, name=f"{conn.name}:{label}-write", daemon=True),
        ]

    def _stopped(self) -> bool:
        return self.conn.closed.is_set() or self.dead.is_set()

    def _put(self, item: tuple[float, bytes] | str) -> bool:
        """Queue an item, giving up if the connection is cut while the queue is full."""
        while not self._stopped():
            try:
                self.queue.put(item, timeout=_POLL)
            except queue.Full:
                continue
            return True
        return False

    def _read(self) -> None:
        """Read chunks and stamp them with their delivery time; never raise."""
        last_due = 0.0
        while not self._stopped():
            try:
                if not _readable(self.src):
                    continue
                data = self.src.recv(_CHUNK)
            except (OSError, ValueError):  # reset, or the socket closed under us
                if not self.conn.closed.is_set():
                    self.conn.proxy._count("resets")
                    self._put(_RESET)
                return
            if not data:
                self._put(_EOF)
                return
            # Same latency for every chunk, but never overtake an earlier chunk when the delay
            # is lowered mid-stream: a TCP link delivers in order.
            last_due = max(last_due, time.monotonic() + self.conn.proxy._delay)
            if not self._put((last_due, data)):
                return

    def _get(self) -> tuple[float, bytes] | str | None:
        while not self.conn.closed.is_set():
            try:
                return self.queue.get(timeout=_POLL)
            except queue.Empty:
                continue
        return None

    def _write(self) -> None:
        """Deliver chunks on time and at the link's rate, applying this direction's cut."""
        if self.upstream and self.limit == 0:
            # A request cut at 0 bytes: the target sees a connection that closes unused.
            self.conn.cut(upstream=True)
            return
        while True:
            item = self._get()
            if item is None:
                return
            if item == _EOF:
                # Half-close: pass the FIN on and keep the other direction running, so a client
                # that did shutdown(SHUT_WR) still gets its answer.
                _shutdown(self.dst, socket.SHUT_WR)
                if self.upstream:
                    self.conn.close_duplicate_writes()
                return
            if item == _RESET:
                self.conn.abort(reset=True)
                return
            assert isinstance(item, tuple)
            due, data = item
            wait = due - time.monotonic()
            if wait > 0 and self.conn.closed.wait(wait):
                return
            if self.limit is not None:
                # A response cut only fires once the target has answered, even at 0 bytes: that
                # is what guarantees "the target did the work, the client never hears".
                data = data[: self.limit - self.forwarded]
            if not self._send(data):
                return
            if self.limit is not None and self.forwarded >= self.limit:
                self.conn.cut(upstream=self.upstream)
                return

    def _send(self, data: bytes) -> bool:
        """Send at the current bandwidth; False if this direction died."""
        view = memoryview(data)
        while view:
            rate = self.conn.proxy._bandwidth
            if rate is None:
                piece = view
            else:
                piece = view[: max(1, rate // _PACE_SLICES_PER_SECOND)]
                now = time.monotonic()
                if self.next_free > now and self.conn.closed.wait(self.next_free - now):
                    return False
                self.next_free = max(self.next_free, now) + len(piece) / rate
            try:
                self.dst.sendall(piece)
            except OSError:
                # The destination is gone. Stop this direction only: the other one will see the
                # same reset or FIN and carry it to its own peer, in order after queued data.
                self.dead.set()
                return False
            if self.upstream:
                self.conn.send_duplicate(piece)
            self.forwarded += len(piece)
            self.conn.proxy._count("bytes_up" if self.upstream else "bytes_down", len(piece))
            view = view[len(piece) :]
        return True


class _Connection:
    """One proxied client connection, its upstream and, optionally, its duplicate."""

    def __init__(self, proxy: FaultProxy, ident: int, client: socket.socket, plan: _Plan):
        self.proxy = proxy
        self.client = client
        self.plan = plan
        self.name = f"faultproxy:{proxy.port}:c{ident}"
        self.upstream: socket.socket | None = None
        self.duplicate: socket.socket | None = None
        self.closed = threading.Event()  # cut, dropped or stopped: every pump stops now
        self.hard = threading.Event()  # also kill the duplicate (down/stop), not just the original
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    # --- called from any thread -------------------------------------------------------------

    def cut(self, upstream: bool) -> None:
        """A planned cut: close both sides of the original connection."""
        self.abort(counters=("cuts", "request_cuts" if upstream else "response_cuts"))

    def abort(
        self, reset: bool = False, hard: bool = False, counters: tuple[str, ...] = ()
    ) -> None:
        """Close both sides promptly; the duplicate is only half-closed unless ``hard``.

        ``shutdown`` rather than ``close``: it sends the FIN now and wakes the pump threads
        blocked on these sockets. The supervisor closes the sockets once the pumps are gone.
        ``counters`` are bumped only if the connection was still open (so a cut racing a
        down() counts once) and before the peers can see the close, so a client that has
        just seen its error can rely on ``stats``.
        """
        with self.lock:
            if hard:
                self.hard.set()
                _shutdown(self.duplicate)
            if self.closed.is_set():
                return
            self.closed.set()
            for key in counters:
                self.proxy._count(key)
            if reset:
                for sock in (self.client, self.upstream):
                    if sock is not None:
                        with contextlib.suppress(OSError):
                            sock.setsockopt(
                                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                            )
            _shutdown(self.client)
            _shutdown(self.upstream)
            if not hard:
                # The duplicate got exactly what the original got; let the target finish with it.
                _shutdown(self.duplicate, socket.SHUT_WR)

    def send_duplicate(self, data: memoryview) -> None:
        """Mirror forwarded request bytes on the duplicate connection; losing it is harmless."""
        dup = self.duplicate
        if dup is None:
            return
        try:
            dup.sendall(data)
        except OSError:
            self.duplicate = None
            _shutdown(dup)

    def close_duplicate_writes(self) -> None:
        _shutdown(self.duplicate, socket.SHUT_WR)

    # --- supervisor thread ------------------------------------------------------------------

    def _connect(self) -> socket.socket | None:
        try:
            sock = socket.create_connection(
                (self.proxy.target_host, self.proxy.target_port), timeout=_CONNECT_TIMEOUT
            )
        except OSError:
            return None
        _tune(sock)
        return sock

    def _drain_duplicate(self, dup: socket.socket) -> None:
        """Read and throw away the duplicate's responses until the target closes it."""
        while not self.hard.is_set():
            try:
                if _readable(dup) and not dup.recv(_CHUNK):
                    return
            except (OSError, ValueError):
                return

    def _run(self) -> None:
        try:
            self._serve()
        finally:
            self.proxy._forget(self)

    def _serve(self) -> None:
        upstream = self._connect()
        if upstream is None:
            self.proxy._count("upstream_errors")
            _reset_close(self.client)
            return
        dup = self._connect() if self.plan.duplicate else None
        with self.lock:
            if self.closed.is_set():  # dropped while connecting
                for sock in (upstream, dup):
                    if sock is not None:
                        _reset_close(sock)
                self.client.close()
                return
            self.upstream = upstream
            self.duplicate = dup
        drain = None
        if dup is not None:
            self.proxy._count("duplicates")
            drain = threading.Thread(
                target=self._drain_duplicate, args=(dup,), name=f"{self.name}:dup", daemon=True
            )
            drain.start()
        pumps = [
            _Pump(self, True, self.client, upstream),
            _Pump(self, False, upstream, self.client),
        ]
        threads = [t for pump in pumps for t in pump.threads]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with self.lock:
            self.closed.set()  # finished on its own: a later down() has nothing to drop here
        self.client.close()
        upstream.close()
        if dup is not None and drain is not None:
            _shutdown(dup, socket.SHUT_WR)
            drain.join(_DUPLICATE_GRACE)
            self.hard.set()
            drain.join(_STOP_TIMEOUT)
            dup.close()


class FaultProxy:
    """A TCP proxy on 127.0.0.1 whose link can be broken on purpose, from any thread.

    >>> with FaultProxy(central.port) as proxy:  # doctest: +SKIP
    ...     proxy.cut_responses(10)
    ...     kiosk_sync(central_url=proxy.url)
    """

    def __init__(
        self,
        target_port: int,
        target_host: str = "127.0.0.1",
        listen_port: int = 0,
        seed: int = 0,
    ) -> None:
        self.target_port = target_port
        self.target_host = target_host
        self.port = listen_port
        self._lock = threading.Lock()
        self._rng = random.Random(seed)  # seeded so a failing run can be replayed exactly
        self._stats = dict.fromkeys(_STAT_KEYS, 0)
        self._connections: set[_Connection] = set()
        self._next_ident = 0
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._stopping = threading.Event()
        # Link state. Plain attributes read without the lock by the pumps: a stale read costs
        # one chunk, and assignment of a float/int/None is atomic in CPython.
        self._down = False
        self._delay = 0.0
        self._bandwidth: int | None = None
        self._duplicates = False
        self._cut_probability = 0.0
        self._random_cut_max_offset = DEFAULT_RANDOM_CUT_MAX_OFFSET
        self._pending_cuts: list[tuple[bool, int]] = []  # (upstream?, after_bytes), FIFO

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        """Listen on 127.0.0.1 and start accepting; ``port`` is the real port afterwards."""
        if self._listener is not None or self._stopping.is_set():
            raise RuntimeError("FaultProxy already started (a stopped one cannot be restarted)")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind(("127.0.0.1", self.port))
            listener.listen(128)
        except OSError:
            listener.close()
            raise
        listener.settimeout(_POLL)  # accept() wakes up to notice stop()
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name=f"faultproxy:{self.port}:accept", daemon=True
        )
        self._accept_thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and cut every connection; returns within ~2 s whatever the peers do."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        deadline = time.monotonic() + _STOP_TIMEOUT
        if self._accept_thread is not None:
            self._accept_thread.join(_STOP_TIMEOUT)
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            conn.abort(hard=True, counters=("dropped",))
        for conn in connections:
            if conn.thread.ident is not None:
                conn.thread.join(max(0.0, deadline - time.monotonic()))
        for conn in connections:  # stragglers: close anyway, their threads will exit on error
            for sock in (conn.client, conn.upstream, conn.duplicate):
                if sock is not None:
                    sock.close()

    def __enter__(self) -> Self:
        if self._listener is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- link state --------------------------------------------------------------------------

    def down(self) -> None:
        """Cut every open connection and refuse (accept, then RST) new ones until ``up()``."""
        with self._lock:
            self._down = True
            connections = list(self._connections)
        for conn in connections:
            conn.abort(reset=True, hard=True, counters=("dropped",))

    def up(self) -> None:
        """Let new connections through again (the other faults are left as they are)."""
        self._down = False

    def heal(self) -> None:
        """Back to a perfect link: up, no pending or random cuts, no delay, no limit, no duplicates."""
        with self._lock:
            self._down = False
            self._delay = 0.0
            self._bandwidth = None
            self._duplicates = False
            self._cut_probability = 0.0
            self._random_cut_max_offset = DEFAULT_RANDOM_CUT_MAX_OFFSET
            self._pending_cuts.clear()

    def cut_requests(self, after_bytes: int, count: int = 1) -> None:
        """The next ``count`` connections forward ``after_bytes`` bytes client -> target, then close.

        The target gets a truncated request and should not act on it. If the connection sends
        fewer bytes than that, no cut happens on it. Queued after earlier pending cuts.
        """
        self._queue_cuts(True, after_bytes, count)

    def cut_responses(self, after_bytes: int, count: int = 1) -> None:
        """The next ``count`` connections forward ``after_bytes`` bytes target -> client, then close.

        The cut fires only once the target starts answering, so the target has done the work
        and the client never learns the outcome: the case a sync retry must be idempotent for.
        """
        self._queue_cuts(False, after_bytes, count)

    def delay(self, seconds: float) -> None:
        """Add one-way latency to every chunk in both directions, open connections included."""
        if seconds < 0:
            raise ValueError("delay must be >= 0")
        self._delay = float(seconds)

    def bandwidth(self, bytes_per_second: int | None) -> None:
        """Limit each direction of each connection to this many bytes/s; None = unlimited."""
        if bytes_per_second is not None and bytes_per_second <= 0:
            raise ValueError("bandwidth must be > 0 or None")
        self._bandwidth = bytes_per_second

    def duplicate_requests(self, on: bool = True) -> None:
        """Replay every new connection's request bytes on a second upstream connection.

        The target sees each request twice (as after a retransmitting middlebox or a client
        retry whose first attempt did arrive); the duplicate's responses are thrown away.
        """
        self._duplicates = on

    def random_cuts(
        self, probability: float, max_offset: int = DEFAULT_RANDOM_CUT_MAX_OFFSET
    ) -> None:
        """Cut each new connection with this probability, in a random direction and offset.

        The offset is uniform in ``[0, max_offset)``. The default keeps it inside the first
        request or response head so that a chosen cut always breaks the first exchange; a
        larger value lets cuts land inside bodies or later keep-alive requests, at the price
        that a cut past the end of the traffic never fires. 0 turns random cuts off.

        The dice are rolled per connection, so a pooled keep-alive client that opens one
        connection and reuses it for a whole sync is cut at most once, early on. To make a
        profile's cut rate bite, give the client ``httpx.Limits(max_keepalive_connections=0)``.
        """
        if not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be in [0, 1]")
        if max_offset < 1:
            raise ValueError("max_offset must be >= 1")
        with self._lock:
            self._cut_probability = probability
            self._random_cut_max_offset = max_offset

    def apply_profile(self, name: str) -> None:
        """Set bandwidth, delay and random cuts from ``PROFILES[name]``; other faults stay."""
        try:
            profile = PROFILES[name]
        except KeyError:
            raise ValueError(f"unknown link profile {name!r}; known: {sorted(PROFILES)}") from None
        self.bandwidth(int(profile["bandwidth"]))
        self.delay(float(profile["delay"]))
        self.random_cuts(float(profile["cut_probability"]))

    @property
    def link(self) -> dict[str, object]:
        """A snapshot of the link state, for assertions and benchmark logs."""
        with self._lock:
            return {
                "up": not self._down,
                "delay": self._delay,
                "bandwidth": self._bandwidth,
                "duplicates": self._duplicates,
                "cut_probability": self._cut_probability,
                "pending_request_cuts": sum(1 for up, _ in self._pending_cuts if up),
                "pending_response_cuts": sum(1 for up, _ in self._pending_cuts if not up),
            }

    @property
    def stats(self) -> dict[str, int]:
        """A snapshot of the counters (see ``_STAT_KEYS`` for what each one means)."""
        with self._lock:
            return dict(self._stats)

    # --- internals ---------------------------------------------------------------------------

    def _queue_cuts(self, upstream: bool, after_bytes: int, count: int) -> None:
        if after_bytes < 0 or count < 0:
            raise ValueError("after_bytes and count must be >= 0")
        with self._lock:
            self._pending_cuts.extend([(upstream, after_bytes)] * count)

    def _count(self, key: str, n: int = 1) -> None:
        with self._lock:
            self._stats[key] += n

    def _forget(self, conn: _Connection) -> None:
        with self._lock:
            self._connections.discard(conn)

    def _plan(self) -> _Plan:
        """Decide a new connection's faults. Caller holds the lock."""
        plan = _Plan(duplicate=self._duplicates)
        if self._cut_probability > 0 and self._rng.random() < self._cut_probability:
            offset = self._rng.randrange(self._random_cut_max_offset)
            if self._rng.random() < 0.5:
                plan.request_cut = offset
            else:
                plan.response_cut = offset
        if self._pending_cuts:  # an explicit cut wins over a random one
            upstream, after_bytes = self._pending_cuts.pop(0)
            plan.request_cut = after_bytes if upstream else None
            plan.response_cut = None if upstream else after_bytes
        return plan

    def _accept_loop(self) -> None:
        listener = self._listener
        assert listener is not None
        while not self._stopping.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                if self._stopping.is_set():
                    return
                time.sleep(_POLL)  # EMFILE and friends: back off rather than spin or die
                continue
            _tune(client)
            with self._lock:
                self._stats["connections"] += 1
                if self._down or self._stopping.is_set():
                    self._stats["refused"] += 1
                    conn = None
                else:
                    self._next_ident += 1
                    conn = _Connection(self, self._next_ident, client, self._plan())
                    self._connections.add(conn)
            if conn is None:
                _reset_close(client)
            else:
                conn.thread.start()
