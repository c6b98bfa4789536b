"""Kiosk and central as separate real servers on loopback: enrollment, push, pull, trust."""

from __future__ import annotations

import concurrent.futures
import re
import shutil
import sqlite3
import time
from pathlib import Path

import httpx
import msgspec
import pytest
import zstandard
from click.testing import CliRunner

from content.bundle import build_bundle
from content.catalog import DEFAULT_CATALOG_DIR, load_catalog
from sync import signing
from sync.messages import PushBatch
from tests.conftest import FAST_SYNC, enroll, wait_for
from tests.faultproxy import FaultProxy
from ventanilla.cli import cli

COMPLAINT = {
    "kind": "complaint",
    "category": "bache",
    "fields": {"description": "Bache en la calzada", "location": "Calle Sucre y Antezana"},
}
APPLICATION = {
    "kind": "application",
    "procedure": "ZOO-RUM",
    "fields": {
        "pet_name": "Firulais",
        "species": "perro",
        "sex": "macho",
        "vaccinated": True,
        "address": "Calle Wilfreda 77",
    },
    "applicant": {"name": "Wilfreda Condori Mamani", "ci": "7654321 CB", "phone": "71112233"},
}


def query(path: Path, sql: str, params=()) -> list[dict]:
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


def post_many(url: str, body: dict, count: int) -> list[str]:
    def post(_: int) -> str:
        response = httpx.post(f"{url}/api/v1/submissions", json=body, timeout=30)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return list(pool.map(post, range(count)))


def sync_status(kiosk) -> dict:
    return httpx.get(f"{kiosk.url}/api/v1/sync/status", timeout=10).json()


def synced(kiosk) -> bool:
    status = sync_status(kiosk)
    return status["pending"] == 0 and status["last_sync_at"] is not None


def central_kiosks(central) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["central", "kiosks", "--data", str(central.data_dir)])
    return result.exit_code, result.output


def test_a_kiosk_that_is_not_enrolled_serves_accepts_and_says_so(start_kiosk):
    kiosk = start_kiosk()
    post_many(kiosk.url, COMPLAINT, 2)
    assert sync_status(kiosk) == {
        "enrolled": False,
        "last_sync_at": None,
        "pending": 2,
        "link": "unknown",
        "last_error": None,
    }


def test_an_enrollment_code_works_once(start_central, start_kiosk, tmp_path):
    central = start_central()
    made = CliRunner().invoke(
        cli,
        [
            "central",
            "enroll-code",
            "--data",
            str(central.data_dir),
            "--name",
            "Sub Alcaldía Tunari",
            "--prefix",
            "TUN",
        ],
    )
    code = made.output.strip().splitlines()[-1]
    first = CliRunner().invoke(
        cli,
        [
            "kiosk",
            "enroll",
            "--data",
            str(tmp_path / "k1"),
            "--central",
            central.url,
            "--code",
            code,
        ],
    )
    assert first.exit_code == 0, first.output
    assert "Enrolled as Sub Alcaldía Tunari (TUN)" in first.output
    again = CliRunner().invoke(
        cli,
        [
            "kiosk",
            "enroll",
            "--data",
            str(tmp_path / "k2"),
            "--central",
            central.url,
            "--code",
            code,
        ],
    )
    assert again.exit_code == 1
    assert "this enrollment code has already been used" in again.output
    wrong = CliRunner().invoke(
        cli,
        [
            "kiosk",
            "enroll",
            "--data",
            str(tmp_path / "k3"),
            "--central",
            central.url,
            "--code",
            "AAAA-BBBB",
        ],
    )
    assert "unknown enrollment code" in wrong.output


def test_submissions_made_while_central_is_down_all_arrive_once(
    start_central, start_kiosk, tmp_path
):
    central = start_central()
    kiosk_dir = tmp_path / "kiosk"
    enroll(kiosk_dir, central)
    central.stop()
    kiosk = start_kiosk(kiosk_dir, *FAST_SYNC)
    ids = post_many(kiosk.url, COMPLAINT, 500)
    wait_for(lambda: sync_status(kiosk)["link"] == "down", what="the kiosk to see the link down")
    assert sync_status(kiosk)["pending"] == 500

    start_central(central.data_dir, central.port)
    wait_for(lambda: synced(kiosk), timeout=60, what="the outbox to empty")
    rows = query(central.data_dir / "central.db", "SELECT id, seq, chain_error FROM submissions")
    assert sorted(r["id"] for r in rows) == sorted(ids)
    assert sorted(r["seq"] for r in rows) == list(range(1, 501))
    assert all(r["chain_error"] is None for r in rows)
    assert query(kiosk_dir / "kiosk.db", "SELECT count(*) AS n FROM outbox")[0]["n"] == 0
    code, output = central_kiosks(central)
    assert code == 0, output
    assert "TUN" in output and "500" in output and "No gaps or broken links." in output


