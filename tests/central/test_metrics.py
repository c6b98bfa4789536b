"""Central's /metrics: what an operator's Prometheus scrapes."""

from __future__ import annotations

import httpx

from tests.conftest import FAST_SYNC, enroll, wait_for

COMPLAINT = {
    "kind": "complaint",
    "category": "bache",
    "fields": {"description": "Bache", "location": "Calle Sucre"},
}


def metric_lines(url: str) -> list[str]:
    response = httpx.get(f"{url}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return [line for line in response.text.splitlines() if not line.startswith("#")]


def test_central_metrics_follow_kiosks_and_refusals(start_central, start_kiosk, tmp_path):
    central = start_central()
    enroll(tmp_path / "kiosk", central)
    kiosk = start_kiosk(tmp_path / "kiosk", *FAST_SYNC)
    for _ in range(3):
        httpx.post(f"{kiosk.url}/api/v1/submissions", json=COMPLAINT, timeout=10)
    assert httpx.post(f"{central.url}/api/v1/sync/push", content=b"x").status_code == 401
    wait_for(
        lambda: 'ventanilla_kiosk_submissions_total{kiosk="TUN"} 3' in metric_lines(central.url),
        what="the three submissions in the metrics",
    )
    lines = metric_lines(central.url)
    assert "ventanilla_kiosks 1" in lines
    assert 'ventanilla_kiosk_chain_problems{kiosk="TUN"} 0' in lines
    assert "ventanilla_refused_requests_total 1" in lines
    assert 'ventanilla_http_responses_total{class="4xx"} 1' in lines
    age = next(line for line in lines if line.startswith("ventanilla_kiosk_last_sync_age_seconds"))
    assert 0 <= float(age.split()[-1]) < 30
