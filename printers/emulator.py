"""A virtual network receipt printer, for development, demos and fault tests.

It listens like a printer's raw port (9100): each connection is one job, ended
when the client closes. Jobs are kept as `job-0001.bin` (the bytes received,
status queries left out) and `job-0001.png` (what the paper shows). DLE EOT
status queries get the answers a real printer gives, and the paper or cover
can be taken away to see how the kiosk copes.
"""

from __future__ import annotations

import contextlib
import logging
import re
import signal
import socket
import socketserver
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from printers.preview import PRINTER_READY, Interpreter

log = logging.getLogger(__name__)

IDLE_SECONDS = 30.0  # a client silent this long has finished its job, or died
POLL_SECONDS = 0.05  # how soon stop() takes effect
JOB_NAME = re.compile(r"job-(\d+)\.bin")
# DLE EOT answer bits (Epson): 1 = printer, 2 = offline cause, 4 = paper sensor.
OFFLINE = 0x08
COVER_OPEN = 0x04
STOPPED_BY_PAPER_END = 0x20
PAPER_END = 0x60


class Emulator:
    """A printer on `host:port` that saves what it prints into `out_dir`.

    Set `paper_out` or `cover_open` to make it answer like a printer with a
    fault and print nothing; `stop()` makes it refuse connections.
    """

    def __init__(
        self,
        out_dir: Path | str,
        host: str = "127.0.0.1",
        port: int = 0,
        paper: int = 58,
        profile: str = "default",
    ) -> None:
        self.out_dir = Path(out_dir)
        self.host = host
        self.port = port
        self.paper = paper
        self.profile = profile
        self.paper_out = False
        self.cover_open = False
        self.jobs: list[Path] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._saved = threading.Condition()
        Interpreter(paper, profile)  # fail now on a bad paper or profile, not per job

    def start(self) -> Emulator:
        """Listen and serve in a background thread; `port` is the real port afterwards."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._server = _Server((self.host, self.port), _Job, self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": POLL_SECONDS},
            name=f"printer-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening: from now on connections are refused, like a printer switched off."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def status(self, query: int) -> int:
        """This printer's answer to DLE EOT `query`."""
        offline = self.paper_out or self.cover_open
        answer = PRINTER_READY
        if query == 1 and offline:
            answer |= OFFLINE
        elif query == 2:
            answer |= (COVER_OPEN if self.cover_open else 0) | (
                STOPPED_BY_PAPER_END if self.paper_out else 0
            )
        elif query == 4 and self.paper_out:
            answer |= PAPER_END
        return answer

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> list[Path]:
        """The saved jobs once there are at least `count` (the last bytes land after close)."""
        with self._saved:
            if not self._saved.wait_for(lambda: len(self.jobs) >= count, timeout):
                raise TimeoutError(f"{len(self.jobs)} job(s) printed, expected {count}")
            return list(self.jobs)

    def save(self, job: bytes, png: bytes) -> Path:
        """Keep a printed job as the next `job-NNNN.bin` and `.png` in `out_dir`."""
        with self._saved:
            number = _last_job_number(self.out_dir) + 1
            path = self.out_dir / f"job-{number:04d}.bin"
            path.with_suffix(".png").write_bytes(png)
            path.write_bytes(job)  # last: a .bin present means its .png is too
            self.jobs.append(path)
            self._saved.notify_all()
        log.info(
            "printed %s (%d bytes)", path, len(job), extra={"job": path.name, "bytes": len(job)}
        )
        return path


def serve(
    host: str,
    port: int,
    out_dir: Path | str,
    paper: int = 58,
    profile: str = "default",
    ready: Callable[[Emulator], None] | None = None,
) -> None:
    """Run an emulator in the foreground until Ctrl-C; `ready` is told once it listens."""
    # A process started in the background inherits SIGINT ignored, and systemd
    # stops services with SIGTERM: both must end the emulator cleanly.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with Emulator(out_dir, host=host, port=port, paper=paper, profile=profile) as emulator:
        if ready is not None:
            ready(emulator)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[_Job], emulator: Emulator) -> None:
        self.emulator = emulator
        super().__init__(address, handler)


class _Job(socketserver.BaseRequestHandler):
    """One connection: feed the interpreter, answer status queries, save what printed."""

    server: _Server

    def handle(self) -> None:
        emulator = self.server.emulator
        interpreter = Interpreter(emulator.paper, emulator.profile, status=emulator.status)
        sock: socket.socket = self.request
        sock.settimeout(IDLE_SECONDS)
        while chunk := _receive(sock):
            answer = interpreter.feed(chunk)
            if answer:
                try:
                    sock.sendall(answer)
                except OSError:
                    break  # the client went away without reading its status
        if not interpreter.job:
            return  # only status queries: nothing to print
        if emulator.paper_out or emulator.cover_open:
            log.warning(
                "dropped a %d-byte job: printer not ready",
                len(interpreter.job),
                extra={"bytes": len(interpreter.job)},
            )
            return
        emulator.save(bytes(interpreter.job), interpreter.png())


def _receive(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""  # idle timeout or reset: the job ends with what arrived


def _last_job_number(out_dir: Path) -> int:
    numbers = [int(m.group(1)) for p in out_dir.iterdir() if (m := JOB_NAME.fullmatch(p.name))]
    return max(numbers, default=0)