def test_a_deleted_outbox_row_is_reported_as_a_gap(start_central, start_kiosk, tmp_path):
    kiosk_dir = tmp_path / "kiosk"
    kiosk = start_kiosk(kiosk_dir, *FAST_SYNC)
    post_many(kiosk.url, COMPLAINT, 6)
    kiosk.stop()
    with sqlite3.connect(kiosk_dir / "kiosk.db") as conn:
        conn.execute("DELETE FROM outbox WHERE seq IN (3, 4)")
    central = start_central()
    enroll(kiosk_dir, central)
    kiosk = start_kiosk(kiosk_dir, *FAST_SYNC)
    wait_for(lambda: synced(kiosk), what="sync")
    code, output = central_kiosks(central)
    assert code == 1
    assert "missing 3–4 from TUN" in output.splitlines()


def test_a_broken_hash_link_is_reported(start_central, start_kiosk, tmp_path):
    kiosk_dir = tmp_path / "kiosk"
    kiosk = start_kiosk(kiosk_dir, *FAST_SYNC)
    post_many(kiosk.url, COMPLAINT, 3)
    kiosk.stop()
    # Someone edits a record in the outbox before it leaves: its hash no longer fits.
    with sqlite3.connect(kiosk_dir / "kiosk.db") as conn:
        [(record,)] = conn.execute("SELECT record FROM outbox WHERE seq = 2")
        edited = msgspec.msgpack.decode(record)
        edited["code"] = "otro-problema-local"
        conn.execute("UPDATE outbox SET record = ? WHERE seq = 2", [msgspec.msgpack.encode(edited)])
    central = start_central()
    enroll(kiosk_dir, central)
    kiosk = start_kiosk(kiosk_dir, *FAST_SYNC)
    wait_for(lambda: synced(kiosk), what="sync")
    code, output = central_kiosks(central)
    assert code == 1
    assert "broken link at #2 from TUN: its hash does not match its content" in output


def test_personal_data_is_sealed_and_then_gone_from_the_kiosk(start_central, start_kiosk, tmp_path):
    kiosk_dir = tmp_path / "kiosk"
    kiosk = start_kiosk(kiosk_dir, *FAST_SYNC)
    post_many(kiosk.url, APPLICATION, 1)

    def raw_kiosk_files() -> bytes:
        return b"".join(p.read_bytes() for p in kiosk_dir.glob("kiosk.db*"))

    # Before enrollment there is no key to seal to: the data waits, readable, in the outbox.
    assert b"Wilfreda" in raw_kiosk_files()
    central = start_central()
    enroll(kiosk_dir, central)
    wait_for(lambda: synced(kiosk), what="sync")
    raw = raw_kiosk_files()
    for secret in (b"Wilfreda", b"Condori", b"7654321", b"71112233"):
        assert secret not in raw, secret
    # Central keeps it sealed at rest too, and can open it.
    [row] = query(central.data_dir / "central.db", "SELECT * FROM submissions")
    assert row["sealed"] and b"Wilfreda" not in (central.data_dir / "central.db").read_bytes()

    # Accepted after enrollment: sealed at once, never written in clear.
    post_many(kiosk.url, {**APPLICATION, "applicant": {"name": "Eusebia Quispe"}}, 1)
    assert b"Eusebia" not in raw_kiosk_files()


