"""Durable accepts per second through HTTP, against raw SQLite on the same disk.

The limit is measured in the same run: one INSERT per COMMIT with WAL and
synchronous=FULL, which is what a kiosk without group commit could do at best.
The kiosk should reach at least that rate through HTTP (ratio >= 1.0), because
its writer commits all waiting submissions in one transaction.

The clients are bench/load.py in a process of their own (raw kept-alive
connections, pre-built requests), so they take little of the two cores the
server shares with them. Below the goal, the report says why in CPU time: what
one accept costs the server against what one raw commit costs.

    .venv/bin/python bench/accept.py [--seconds 5] [--concurrency 32] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from common import COMPLAINT, Server

LOAD = Path(__file__).with_name("load.py")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def raw_sqlite_rate(directory: Path, seconds: float) -> tuple[float, float]:
    """Single-row INSERT + COMMIT per submission, WAL, synchronous=FULL: commits per
    second, and the CPU seconds each took (the rest of its time is waiting for the disk)."""
    conn = sqlite3.connect(directory / "raw.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    body = json.dumps(COMPLAINT) * 3  # about the size of a stored submission row
    n, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (body) VALUES (?)", [body])
        conn.execute("COMMIT")
        n += 1
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    conn.close()
    return n / elapsed, cpu / n


def load(url: str, mode: str, seconds: float, **options: float) -> dict:
    """Run bench/load.py in its own process (the other core): its JSON result."""
    flags = [f"--{name}={value}" for name, value in options.items()]
    command = [sys.executable, str(LOAD), mode, f"{url}/api/v1/submissions"]
    command += ["--body", json.dumps(COMPLAINT), f"--seconds={seconds}", *flags]
    return json.loads(subprocess.run(command, check=True, capture_output=True).stdout)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid`, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def writer_counters(url: str) -> tuple[float, float]:
    """(commits, writes) of the kiosk's writer thread, from /metrics."""
    text = httpx.get(f"{url}/metrics").text
    found = dict(re.findall(r"^ventanilla_db_(commits|writes)_total (\S+)$", text, re.M))
    return float(found["commits"]), float(found["writes"])


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path(__file__).parent,
        help="where the databases go (default: beside this file). On a kiosk box, its data"
        " disk: the raw rate there is what its eMMC or SSD allows, the limit that matters.",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        directory = Path(tmp)
        raw, raw_cpu = raw_sqlite_rate(directory, args.seconds)
        kiosk = Server("kiosk", "serve", "--data", str(directory / "kiosk"), "--prefix", "TUN")
        url = kiosk.url
        try:
            load(url, "closed", 1, concurrency=4)  # warm up
            commits, writes = writer_counters(url)
            cpu = cpu_seconds(kiosk.pid)
            full = load(url, "closed", args.seconds, concurrency=args.concurrency)
            server_cpu = cpu_seconds(kiosk.pid) - cpu
            commits_after, writes_after = writer_counters(url)
            rate = full["requests"] / full["seconds"]
            # Half of what HTTP sustained (half the raw rate can be past capacity, and an
            # open loop past capacity measures only its own queue).
            half = load(url, "open", args.seconds, rate=rate / 2)
        finally:
            kiosk.stop()

    latencies, half_latencies = full["latencies"], half["latencies"]
    per_request = server_cpu / full["requests"]
    client_per_request = full["cpu_seconds"] / full["requests"]
    cores = os.cpu_count() or 1
    results = {
        "raw_sqlite_commits_per_s": round(raw, 1),
        "http_accepts_per_s": round(rate, 1),
        "ratio": round(rate / raw, 2),
        "concurrency": args.concurrency,
        "p50_ms_at_full_load": round(percentile(latencies, 50) * 1000, 1),
        "p99_ms_at_full_load": round(percentile(latencies, 99) * 1000, 1),
        "half_load_rate_per_s": round(rate / 2, 1),
        "p50_ms_at_half_load": round(percentile(half_latencies, 50) * 1000, 1),
        "p99_ms_at_half_load": round(percentile(half_latencies, 99) * 1000, 1),
        # Where the time goes: CPU per durable accept in the server (all threads) and
        # in the load generator, against CPU and wall time per raw commit.
        "raw_commit_wall_us": round(1e6 / raw, 1),
        "raw_commit_cpu_us": round(raw_cpu * 1e6, 1),
        "server_cpu_us_per_accept": round(per_request * 1e6, 1),
        "client_cpu_us_per_accept": round(client_per_request * 1e6, 1),
        "accepts_per_commit": round((writes_after - writes) / max(commits_after - commits, 1), 1),
        # The server's Python runs on one core at a time (one process, one GIL): at
        # its CPU per accept, this is as fast as it can go, whatever the disk does.
        "one_core_accepts_per_s": round(1 / per_request, 1),
        # The CPU an accept may cost for the server to keep up with raw commits.
        "server_cpu_us_budget_for_goal": round(1e6 / raw, 1),
        "cpus": cores,
    }
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    verdict = "meets" if results["ratio"] >= 1 else "BELOW"
    print(
        f"HTTP durable accepts / raw SQLite commits = {results['ratio']} ({verdict} the 1.0 goal)"
    )
    if results["ratio"] < 1:
        print(
            f"Why: an accept costs the server {results['server_cpu_us_per_accept']:.0f} us of CPU"
            f" (all threads; the load generator adds {results['client_cpu_us_per_accept']:.0f} us"
            f" in its own process), and its Python runs on one core at a time, so it cannot"
            f" pass {results['one_core_accepts_per_s']:.0f} accepts/s. A raw commit takes"
            f" {results['raw_commit_wall_us']:.0f} us ({results['raw_commit_cpu_us']:.0f} us of"
            f" CPU): the goal needs an accept in under {results['server_cpu_us_budget_for_goal']:.0f}"
            f" us of server CPU, {per_request * raw:.1f} times less than now."
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
