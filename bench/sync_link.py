"""Sync over slow, far and flaky links: bytes per submission and time against the ideal.

For each link profile (tests/faultproxy.py: fibre 2 Mbit/s 40 ms; mobile
1 Mbit/s 200 ms with random cuts; satellite 0.5 Mbit/s 650 ms with random cuts)
a real kiosk pushes N submissions to a real central through a link emulator on
loopback. The limit is measured in the same run: the ideal time is the bytes
that crossed the link divided by its bandwidth, so `ratio` says how much of
the link's capacity the protocol wastes. A naive baseline, one JSON POST per
submission over the same emulated link, runs in the same process; it is
sampled for a bounded time and its figures extrapolated to N.

    .venv/bin/python bench/sync_link.py [--submissions 10000] [--profiles fibre,mobile,satellite]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.server
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

# The link emulator is the one the tests use (tests/faultproxy.py).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import Server

from tests.faultproxy import PROFILES, FaultProxy

# With personal data, as most complaints with a contact will have: it travels sealed.
COMPLAINT = {
    "kind": "complaint",
    "category": "bache",
    "fields": {
        "description": "Bache profundo en la calzada, peligroso para motos y bicicletas.",
        "location": "Calle Sucre esquina Antezana, zona central",
    },
    "applicant": {"name": "Juana Mamani Quispe", "ci": "4567891 CB", "phone": "71234567"},
}


def ventanilla(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ventanilla", *args],
        capture_output=True,
        text=True,
        check=True,
        **kwargs,
    )


def post_submissions(url: str, count: int) -> None:
    def post(_: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            for _ in range(count // 8):
                assert client.post("/api/v1/submissions", json=COMPLAINT).status_code == 201

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(post, range(8)))
    for _ in range(count % 8):
        assert (
            httpx.post(f"{url}/api/v1/submissions", json=COMPLAINT, timeout=60).status_code == 201
        )


def measure_ventanilla(profile: str, count: int, workdir: Path, timeout: float) -> dict:
    central_dir, kiosk_dir = workdir / "central", workdir / "kiosk"
    ventanilla("central", "init", "--data", str(central_dir))
    central = Server("central", "serve", "--data", str(central_dir))
    proxy = FaultProxy(central.port, seed=1).start()
    kiosk = None
    try:
        code = (
            ventanilla(
                "central",
                "enroll-code",
                "--data",
                str(central_dir),
                "--name",
                "Bench",
                "--prefix",
                "BEN",
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        ventanilla(
            "kiosk", "enroll", "--data", str(kiosk_dir), "--central", proxy.url, "--code", code
        )
        proxy.down()
        kiosk = Server(
            "kiosk",
            "serve",
            "--data",
            str(kiosk_dir),
            "--sync-interval",
            "1",
            "--sync-max-backoff",
            "5",
        )
        post_submissions(kiosk.url, count)
        before = proxy.stats
        proxy.apply_profile(profile)
        cut_randomly(proxy, profile)
        proxy.up()
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            status = httpx.get(f"{kiosk.url}/api/v1/sync/status", timeout=10).json()
            if status["pending"] == 0:
                break
            time.sleep(0.5)
        else:
            raise SystemExit(f"{profile}: {status['pending']} still pending after {timeout:.0f} s")
        wall = time.monotonic() - started
        after = proxy.stats
    finally:
        proxy.stop()
        if kiosk:
            kiosk.stop()
        central.stop()
    moved = (after["bytes_up"] - before["bytes_up"]) + (after["bytes_down"] - before["bytes_down"])
    return _figures(profile, count, count, moved, wall, after["cuts"] - before["cuts"])


def cut_randomly(proxy: FaultProxy, profile: str) -> None:
    """On a flaky profile, cut every connection somewhere in its first 512 KiB.

    A kiosk keeps one connection open for a whole sync, so a chance per new
    connection would rarely strike; a cut at a random point of every connection
    means a cut about every 256 KiB on average, for both protocols alike.
    """
    if PROFILES[profile]["cut_probability"]:
        proxy.random_cuts(1.0, max_offset=512 * 1024)


class _Sink(http.server.BaseHTTPRequestHandler):
    """The naive server: takes a JSON submission, answers a small JSON body."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"id":"01a213cd-798c-7af9-8e31-f03a9f85c0ac","tracking_code":"BEN-6VYB-Z1YJ-E","status":"recibido"}'
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def measure_naive(profile: str, count: int, budget: float) -> dict:
    sink = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    proxy = FaultProxy(sink.server_address[1], seed=1).start()
    proxy.apply_profile(profile)
    cut_randomly(proxy, profile)
    done, started = 0, time.monotonic()
    try:
        with httpx.Client(base_url=proxy.url, timeout=30) as client:
            while done < count and time.monotonic() - started < budget:
                try:
                    response = client.post("/api/v1/submissions", json=COMPLAINT)
                except httpx.HTTPError:
                    continue  # a cut: the naive client just tries again
                if response.status_code == 201:
                    done += 1
        wall = time.monotonic() - started
        stats = proxy.stats
    finally:
        proxy.stop()
        sink.shutdown()
    moved = stats["bytes_up"] + stats["bytes_down"]
    # Extrapolated from `done` to `count`: the naive protocol's cost is per submission.
    scale = count / max(done, 1)
    figures = _figures(profile, count, done, moved * scale, wall * scale, stats["cuts"])
    figures["sampled"] = done
    return figures


def _figures(profile: str, count: int, measured: int, moved: float, wall: float, cuts: int) -> dict:
    bandwidth = float(PROFILES[profile]["bandwidth"])
    ideal = moved / bandwidth
    return {
        "profile": profile,
        "submissions": count,
        "bytes_per_submission": round(moved / count, 1),
        "wall_s": round(wall, 1),
        "ideal_s": round(ideal, 1),
        "ratio": round(wall / ideal, 2) if ideal else None,
        "cuts": cuts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--profiles", default="fibre,mobile,satellite")
    parser.add_argument("--naive-seconds", type=float, default=20.0)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    rows = []
    for profile in args.profiles.split(","):
        with tempfile.TemporaryDirectory(dir=Path(__file__).parent) as tmp:
            ours = measure_ventanilla(profile, args.submissions, Path(tmp), args.timeout)
        naive = measure_naive(profile, args.submissions, args.naive_seconds)
        rows.append({"ventanilla": ours, "naive": naive})
        print(
            f"{profile:<10} ventanilla {ours['bytes_per_submission']:>7} B/sub "
            f"{ours['wall_s']:>7} s (ideal {ours['ideal_s']} s, ratio {ours['ratio']}, "
            f"{ours['cuts']} cuts) | naive {naive['bytes_per_submission']:>7} B/sub "
            f"{naive['wall_s']:>8} s (ideal {naive['ideal_s']} s, ratio {naive['ratio']}; "
            f"extrapolated from {naive['sampled']})",
            flush=True,
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
