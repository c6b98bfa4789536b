"""`make demo`: run the whole system on loopback with the demo catalogue.

Starts each server as a child process (data under .demo/), waits until each
answers, prints where to look, and stops them all on Ctrl-C.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".demo"
KIOSK_PORT = 8000
CENTRAL_PORT = 8001
PRINTER_PORT = 9100


def ventanilla(*args: str) -> list[str]:
    return [sys.executable, "-m", "ventanilla", *args]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{' '.join(process.args)} exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{url} did not answer within {seconds:.0f} s")


def main() -> None:
    kiosk_url = f"http://127.0.0.1:{KIOSK_PORT}"
    printer = subprocess.Popen(
        ventanilla(
            "printer", "emulate", "--port", str(PRINTER_PORT), "--out", str(DATA / "printer")
        )
    )
    kiosk = subprocess.Popen(
        ventanilla(
            "kiosk",
            "serve",
            "--data",
            str(DATA / "kiosk"),
            "--port",
            str(KIOSK_PORT),
            "--prefix",
            "TUN",
            "--office",
            "Sub Alcaldía Tunari",
            "--central-url",
            f"http://127.0.0.1:{CENTRAL_PORT}",
            "--printer",
            f"tcp://127.0.0.1:{PRINTER_PORT}",
        )
    )
    children = [kiosk, printer]
    try:
        wait_until_up(f"{kiosk_url}/healthz", kiosk)
        with urllib.request.urlopen(f"{kiosk_url}/healthz") as response:
            health = json.load(response)
        example = json.dumps(
            {
                "kind": "complaint",
                "category": "luminaria-apagada",
                "fields": {
                    "description": "Poste sin luz hace una semana",
                    "location": "Av. Beijing y calle Tunari",
                },
                "applicant": None,
            },
            ensure_ascii=False,
        )
        print(
            f"""
Ventanilla demo is running ({health["office"]}, codes {health["prefix"]}-...):

  Kiosk API          {kiosk_url}/api/v1/procedures?q=construccion
  A procedure        {kiosk_url}/api/v1/procedures/ZOO-RUM?lang=qu
  Complaint kinds    {kiosk_url}/api/v1/complaint-categories
  OpenAPI schema     {kiosk_url}/schema/openapi.json
  Health             {kiosk_url}/healthz
  Printer and queue  {kiosk_url}/api/v1/printer

Receipts print on a virtual printer: each job is saved as .bin (raw ESC/POS)
and .png (what the paper shows) in {DATA / "printer"}. The preview of a
receipt is at {kiosk_url}/api/v1/submissions/TRACKING-CODE/receipt.png

File a complaint:

  curl -s -X POST {kiosk_url}/api/v1/submissions \\
       -H 'Content-Type: application/json' \\
       -d '{example}'

Data lives in {DATA}. Press Ctrl-C to stop.
""",
            flush=True,
        )
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)
    main()
