"""Durable accepts per second through HTTP, against raw SQLite on the same disk.

The limit is measured in the same run: one INSERT per COMMIT with WAL and
synchronous=FULL, which is what a kiosk without group commit could do at best.
The kiosk should reach at least that rate through HTTP (ratio >= 1.0), because
its writer commits all waiting submissions in one transaction.

    .venv/bin/python bench/accept.py [--seconds 5] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from common import COMPLAINT, Server


def raw_sqlite_rate(directory: Path, seconds: float) -> float:
    """Single-row INSERT + COMMIT per submission, WAL, synchronous=FULL."""
    conn = sqlite3.connect(directory / "raw.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    body = json.dumps(COMPLAINT) * 3  # about the size of a stored submission row
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (body) VALUES (?)", [body])
        conn.execute("COMMIT")
        n += 1
    elapsed = time.perf_counter() - start
    conn.close()
    return n / elapsed


async def closed_loop(url: str, seconds: float, concurrency: int) -> tuple[float, list[float]]:
    """`concurrency` clients posting back to back: throughput and latencies."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def client(http: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            response = await http.post("/api/v1/submissions", json=COMPLAINT)
            assert response.status_code == 201, response.text
            latencies.append(time.perf_counter() - start)

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:
        start = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return len(latencies) / elapsed, latencies


async def open_loop(url: str, seconds: float, rate: float) -> list[float]:
    """Requests started at a fixed `rate` per second, whatever the answers: latencies."""
    latencies: list[float] = []

    async def one(http: httpx.AsyncClient) -> None:
        start = time.perf_counter()
        response = await http.post("/api/v1/submissions", json=COMPLAINT)
        assert response.status_code == 201, response.text
        latencies.append(time.perf_counter() - start)

    async with httpx.AsyncClient(
        base_url=url, limits=httpx.Limits(max_connections=256), timeout=30
    ) as http:
        tasks = []
        start = time.perf_counter()
        for i in range(int(seconds * rate)):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(http)))
        await asyncio.gather(*tasks)
    return latencies


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    # Same filesystem as a kiosk's data directory would be: under the project.
    with tempfile.TemporaryDirectory(dir=Path(__file__).parent) as tmp:
        directory = Path(tmp)
        raw = raw_sqlite_rate(directory, args.seconds)
        kiosk = Server("kiosk", "serve", "--data", str(directory / "kiosk"), "--prefix", "TUN")
        url = kiosk.url
        try:
            asyncio.run(closed_loop(url, 1, 4))  # warm up
            rate, latencies = asyncio.run(closed_loop(url, args.seconds, args.concurrency))
            # Half of what HTTP sustained (half the raw rate can be past capacity, and an
            # open loop past capacity measures only its own queue).
            half = asyncio.run(open_loop(url, args.seconds, rate / 2))
        finally:
            kiosk.stop()

    results = {
        "raw_sqlite_commits_per_s": round(raw, 1),
        "http_accepts_per_s": round(rate, 1),
        "ratio": round(rate / raw, 2),
        "concurrency": args.concurrency,
        "p50_ms_at_full_load": round(percentile(latencies, 50) * 1000, 1),
        "p99_ms_at_full_load": round(percentile(latencies, 99) * 1000, 1),
        "half_load_rate_per_s": round(rate / 2, 1),
        "p50_ms_at_half_load": round(percentile(half, 50) * 1000, 1),
        "p99_ms_at_half_load": round(percentile(half, 99) * 1000, 1),
        "cpus": os.cpu_count(),
    }
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    verdict = "meets" if results["ratio"] >= 1 else "BELOW"
    print(
        f"HTTP durable accepts / raw SQLite commits = {results['ratio']} ({verdict} the 1.0 goal)"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
