"""Logs: one JSON object per line on a server's stderr (for journald), without personal data."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port, kiosk_args
from ventanilla import logs

APPLICANT = {"name": "Juana Mamani Quispe", "ci": "4567891", "phone": "71234567"}
APPLICATION = {
    "kind": "application",
    "procedure": "ZOO-RUM",
    "fields": {
        "pet_name": "Firulais",
        "species": "perro",
        "sex": "macho",
        "vaccinated": True,
        "address": "Calle Jordán 123, zona Tunari",
    },
    "applicant": APPLICANT,
}
COMPLAINT = {
    "kind": "complaint",
    "category": "bache",
    "fields": {"description": "Bache en la calzada", "location": "Av. Ayacucho y Jordán"},
    "applicant": {"name": "Juana Mamani Quispe", "ci": "4567891"},
}


@pytest.fixture
def kiosk_stderr(tmp_path: Path):
    """A real kiosk server whose stderr goes to a file of its own, as journald would get it."""
    data_dir = tmp_path / "kiosk"
    port = free_port()
    stderr_path = tmp_path / "stderr.log"
    env = {k: v for k, v in os.environ.items() if k != logs.ENV}
    with (tmp_path / "stdout.log").open("wb") as out, stderr_path.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "ventanilla", *kiosk_args(data_dir), "--port", str(port)],
            stdout=out,
            stderr=err,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, stderr_path.read_text()
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, stderr_path.read_text()
                time.sleep(0.1)
        yield url, process, stderr_path, tmp_path / "stdout.log"
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def test_kiosk_logs_json_lines_without_personal_data(kiosk_stderr) -> None:
    url, process, stderr_path, stdout_path = kiosk_stderr
    with httpx.Client(base_url=url, timeout=10) as http:
        first = http.post("/api/v1/submissions", json=APPLICATION)
        assert first.status_code == 201, first.text
        again = http.post(
            "/api/v1/submissions", json=COMPLAINT, headers={"Idempotency-Key": "retry-1"}
        )
        replay = http.post(
            "/api/v1/submissions", json=COMPLAINT, headers={"Idempotency-Key": "retry-1"}
        )
        assert (again.status_code, replay.status_code) == (201, 201)
        bad = {**APPLICATION, "applicant": {"name": "Juana Mamani Quispe", "ci": "12"}}
        assert http.post("/api/v1/submissions", json=bad).status_code == 422
    process.terminate()  # a clean stop: uvicorn says so in the log too
    process.wait(timeout=10)

    text = stderr_path.read_text(encoding="utf-8")
    entries = [json.loads(line) for line in text.splitlines()]  # every line is JSON
    assert entries
    for entry in entries:
        assert {"time", "level", "logger", "message"} <= entry.keys()
        assert entry["time"].endswith("Z")
    # Uvicorn's own lines go through the same formatter.
    assert any(e["logger"].startswith("uvicorn") for e in entries)
    accepted = [e for e in entries if e.get("event") == "submission_accepted"]
    assert [(e["prefix"], e["seq"], e["kind"], e["replayed"]) for e in accepted] == [
        ("TUN", 1, "application", False),
        ("TUN", 2, "complaint", False),
        ("TUN", 2, "complaint", True),
    ]
    assert accepted[0]["catalog_code"] == "ZOO-RUM"
    # Nothing a citizen typed, and no tracking code (it opens the case's page).
    for secret in ("Juana", "Mamani", "Quispe", "4567891", "71234567", "Firulais", "Jordán"):
        assert secret not in text
    for answer in (first, again):
        assert answer.json()["tracking_code"] not in text
    assert stdout_path.read_text() == ""  # journald gets nothing that is not JSON


@pytest.fixture
def root_logger():
    """The root logger as pytest set it up, put back after the test reconfigures it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_json_formatter_fields_extra_and_exception(root_logger) -> None:
    stream = io.StringIO()
    logger = logging.getLogger("tests.logs.json")
    assert logs.configure("json", stream=stream) == "json"
    logger.info("pushed %d", 3, extra={"pushed": 3, "bytes": 120})
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("round failed")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines()[:2])
    assert first["message"] == "pushed 3" and first["level"] == "INFO"
    assert (first["logger"], first["pushed"], first["bytes"]) == ("tests.logs.json", 3, 120)
    assert second["level"] == "ERROR"
    assert "ValueError: boom" in second["exception"]


def test_text_when_asked_or_on_a_terminal(monkeypatch, root_logger) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv(logs.ENV, raising=False)
    assert logs.choose_format(None, Terminal()) == "text"
    assert logs.choose_format(None, io.StringIO()) == "json"
    assert logs.choose_format("text", io.StringIO()) == "text"
    monkeypatch.setenv(logs.ENV, "text")
    assert logs.choose_format(None, io.StringIO()) == "text"
    with pytest.raises(ValueError):
        logs.choose_format("xml", io.StringIO())

    stream = io.StringIO()
    logs.configure(None, stream=stream)
    logging.getLogger("tests.logs.text").warning("printer off", extra={"job": 7})
    line = stream.getvalue().strip()
    assert line.endswith("WARNING tests.logs.text: printer off job=7")
