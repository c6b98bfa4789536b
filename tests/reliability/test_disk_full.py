"""A full disk: the kiosk says so (503), keeps what it accepted, and recovers by itself."""

from __future__ import annotations

import subprocess

import httpx
import pytest

from tests.conftest import Server, kiosk_args

BIG = {
    "kind": "complaint",
    "category": "bache",
    "fields": {"description": "Bache profundo. " * 240, "location": "Av. Ayacucho y Jordán"},
}


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MiB filesystem of our own (tmpfs), removed after the test."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount_point)], check=True)
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_full_disk_is_a_clear_503_and_nothing_accepted_is_lost(small_disk, tmp_path):
    data_dir = small_disk / "kiosk"
    server = Server(kiosk_args(data_dir), data_dir, log=tmp_path / "server.log").start()
    try:
        accepted: list[str] = []
        with httpx.Client(base_url=server.url, timeout=10) as client:
            for _ in range(2000):
                response = client.post("/api/v1/submissions", json=BIG)
                if response.status_code != 201:
                    break
                accepted.append(response.json()["tracking_code"])
            assert response.status_code == 503, response.text
            assert "cannot save" in response.json()["detail"]
            assert len(accepted) > 10
            # Reading still works, and everything answered 201 is there.
            for code in accepted:
                assert client.get(f"/api/v1/submissions/{code}").status_code == 200

            # Space comes back: the same server accepts again, no restart needed.
            subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
            response = client.post("/api/v1/submissions", json=BIG)
            assert response.status_code == 201, response.text
            assert client.get("/healthz").json()["submissions"] == len(accepted) + 1
    finally:
        server.stop()
