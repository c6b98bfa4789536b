"""The public tracking page a receipt's QR code leads to: synced, pending and forged."""

from __future__ import annotations

import httpx
from click.testing import CliRunner

from tests.conftest import FAST_SYNC, enroll, wait_for
from ventanilla.cli import cli

COMPLAINT = {
    "kind": "complaint",
    "category": "luminaria-apagada",
    "fields": {"description": "Poste apagado", "location": "Calle Tarija"},
    "applicant": {"name": "Rufino Choque Mamani", "ci": "3344556 CB"},
}


def test_a_synced_submission_shows_its_public_history_only(start_central, start_kiosk, tmp_path):
    central = start_central()
    enroll(tmp_path / "kiosk", central)
    kiosk = start_kiosk(tmp_path / "kiosk", *FAST_SYNC)
    accepted = httpx.post(f"{kiosk.url}/api/v1/submissions", json=COMPLAINT, timeout=10).json()
    code, url = accepted["tracking_code"], accepted["track_url"]
    wait_for(
        lambda: httpx.get(f"{kiosk.url}/api/v1/sync/status").json()["pending"] == 0, what="sync"
    )
    CliRunner().invoke(
        cli,
        [
            "central", "set-status", "--data", str(central.data_dir), code, "en_revision",
            "--note", "Cuadrilla asignada", "--internal-note", "Llamar al vecino",
        ],
    )  # fmt: skip

    page = httpx.get(url, timeout=10)
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert "Luminaria apagada" in page.text and code in page.text
    assert "En revisión" in page.text and "Cuadrilla asignada" in page.text
    for private in ("Llamar al vecino", "Rufino", "3344556"):
        assert private not in page.text
    english = httpx.get(url + "&lang=en", timeout=10)
    assert "Street light out" in english.text and 'lang="en"' in english.text

    data = httpx.get(f"{central.url}/api/v1/track/{code.lower()}", timeout=10).json()
    assert data["state"] == "synced" and data["status"] == "en_revision"
    assert data["office"] == "Sub Alcaldía Tunari"
    assert [e["public_note"] for e in data["history"]] == ["Cuadrilla asignada"]


def test_a_receipt_not_yet_synced_shows_where_and_when_it_was_received(
    start_central, start_kiosk, tmp_path
):
    central = start_central()
    enroll(tmp_path / "kiosk", central)
    central.stop()  # the link is down: the kiosk keeps the submission
    kiosk = start_kiosk(tmp_path / "kiosk", *FAST_SYNC)
    accepted = httpx.post(f"{kiosk.url}/api/v1/submissions", json=COMPLAINT, timeout=10).json()
    kiosk.stop()
    start_central(central.data_dir, central.port)

    page = httpx.get(accepted["track_url"], timeout=10)
    assert page.status_code == 200
    assert "Recibido en Sub Alcaldía Tunari el" in page.text
    assert "pendiente de sincronización" in page.text
    token = accepted["track_url"].split("?s=")[1]
    data = httpx.get(
        f"{central.url}/api/v1/track/{accepted['tracking_code']}", params={"s": token}, timeout=10
    ).json()
    assert data["state"] == "pending" and data["code"] == "luminaria-apagada"
    # Without the receipt's token, a code central has not seen is simply not found.
    bare = httpx.get(f"{central.url}/api/v1/track/{accepted['tracking_code']}", timeout=10)
    assert bare.status_code == 404


def test_unknown_codes_and_forged_tokens_get_the_same_plain_404(
    start_central, start_kiosk, tmp_path
):
    central = start_central()
    enroll(tmp_path / "kiosk", central)
    kiosk = start_kiosk(tmp_path / "kiosk", *FAST_SYNC)
    accepted = httpx.post(f"{kiosk.url}/api/v1/submissions", json=COMPLAINT, timeout=10).json()
    code, token = accepted["tracking_code"], accepted["track_url"].split("?s=")[1]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    answers = [
        httpx.get(f"{central.url}/t/{code}", params={"s": forged}, timeout=10),
        httpx.get(f"{central.url}/t/TUN-0000-0000-0", params={"s": token}, timeout=10),
        httpx.get(f"{central.url}/t/not-a-code", timeout=10),
        httpx.get(f"{central.url}/t/XYZ-7K3M-9QXP-4", params={"s": token}, timeout=10),
    ]
    assert [a.status_code for a in answers] == [404] * 4
    assert len({a.text for a in answers}) == 1
    assert "No encontramos ese código de seguimiento." in answers[0].text
