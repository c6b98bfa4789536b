"""Shared fixtures: real servers on 127.0.0.1, real SQLite files in tmp dirs."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from content.catalog import load_catalog
from content.schema import Catalog


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `ventanilla ... serve` child process, on its own loopback port."""

    def __init__(self, args: list[str], data_dir: Path, port: int | None = None):
        self.args = args
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> Server:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = (self.data_dir / "server.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ventanilla", *self.args, "--port", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"server did not start: {self.log()}")

    def log(self) -> str:
        return (self.data_dir / "server.log").read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, like a power cut for the process."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def kiosk_args(data_dir: Path, *extra: str) -> list[str]:
    return [
        "kiosk",
        "serve",
        "--data",
        str(data_dir),
        "--prefix",
        "TUN",
        "--office",
        "Sub Alcaldía Tunari",
        *extra,
    ]


@pytest.fixture
def start_kiosk(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start kiosk servers on a data directory; all are stopped after the test."""
    servers: list[Server] = []

    def start(data_dir: Path = tmp_path / "kiosk", *extra: str) -> Server:
        server = Server(kiosk_args(data_dir, *extra), data_dir).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One kiosk server shared by a module's tests."""
    data_dir = tmp_path_factory.mktemp("kiosk")
    server = Server(kiosk_args(data_dir), data_dir).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def http(kiosk: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=kiosk.url, timeout=10) as client:
        yield client


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()
