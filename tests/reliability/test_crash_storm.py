"""A kiosk killed again and again under load loses nothing it answered and doubles nothing."""

from __future__ import annotations

import random
import sqlite3
import threading
import time
import uuid

import httpx

from tests.conftest import Server, kiosk_args

COMPLAINT = {
    "kind": "complaint",
    "category": "bache",
    "fields": {"description": "Bache en la calzada", "location": "Av. Ayacucho y Jordán"},
}
KILLS = 20


def test_twenty_sigkills_under_load(tmp_path):
    data_dir = tmp_path / "kiosk"
    server = Server(kiosk_args(data_dir), data_dir).start()
    answered: dict[str, str] = {}  # Idempotency-Key -> tracking code from its 201
    stop = threading.Event()
    rng = random.Random(20)

    def load() -> None:
        """Each submission has its own key and is retried with it until a 201 comes back."""
        with httpx.Client(timeout=5) as client:
            key = str(uuid.uuid4())
            while not stop.is_set():
                try:
                    response = client.post(
                        f"{server.url}/api/v1/submissions",
                        json=COMPLAINT,
                        headers={"Idempotency-Key": key},
                    )
                except httpx.HTTPError:
                    time.sleep(0.05)  # the kiosk is down: try the same key again
                    continue
                assert response.status_code == 201, response.text
                answered[key] = response.json()["tracking_code"]
                key = str(uuid.uuid4())

    threads = [threading.Thread(target=load) for _ in range(6)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.2, 0.6))
            server.kill()
            server = Server(kiosk_args(data_dir), data_dir, port=server.port).start()
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        server.stop()

    with sqlite3.connect(data_dir / "kiosk.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute(
            "SELECT idempotency_key, tracking_code, seq FROM submissions"
        ).fetchall()
    stored = {key: code for key, code, _ in rows}
    assert len(stored) == len(rows), "a submission was stored twice"
    assert len(answered) > KILLS * 5
    for key, code in answered.items():
        assert stored.get(key) == code, f"{code} was answered 201 and is missing"
    assert sorted(seq for _, _, seq in rows) == list(range(1, len(rows) + 1))
