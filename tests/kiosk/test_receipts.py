"""Receipts from a real kiosk to a real (virtual) network printer, and the print queue."""

from __future__ import annotations

import re
import sqlite3
import time

import httpx
import pytest
from click.testing import CliRunner

from printers.emulator import Emulator
from tests.conftest import free_port, wait_for
from tests.printers.printer_helpers import code_page_slots, codec_of, printed_lines, read_qr_codes
from ventanilla.cli import cli

APPLICATION = {
    "kind": "application",
    "procedure": "CON-PLANOS",
    "fields": {
        "property_address": "Av. Circunvalación 1520",
        "zone": "Tupuraya",
        "building_use": "vivienda",
        "built_area_m2": 120,
        "floors": 2,
    },
    "applicant": {"name": "Juana Mamani Quispe", "ci": "4567891 CB"},
    "lang": "es",
}
COMPLAINT = {
    "kind": "complaint",
    "category": "luminaria-apagada",
    "fields": {"description": "Poste apagado", "location": "Calle Ñandutí 12"},
    "lang": "qu",
}


def jobs(data_dir, sql="SELECT * FROM print_jobs ORDER BY id"):
    with sqlite3.connect(data_dir / "kiosk.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql)]


def post(kiosk, body) -> dict:
    response = httpx.post(f"{kiosk.url}/api/v1/submissions", json=body, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def emulator(tmp_path):
    with Emulator(tmp_path / "printed", port=free_port()) as printer:
        yield printer


def test_the_preview_qr_decodes_to_the_tracking_url(http):
    accepted = http.post("/api/v1/submissions", json=APPLICATION).json()
    response = http.get(f"/api/v1/submissions/{accepted['tracking_code']}/receipt.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert read_qr_codes(response.content) == [accepted["track_url"]]
    assert http.get("/api/v1/submissions/TUN-0000-0000-0/receipt.png").status_code == 404


def test_an_accepted_submission_prints_its_receipt(start_kiosk, emulator, tmp_path):
    kiosk = start_kiosk(tmp_path / "kiosk", "--printer", f"tcp://127.0.0.1:{emulator.port}")
    accepted = post(kiosk, APPLICATION)
    [job] = emulator.wait_for_jobs(1, timeout=20)
    assert read_qr_codes(job.with_suffix(".png").read_bytes()) == [accepted["track_url"]]
    data = job.read_bytes()
    codec = codec_of("default", code_page_slots(data)[0])
    text = " ".join(" ".join(printed_lines(data, codec)).split())  # lines unwrapped
    assert "Sub Alcaldía Tunari" in text
    assert "Aprobación de planos de construcción" in text
    assert "Juana" not in text and "4567891" not in text  # no personal data on paper
    wait_for(lambda: jobs(kiosk.data_dir)[0]["state"] == "printed", what="job marked printed")


def test_a_printer_that_is_off_gets_the_job_once_it_is_back(start_kiosk, tmp_path):
    port = free_port()
    kiosk = start_kiosk(tmp_path / "kiosk", "--printer", f"tcp://127.0.0.1:{port}")
    post(kiosk, COMPLAINT)
    [job] = wait_for(
        lambda: [j for j in jobs(kiosk.data_dir) if j["last_error"]], what="a failed attempt"
    )
    assert job["state"] == "pending" and "cannot reach the printer" in job["last_error"]
    state = httpx.get(f"{kiosk.url}/api/v1/printer", timeout=10).json()
    assert state["status"] == "unreachable" and state["jobs"]["pending"] == 1

    with Emulator(tmp_path / "printed", port=port) as printer:
        printer.wait_for_jobs(1, timeout=30)
        wait_for(lambda: jobs(kiosk.data_dir)[0]["state"] == "printed", what="job printed")
        time.sleep(2)  # time enough for a second print, were there to be one
        assert len(printer.jobs) == 1


def test_a_printer_out_of_paper_holds_the_job(start_kiosk, emulator, tmp_path):
    emulator.paper_out = True
    kiosk = start_kiosk(tmp_path / "kiosk", "--printer", f"tcp://127.0.0.1:{emulator.port}")
    post(kiosk, COMPLAINT)
    wait_for(lambda: "no paper" in (jobs(kiosk.data_dir)[0]["last_error"] or ""), what="no paper")
    assert emulator.jobs == []
    emulator.paper_out = False
    emulator.wait_for_jobs(1, timeout=30)
    wait_for(lambda: jobs(kiosk.data_dir)[0]["state"] == "printed", what="job printed")
    assert len(emulator.jobs) == 1


def test_jobs_pending_at_a_crash_print_after_restart(start_kiosk, tmp_path):
    port = free_port()
    data_dir = tmp_path / "kiosk"
    kiosk = start_kiosk(data_dir, "--printer", f"tcp://127.0.0.1:{port}")
    codes = [post(kiosk, COMPLAINT)["tracking_code"] for _ in range(3)]
    kiosk.kill()
    assert [j["state"] for j in jobs(data_dir)] == ["pending"] * 3

    with Emulator(tmp_path / "printed", port=port) as printer:
        start_kiosk(data_dir, "--printer", f"tcp://127.0.0.1:{port}")
        printer.wait_for_jobs(3, timeout=30)
        wait_for(lambda: {j["state"] for j in jobs(data_dir)} == {"printed"}, what="all printed")
        time.sleep(1)
        printed = sorted(read_qr_codes(p.with_suffix(".png").read_bytes())[0] for p in printer.jobs)
    assert len(printed) == 3
    assert sorted(url.split("/t/")[1].split("?")[0] for url in printed) == sorted(codes)


def test_a_job_caught_in_flight_is_not_resent(start_kiosk, tmp_path):
    data_dir = tmp_path / "kiosk"
    kiosk = start_kiosk(data_dir)
    post(kiosk, COMPLAINT)
    kiosk.stop()
    # As if the kiosk died while sending: the job may be half on paper.
    with sqlite3.connect(data_dir / "kiosk.db") as conn:
        submission_id = conn.execute("SELECT id FROM submissions").fetchone()[0]
        conn.execute(
            "INSERT INTO print_jobs (submission_id, reason, created_at, state, attempts, "
            "next_attempt_at, expires_at) VALUES (?, 'receipt', '2026-01-01T00:00:00.000Z', "
            "'printing', 1, '2026-01-01T00:00:00.000Z', '2999-01-01T00:00:00.000Z')",
            [submission_id],
        )
    with Emulator(tmp_path / "printed", port=free_port()) as printer:
        start_kiosk(data_dir, "--printer", f"tcp://127.0.0.1:{printer.port}")
        [job] = jobs(data_dir)
        assert job["state"] == "uncertain"
        time.sleep(1)
        assert printer.jobs == []


def desk_login(kiosk, username: str, password: str) -> httpx.Client:
    """A client logged in at the kiosk's front desk (reprints are for staff)."""
    client = httpx.Client(base_url=kiosk.url, timeout=10)
    form = client.get("/desk/login").text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form)[1]
    answer = client.post(
        "/desk/login", data={"_csrf_token": token, "username": username, "password": password}
    )
    assert answer.status_code == 303, answer.text
    return client


def add_desk_user(data_dir, username: str, password: str) -> None:
    added = CliRunner().invoke(
        cli,
        ["kiosk", "user", "add", "--data", str(data_dir), username, "--password-stdin"],
        input=password + "\n",
    )
    assert added.exit_code == 0, added.output


def test_staff_reprint_is_a_new_job(start_kiosk, emulator, tmp_path):
    add_desk_user(tmp_path / "kiosk", "maria", "clave-de-maria")
    kiosk = start_kiosk(tmp_path / "kiosk", "--printer", f"tcp://127.0.0.1:{emulator.port}")
    code = post(kiosk, COMPLAINT)["tracking_code"]
    emulator.wait_for_jobs(1, timeout=20)
    url = f"{kiosk.url}/api/v1/submissions/{code.lower()}/print"
    assert httpx.post(url, timeout=10).status_code == 401  # not without a desk login
    staff = desk_login(kiosk, "maria", "clave-de-maria")
    response = staff.post(url)
    assert response.status_code == 202
    assert response.json()["reason"] == "reprint"
    emulator.wait_for_jobs(2, timeout=20)
    wait_for(
        lambda: [j["state"] for j in jobs(kiosk.data_dir)] == ["printed", "printed"],
        what="both printed",
    )
    assert [j["reason"] for j in jobs(kiosk.data_dir)] == ["receipt", "reprint"]
    missing = staff.post("/api/v1/submissions/TUN-0000-0000-0/print")
    assert missing.status_code == 404
    staff.close()


def test_reprint_without_a_printer_is_refused_clearly(http, kiosk):
    add_desk_user(kiosk.data_dir, "maria", "clave-de-maria")
    code = http.post("/api/v1/submissions", json=COMPLAINT).json()["tracking_code"]
    staff = desk_login(kiosk, "maria", "clave-de-maria")
    response = staff.post(f"/api/v1/submissions/{code}/print")
    staff.close()
    assert response.status_code == 503
    assert response.json()["detail"] == "This kiosk has no receipt printer configured."
