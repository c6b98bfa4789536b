"""2,000 submissions while the link to central is cut at random: exactly once at central."""

from __future__ import annotations

import concurrent.futures
import sqlite3

import httpx

from tests.conftest import FAST_SYNC, enroll, wait_for
from tests.faultproxy import FaultProxy

COUNT = 2000
COMPLAINT = {
    "kind": "complaint",
    "category": "luminaria-apagada",
    "fields": {"description": "Poste apagado", "location": "Calle Tarija y Oquendo"},
    "applicant": {"name": "Rufino Choque", "phone": "72223344"},
}


def test_random_cuts_during_a_2000_submission_run(start_central, start_kiosk, tmp_path):
    central = start_central()
    with FaultProxy(central.port, seed=2000) as proxy:
        kiosk_dir = tmp_path / "kiosk"
        enroll(kiosk_dir, central, via=proxy.url)
        # Every connection is cut somewhere in its first 8 KiB, in either direction:
        # about one cut per batch while the outbox is full. (Set before the kiosk
        # starts: a fault applies to connections opened after it.)
        proxy.random_cuts(1.0, max_offset=8 * 1024)
        kiosk = start_kiosk(kiosk_dir, *FAST_SYNC)

        def post(_: int) -> str:
            response = httpx.post(f"{kiosk.url}/api/v1/submissions", json=COMPLAINT, timeout=30)
            assert response.status_code == 201, response.text
            return response.json()["id"]

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(post, range(COUNT)))
        wait_for(lambda: proxy.stats["cuts"] >= 5, timeout=60, what="five cuts")
        proxy.heal()

        def pending() -> int:
            return httpx.get(f"{kiosk.url}/api/v1/sync/status", timeout=10).json()["pending"]

        wait_for(lambda: pending() == 0, timeout=120, what="the outbox to empty")

    with sqlite3.connect(central.data_dir / "central.db") as conn:
        rows = conn.execute("SELECT id, seq, chain_error FROM submissions").fetchall()
    assert len(rows) == COUNT
    assert sorted(r[0] for r in rows) == sorted(ids)
    assert sorted(r[1] for r in rows) == list(range(1, COUNT + 1))
    assert all(r[2] is None for r in rows)
