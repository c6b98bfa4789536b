"""Durable before answered: a 201 means the submission survives a SIGKILL (invariant 1)."""

from __future__ import annotations

import concurrent.futures
import sqlite3

import httpx
from click.testing import CliRunner

from ventanilla.cli import cli

COMPLAINT = {
    "kind": "complaint",
    "category": "bache",
    "fields": {"description": "Bache profundo en la calzada", "location": "Calle Sucre y Antezana"},
}


def post_until_killed(server, workers: int = 8, per_worker: int = 20) -> list[str]:
    """Post from several threads; SIGKILL the server as soon as the first 201 arrives."""
    accepted: list[str] = []

    def post_many() -> None:
        with httpx.Client(base_url=server.url, timeout=5) as client:
            for _ in range(per_worker):
                try:
                    response = client.post("/api/v1/submissions", json=COMPLAINT)
                except httpx.HTTPError:
                    return
                if response.status_code == 201:
                    accepted.append(response.json()["tracking_code"])
                    server.kill()

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(post_many) for _ in range(workers)]:
            future.result()
    return accepted


def test_every_answered_submission_survives_sigkill(start_kiosk, tmp_path):
    data_dir = tmp_path / "kiosk"
    answered: list[str] = []
    for _ in range(3):
        server = start_kiosk(data_dir)
        answered += post_until_killed(server)
        assert server.process.poll() is not None  # it really was killed
    assert answered

    server = start_kiosk(data_dir)
    with httpx.Client(base_url=server.url, timeout=5) as client:
        for code in answered:
            assert client.get(f"/api/v1/submissions/{code}").status_code == 200, code
    server.stop()
    with sqlite3.connect(data_dir / "kiosk.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        seqs = [s for (s,) in conn.execute("SELECT seq FROM submissions ORDER BY seq")]
        codes = [c for (c,) in conn.execute("SELECT tracking_code FROM submissions")]
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(set(codes)) == len(codes) and set(answered) <= set(codes)


def test_a_kiosk_keeps_its_prefix(start_kiosk, tmp_path):
    data_dir = tmp_path / "kiosk"
    start_kiosk(data_dir).stop()
    result = CliRunner().invoke(
        cli, ["kiosk", "serve", "--data", str(data_dir), "--prefix", "MOL", "--port", "1"]
    )
    assert result.exit_code == 1
    assert "this kiosk issues TUN- codes; its prefix cannot become MOL" in result.output
