"""Backups taken while a kiosk serves are consistent, and restore brings them back."""

from __future__ import annotations

import sqlite3
import threading

import httpx
from click.testing import CliRunner

from ventanilla.cli import cli

COMPLAINT = {
    "kind": "complaint",
    "category": "bache",
    "fields": {"description": "Bache", "location": "Calle Bolívar"},
}


def test_backup_while_serving_then_restore(start_kiosk, tmp_path):
    kiosk = start_kiosk()
    stop = threading.Event()

    def load() -> None:
        with httpx.Client(base_url=kiosk.url, timeout=10) as client:
            while not stop.is_set():
                assert client.post("/api/v1/submissions", json=COMPLAINT).status_code == 201

    writer = threading.Thread(target=load)
    writer.start()
    try:
        for _ in range(20):
            httpx.post(f"{kiosk.url}/api/v1/submissions", json=COMPLAINT, timeout=10)
        out = tmp_path / "backups" / "kiosk.db"
        result = CliRunner().invoke(cli, ["backup", "--data", str(kiosk.data_dir), str(out)])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert f"to {out}" in result.output
    with sqlite3.connect(out) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        seqs = [s for (s,) in conn.execute("SELECT seq FROM submissions ORDER BY seq")]
        codes = [c for (c,) in conn.execute("SELECT tracking_code FROM submissions")]
    assert len(seqs) >= 20 and seqs == list(range(1, len(seqs) + 1))  # one snapshot, no tear

    again = CliRunner().invoke(cli, ["backup", "--data", str(kiosk.data_dir), str(out)])
    assert again.exit_code == 1 and "already exists" in again.output

    kiosk.stop()
    restored = CliRunner().invoke(cli, ["restore", "--data", str(kiosk.data_dir), str(out)])
    assert restored.exit_code == 0, restored.output
    assert "The database it replaced is kept as" in restored.output
    kiosk = start_kiosk(kiosk.data_dir)
    assert httpx.get(f"{kiosk.url}/healthz").json()["submissions"] == len(seqs)
    for code in codes[:5]:
        assert httpx.get(f"{kiosk.url}/api/v1/submissions/{code}").status_code == 200


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"not a database at all" * 100)
    result = CliRunner().invoke(
        cli, ["restore", "--data", str(tmp_path / "k"), "--as", "kiosk.db", str(bogus)]
    )
    assert result.exit_code == 1
    assert "is not a SQLite database" in result.output
    assert not (tmp_path / "k" / "kiosk.db").exists()
