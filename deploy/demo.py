"""`make demo`: the whole system on loopback with the demo catalogue.

Starts central, a virtual receipt printer and one kiosk (Sub Alcaldía Tunari)
as child processes with their data under .demo/, enrolls the kiosk with central
the first time, prints where to look, and stops them all on Ctrl-C.
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
KIOSK_URL = f"http://127.0.0.1:{KIOSK_PORT}"
CENTRAL_URL = f"http://127.0.0.1:{CENTRAL_PORT}"


def ventanilla(*args: str) -> list[str]:
    return [sys.executable, "-m", "ventanilla", *args]


DESK_USER, DESK_PASSWORD = "demo", "ventanilla-demo"
# Central staff for the demo: (username, role, units); all share one password.
STAFF = (
    ("revisor", "reviewer", ("ALUMBRADO", "EMSA", "OBRAS")),
    ("supervisor", "supervisor", ()),
    ("admin", "admin", ()),
)
STAFF_PASSWORD = "ventanilla-demo"


def run(*args: str, stdin: str | None = None) -> str:
    """Run a `ventanilla` command to completion; its output, or exit on failure."""
    result = subprocess.run(ventanilla(*args), capture_output=True, text=True, input=stdin)
    if result.returncode != 0:
        sys.exit(f"ventanilla {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{' '.join(process.args)} exited with status {process.returncode}")
        try:
            get_json(url)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{url} did not answer within {seconds:.0f} s")


def start(children: list[subprocess.Popen], *args: str) -> subprocess.Popen:
    child = subprocess.Popen(ventanilla(*args))
    children.append(child)
    return child


def main() -> None:
    children: list[subprocess.Popen] = []
    try:
        if not (DATA / "central" / "central.db").exists():
            run("central", "init", "--data", str(DATA / "central"))
        central = start(
            children, "central", "serve", "--data", str(DATA / "central"),
            "--port", str(CENTRAL_PORT), "--public-url", CENTRAL_URL,
        )  # fmt: skip
        start(
            children, "printer", "emulate", "--port", str(PRINTER_PORT),
            "--out", str(DATA / "printer"),
        )  # fmt: skip
        kiosk = start(
            children, "kiosk", "serve", "--data", str(DATA / "kiosk"), "--port", str(KIOSK_PORT),
            "--prefix", "TUN", "--office", "Sub Alcaldía Tunari", "--central-url", CENTRAL_URL,
            "--printer", f"tcp://127.0.0.1:{PRINTER_PORT}",
        )  # fmt: skip
        wait_until_up(f"{CENTRAL_URL}/healthz", central)
        wait_until_up(f"{KIOSK_URL}/healthz", kiosk)
        if not get_json(f"{KIOSK_URL}/api/v1/sync/status")["enrolled"]:
            code = run(
                "central", "enroll-code", "--data", str(DATA / "central"),
                "--name", "Sub Alcaldía Tunari", "--prefix", "TUN",
            ).strip().splitlines()[-1]  # fmt: skip
            run(
                "kiosk",
                "enroll",
                "--data",
                str(DATA / "kiosk"),
                "--central",
                CENTRAL_URL,
                "--code",
                code,
            )
        # A desk account for the demo's own data (a real kiosk gets its staff's).
        run(
            "kiosk", "user", "add", "--data", str(DATA / "kiosk"), DESK_USER, "--password-stdin",
            stdin=DESK_PASSWORD + "\n",
        )  # fmt: skip
        for username, role, units in STAFF:
            unit_args = [arg for unit in units for arg in ("--unit", unit)]
            run(
                "central", "user", "add", "--data", str(DATA / "central"), username,
                "--role", role, *unit_args, "--password-stdin", stdin=STAFF_PASSWORD + "\n",
            )  # fmt: skip
        print(banner(), flush=True)
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


def banner() -> str:
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
    return f"""
Ventanilla demo is running: central, one kiosk (Sub Alcaldía Tunari, codes TUN-...)
enrolled with it, and a virtual receipt printer.

  Touch screen       {KIOSK_URL}/   (portrait 1080x1920 or landscape 1920x1080)
  Front desk         {KIOSK_URL}/desk   staff login: {DESK_USER} / {DESK_PASSWORD}
  Kiosk API          {KIOSK_URL}/api/v1/procedures?q=construccion
  A procedure        {KIOSK_URL}/api/v1/procedures/ZOO-RUM?lang=qu
  Complaint kinds    {KIOSK_URL}/api/v1/complaint-categories
  Sync with central  {KIOSK_URL}/api/v1/sync/status
  Printer and queue  {KIOSK_URL}/api/v1/printer
  OpenAPI schemas    {KIOSK_URL}/schema/openapi.json  {CENTRAL_URL}/schema/openapi.json
  Central staff      {CENTRAL_URL}/staff/   logins (password {STAFF_PASSWORD}):
                     revisor (street lights, rubbish, works), supervisor, admin
  Central health     {CENTRAL_URL}/healthz
  Open311            {CENTRAL_URL}/open311/v2/services.json
  Open data          {CENTRAL_URL}/opendata/summary.csv

File a complaint at the kiosk:

  curl -s -X POST {KIOSK_URL}/api/v1/submissions \\
       -H 'Content-Type: application/json' \\
       -d '{example}'

Its receipt prints on the virtual printer: each job is saved as .bin (raw
ESC/POS) and .png (what the paper shows) in {DATA / "printer"}; the preview is
at {KIOSK_URL}/api/v1/submissions/TRACKING-CODE/receipt.png, and its QR opens
{CENTRAL_URL}/t/TRACKING-CODE?s=... Within seconds it reaches central:

  .venv/bin/ventanilla central kiosks --data {DATA / "central"}
  .venv/bin/ventanilla central set-status --data {DATA / "central"} TRACKING-CODE en_revision --note "En revisión"

Data lives in {DATA}. Press Ctrl-C to stop.
"""


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)
    main()
