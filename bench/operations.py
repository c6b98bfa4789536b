"""Cold start, memory after 10,000 submissions, receipt render time: each against a
limit measured in the same run.

- cold start: `kiosk serve` until /healthz answers, against importing the same
  libraries in a bare interpreter (what no code of ours can avoid);
- memory: the kiosk's resident set after N submissions, against the same
  process right after it started;
- receipt: ESC/POS bytes plus the PNG preview of one receipt, against making its
  QR code alone.

    .venv/bin/python bench/operations.py [--submissions 10000] [--json FILE]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import qrcode
from common import COMPLAINT, Server

from printers.escpos import render_receipt
from printers.layout import Receipt
from printers.preview import render_png

IMPORTS = "import litestar, uvicorn, sqlite_utils, msgspec, cryptography, PIL, escpos, jinja2, yaml"


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def bare_imports() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", IMPORTS], check=True)
    return time.perf_counter() - started


def post_many(url: str, count: int) -> None:
    def post(n: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            for _ in range(n):
                assert client.post("/api/v1/submissions", json=COMPLAINT).status_code == 201

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(post, [count // 8 + (1 if i < count % 8 else 0) for i in range(8)]))


def receipt_times(rounds: int) -> tuple[float, float]:
    receipt = Receipt(
        municipality="Gobierno Autónomo Municipal de Cochabamba",
        office="Sub Alcaldía Tunari",
        kind="application",
        title="Aprobación de planos de construcción",
        tracking_code="TUN-7K3M-9QXP-4",
        submitted_at=datetime.datetime(2026, 11, 25, 16, 5, tzinfo=datetime.UTC),
        requirements=["Cédula de identidad", "Documento de propiedad (testimonio)"],
        track_url="http://127.0.0.1:8001/t/TUN-7K3M-9QXP-4?s=" + "A" * 102,
    )
    started = time.perf_counter()
    for _ in range(rounds):
        render_png(render_receipt(receipt, 58), 58)
    full = (time.perf_counter() - started) / rounds
    started = time.perf_counter()
    for _ in range(rounds):
        qrcode.make(receipt.track_url, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr_only = (time.perf_counter() - started) / rounds
    return full, qr_only


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    imports = min(bare_imports() for _ in range(3))
    with tempfile.TemporaryDirectory(dir=Path(__file__).parent) as tmp:
        data = str(Path(tmp) / "kiosk")
        kiosk = Server("kiosk", "serve", "--data", data)
        cold = kiosk.start_seconds
        try:
            idle_rss = rss_kib(kiosk.pid)
            post_many(kiosk.url, args.submissions)
            loaded_rss = rss_kib(kiosk.pid)
        finally:
            kiosk.stop()
        again = Server("kiosk", "serve", "--data", data)  # the same data, now full
        warm = again.start_seconds
        again.stop()
    render, qr_only = receipt_times(20)

    results = {
        "cold_start_s": round(cold, 2),
        "bare_imports_s": round(imports, 2),
        "cold_start_ratio": round(cold / imports, 2),
        "restart_with_data_s": round(warm, 2),
        "submissions": args.submissions,
        "rss_idle_mib": round(idle_rss / 1024, 1),
        "rss_after_mib": round(loaded_rss / 1024, 1),
        "rss_ratio": round(loaded_rss / idle_rss, 2),
        "receipt_render_ms": round(render * 1000, 1),
        "qr_alone_ms": round(qr_only * 1000, 1),
        "receipt_render_ratio": round(render / qr_only, 2),
    }
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
