"""What the benchmarks share: a free loopback port, a typical complaint, a server child."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx

COMPLAINT = {
    "kind": "complaint",
    "category": "bache",
    "fields": {
        "description": "Bache profundo en la calzada, peligroso para motos y bicicletas.",
        "location": "Calle Sucre esquina Antezana, zona central",
    },
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`ventanilla <args> --port P` as a child process, up once /healthz answers."""

    def __init__(self, *args: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ventanilla", *args, "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while True:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.perf_counter() - started > 60:
                    self.stop()
                    raise SystemExit(f"{args[0]} did not start") from None
                time.sleep(0.02)
        self.start_seconds = time.perf_counter() - started

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
