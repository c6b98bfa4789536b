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
from click.testing import CliRunner

from content.catalog import load_catalog
from content.schema import Catalog
from ventanilla.cli import cli


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `ventanilla ... serve` child process, on its own loopback port."""

    def __init__(
        self, args: list[str], data_dir: Path, port: int | None = None, log: Path | None = None
    ):
        self.args = args
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        # Beside the data, unless the data lives somewhere small (a full-disk test).
        self.log_path = log or data_dir / "server.log"

    def start(self, timeout: float = 30) -> Server:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
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
        return self.log_path.read_text(errors="replace")[-4000:]

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


FAST_SYNC = ("--sync-interval", "0.5", "--sync-max-backoff", "1")


@pytest.fixture
def start_central(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Initialise (once) and start central servers; all are stopped after the test."""
    servers: list[Server] = []

    def start(data_dir: Path = tmp_path / "central", port: int | None = None) -> Server:
        if not (data_dir / "central.db").exists():
            result = CliRunner().invoke(cli, ["central", "init", "--data", str(data_dir)])
            assert result.exit_code == 0, result.output
        server = Server(["central", "serve", "--data", str(data_dir)], data_dir, port).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def enroll(
    kiosk_dir: Path,
    central: Server,
    via: str | None = None,
    name: str = "Sub Alcaldía Tunari",
    prefix: str = "TUN",
) -> None:
    """Enroll the kiosk in `kiosk_dir` with `central` (reached at `via`, e.g. a proxy)."""
    runner = CliRunner()
    made = runner.invoke(
        cli,
        [
            "central",
            "enroll-code",
            "--data",
            str(central.data_dir),
            "--name",
            name,
            "--prefix",
            prefix,
        ],
    )
    assert made.exit_code == 0, made.output
    code = made.output.strip().splitlines()[-1]
    result = runner.invoke(
        cli,
        [
            "kiosk",
            "enroll",
            "--data",
            str(kiosk_dir),
            "--central",
            via or central.url,
            "--code",
            code,
        ],
    )
    assert result.exit_code == 0, result.output


def add_staff(data_dir: Path, username: str, role: str, *units: str, password: str) -> None:
    """A central staff account, made as an operator would (`central user add`)."""
    unit_args = [arg for unit in units for arg in ("--unit", unit)]
    result = CliRunner().invoke(
        cli,
        ["central", "user", "add", "--data", str(data_dir), username, "--role", role,
         *unit_args, "--password-stdin"],
        input=password + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def wait_for(
    condition: Callable[[], object], timeout: float = 30.0, what: str = "condition"
) -> object:
    """Poll `condition` until it is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


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