def test_status_changes_flow_back_to_the_kiosk(start_central, start_kiosk, tmp_path):
    central = start_central()
    kiosk_dir = tmp_path / "kiosk"
    enroll(kiosk_dir, central)
    kiosk = start_kiosk(kiosk_dir, *FAST_SYNC)
    response = httpx.post(f"{kiosk.url}/api/v1/submissions", json=COMPLAINT, timeout=10)
    code = response.json()["tracking_code"]
    wait_for(lambda: synced(kiosk), what="sync")
    runner = CliRunner()
    changed = runner.invoke(
        cli,
        [
            "central",
            "set-status",
            "--data",
            str(central.data_dir),
            code,
            "en_revision",
            "--note",
            "Cuadrilla asignada",
        ],
    )
    assert changed.exit_code == 0, changed.output
    skipped = runner.invoke(
        cli, ["central", "set-status", "--data", str(central.data_dir), code, "cerrado"]
    )
    assert (
        skipped.exit_code == 1
        and "it can go to: observado, aprobado, rechazado, resuelto" in skipped.output
    )

    def kiosk_status() -> str:
        return httpx.get(f"{kiosk.url}/api/v1/submissions/{code}", timeout=10).json()["status"]

    wait_for(lambda: kiosk_status() == "en_revision", what="the status to reach the kiosk")


def test_content_bundles_are_verified_activated_and_rolled_back(
    start_central, start_kiosk, tmp_path
):
    central = start_central()
    kiosk_dir = tmp_path / "kiosk"
    enroll(kiosk_dir, central)
    kiosk = start_kiosk(kiosk_dir, *FAST_SYNC)
    shipped = httpx.get(f"{kiosk.url}/healthz").json()["catalog_version"]

    # A new catalogue: one more procedure.
    edited = tmp_path / "catalog"
    shutil.copytree(DEFAULT_CATALOG_DIR, edited)
    text = (
        (edited / "procedures/ZOO-RUM.yaml").read_text().replace("code: ZOO-RUM", "code: ZOO-RUM-2")
    )
    (edited / "procedures/ZOO-RUM-2.yaml").write_text(text)
    published = CliRunner().invoke(
        cli, ["content", "publish", str(edited), "--data", str(central.data_dir)]
    )
    assert published.exit_code == 0, published.output
    new_version = published.output.split()[2]

    def version() -> str:
        return httpx.get(f"{kiosk.url}/healthz").json()["catalog_version"]

    wait_for(lambda: version() == new_version, what="the new bundle to be active")
    assert httpx.get(f"{kiosk.url}/api/v1/procedures/ZOO-RUM-2").status_code == 200

    # A bundle not signed by central's key is refused; the kiosk keeps what it has.
    forged = build_bundle(load_catalog(), signing.new_private_key())
    with sqlite3.connect(central.data_dir / "central.db") as conn:
        conn.execute(
            "INSERT INTO bundles (version, created_at, data) VALUES ('forged', '2026-11-25', ?)",
            [forged],
        )
    wait_for(
        lambda: "refused content bundle" in (sync_status(kiosk)["last_error"] or ""),
        what="the forged bundle to be refused",
    )
    assert version() == new_version

    # Rollback goes back to what was active before (here, the shipped catalogue).
    result = CliRunner().invoke(cli, ["kiosk", "content", "rollback", "--data", str(kiosk_dir)])
    assert result.exit_code == 0, result.output
    wait_for(lambda: version() == shipped, what="the rollback to take effect")
    assert httpx.get(f"{kiosk.url}/api/v1/procedures/ZOO-RUM-2").status_code == 404


# Refused requests ---------------------------------------------------------------


@pytest.fixture
def enrolled(start_central, start_kiosk, tmp_path):
    """A central with one enrolled kiosk's key in hand, and an empty signed batch."""
    central = start_central()
    kiosk_dir = tmp_path / "kiosk"
    enroll(kiosk_dir, central)
    [row] = query(
        kiosk_dir / "kiosk.db", "SELECT value FROM kiosk_settings WHERE key = 'device_key'"
    )
    body = zstandard.ZstdCompressor().compress(msgspec.msgpack.encode(PushBatch(records=[])))
    return central, bytes.fromhex(row["value"]), body


def push(central, headers: dict, body: bytes) -> httpx.Response:
    return httpx.post(f"{central.url}/api/v1/sync/push", content=body, headers=headers, timeout=10)


def test_a_signed_request_is_accepted_once(enrolled):
    central, key, body = enrolled
    headers = signing.sign_request(key, "TUN", "POST", "/api/v1/sync/push", body)
    first = push(central, headers, body)
    assert first.status_code == 200
    assert signing.HEADER_SIGNATURE in first.headers
    replayed = push(central, headers, body)
    assert replayed.status_code == 401
    assert replayed.json()["detail"] == "replayed request (nonce already used)"


