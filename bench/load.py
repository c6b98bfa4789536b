"""A cheap HTTP/1.1 load generator: the benchmarks' clients must not eat the server's CPU.

The machine has two cores shared by the server and the clients, so the clients
send pre-built request bytes over kept-alive connections on raw asyncio streams
(uvloop when it is installed) and read answers by Content-Length: a few
microseconds of Python per request, where an HTTP client library spends hundreds.
It speaks only the little HTTP/1.1 the kiosk answers with (no chunked bodies).

Run as its own process (`python bench/load.py closed|open ...`, one JSON line
out), so that its work runs on the other core and not in the server's or the
benchmark's interpreter.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


def post_bytes(host: str, port: int, path: str, body: dict) -> bytes:
    payload = json.dumps(body, ensure_ascii=False).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


class Connection:
    """One kept-alive connection: send a request, wait for its whole answer."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        return cls(*await asyncio.open_connection(host, port))

    async def request(self, data: bytes) -> tuple[int, bytes]:
        self.writer.write(data)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        start = head.lower().find(b"\r\ncontent-length:")
        length = int(head[start + 17 : head.index(b"\r\n", start + 2)]) if start >= 0 else 0
        body = await self.reader.readexactly(length) if length else b""
        return status, body

    def close(self) -> None:
        self.writer.close()


async def closed_loop(
    host: str, port: int, request: bytes, seconds: float, concurrency: int, expect: int
) -> dict:
    """`concurrency` clients posting back to back for `seconds`."""
    latencies: list[float] = []
    connections = [await Connection.open(host, port) for _ in range(concurrency)]
    deadline = time.perf_counter() + seconds

    async def client(connection: Connection) -> None:
        clock = time.perf_counter
        while clock() < deadline:
            start = clock()
            status, body = await connection.request(request)
            if status != expect:
                raise SystemExit(f"answered {status}: {body[:300]!r}")
            latencies.append(clock() - start)

    start = time.perf_counter()
    await asyncio.gather(*(client(c) for c in connections))
    elapsed = time.perf_counter() - start
    for c in connections:
        c.close()
    return {"requests": len(latencies), "seconds": elapsed, "latencies": latencies}


async def open_loop(
    host: str, port: int, request: bytes, seconds: float, rate: float, expect: int
) -> dict:
    """Requests started at a fixed `rate` per second, whatever the answers.

    Each request takes an idle kept-alive connection (opening another when none
    is idle), so a slow answer never holds back the next request's start.
    """
    latencies: list[float] = []
    idle: list[Connection] = [await Connection.open(host, port) for _ in range(16)]
    opened = len(idle)

    async def one(scheduled: float) -> None:
        nonlocal opened
        if idle:
            connection = idle.pop()
        else:
            connection = await Connection.open(host, port)
            opened += 1
        status, body = await connection.request(request)
        # From when the request was due, so a late start counts against the server.
        latencies.append(time.perf_counter() - scheduled)
        if status != expect:
            raise SystemExit(f"answered {status}: {body[:300]!r}")
        idle.append(connection)

    tasks = []
    start = time.perf_counter()
    for i in range(int(seconds * rate)):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    for c in idle:
        c.close()
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "latencies": latencies,
        "connections": opened,
    }


def run(coroutine):
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["closed", "open"])
    parser.add_argument("url", help="e.g. http://127.0.0.1:8000/api/v1/submissions")
    parser.add_argument("--body", required=True, help="JSON to POST")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--expect", type=int, default=201)
    args = parser.parse_args()
    url = urlsplit(args.url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    request = post_bytes(host, port, url.path, json.loads(args.body))
    started = time.process_time()
    if args.mode == "closed":
        result = run(closed_loop(host, port, request, args.seconds, args.concurrency, args.expect))
    else:
        result = run(open_loop(host, port, request, args.seconds, args.rate, args.expect))
    result["cpu_seconds"] = time.process_time() - started
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