@pytest.mark.parametrize(
    ("tamper", "status", "reason"),
    [
        (lambda h, b: ({}, b), 401, "unsigned request"),
        (lambda h, b: (h, b + b"x"), 401, r"bad signature \(tampered or wrong key\)"),
        (lambda h, b: ({**h, signing.HEADER_KIOSK: "XYZ"}, b), 403, "unknown kiosk 'XYZ'"),
        (
            lambda h, b: ({**h, signing.HEADER_TIMESTAMP: str(int(time.time()) - 600)}, b),
            401,
            r"clock skew of 60\d s \(more than 5 min\)",
        ),
    ],
    ids=["unsigned", "tampered", "unknown-kiosk", "skewed"],
)
def test_bad_requests_are_refused_and_recorded(enrolled, tamper, status, reason):
    central, key, body = enrolled
    headers, sent = tamper(
        signing.sign_request(key, "TUN", "POST", "/api/v1/sync/push", body), body
    )
    response = push(central, headers, sent)
    assert response.status_code == status
    assert re.fullmatch(reason, response.json()["detail"])
    events = query(central.data_dir / "central.db", "SELECT * FROM auth_events")
    [event] = events
    assert (event["status"], event["path"]) == (status, "/api/v1/sync/push")
    assert re.fullmatch(reason, event["reason"])
    assert (
        query(central.data_dir / "central.db", "SELECT count(*) AS n FROM submissions")[0]["n"] == 0
    )


def test_a_kiosk_trusts_only_answers_signed_by_its_central(enrolled, start_kiosk, tmp_path):
    kiosk_dir = tmp_path / "kiosk"
    # Pin another key as "central's": every genuine answer now fails to verify.
    with sqlite3.connect(kiosk_dir / "kiosk.db") as conn:
        other = signing.public_key(signing.new_private_key()).hex()
        conn.execute("UPDATE kiosk_settings SET value = ? WHERE key = 'central_key'", [other])
    kiosk = start_kiosk(kiosk_dir, *FAST_SYNC)
    post_many(kiosk.url, COMPLAINT, 1)
    wait_for(
        lambda: "not signed by the pinned central" in (sync_status(kiosk)["last_error"] or ""),
        what="the kiosk to distrust the answer",
    )
    # Central stored it (the request was genuine) but the kiosk keeps it until a trusted ack.
    assert sync_status(kiosk)["pending"] == 1
    assert sync_status(kiosk)["link"] == "down"


# A bad link between them ------------------------------------------------------------


def test_cuts_delays_and_duplicates_lose_nothing_and_duplicate_nothing(
    start_central, start_kiosk, tmp_path
):
    central = start_central()
    with FaultProxy(central.port, seed=7) as proxy:
        kiosk_dir = tmp_path / "kiosk"
        enroll(kiosk_dir, central, via=proxy.url)
        proxy.down()
        kiosk = start_kiosk(kiosk_dir, *FAST_SYNC)
        ids = post_many(kiosk.url, COMPLAINT, 300)

        # Faults apply to connections opened from now on; the kiosk opens new ones
        # after each failure, so every kind of fault gets its turn.
        proxy.cut_requests(after_bytes=300, count=3)
        proxy.cut_responses(after_bytes=40, count=3)
        proxy.duplicate_requests(True)
        proxy.delay(0.05)
        proxy.up()
        wait_for(
            lambda: proxy.stats["request_cuts"] == 3 and proxy.stats["response_cuts"] == 3,
            timeout=60,
            what="every planned cut to happen",
        )
        wait_for(lambda: proxy.stats["duplicates"] >= 1, what="a duplicated request")
        proxy.heal()
        wait_for(lambda: synced(kiosk), timeout=60, what="the outbox to empty")

    rows = query(central.data_dir / "central.db", "SELECT id, seq FROM submissions")
    assert len(rows) == 300
    assert sorted(r["id"] for r in rows) == sorted(ids)
    assert sorted(r["seq"] for r in rows) == list(range(1, 301))
    assert query(kiosk_dir / "kiosk.db", "SELECT count(*) AS n FROM outbox")[0]["n"] == 0
    code, output = central_kiosks(central)
    assert code == 0, output
