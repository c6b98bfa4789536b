"""The kiosk's /metrics: what the sub-office's monitoring scrapes."""

from __future__ import annotations

COMPLAINT = {
    "kind": "complaint",
    "category": "bache",
    "fields": {"description": "Bache", "location": "Calle Jordán"},
}


def test_kiosk_metrics(http):
    before = http.get("/metrics")
    assert before.headers["content-type"].startswith("text/plain; version=0.0.4")
    count = int(
        next(
            line
            for line in before.text.splitlines()
            if line.startswith("ventanilla_submissions_total")
        ).split()[-1]
    )
    for _ in range(2):
        assert http.post("/api/v1/submissions", json=COMPLAINT).status_code == 201
    assert http.post("/api/v1/submissions", json={"kind": "nada"}).status_code == 422
    lines = http.get("/metrics").text.splitlines()
    assert f"ventanilla_submissions_total {count + 2}" in lines
    assert f"ventanilla_outbox_depth {count + 2}" in lines  # not enrolled: all waiting
    assert "ventanilla_last_sync_age_seconds -1" in lines
    assert 'ventanilla_print_jobs{state="pending"} 0' in lines
    errors = next(
        line for line in lines if line.startswith('ventanilla_http_responses_total{class="4xx"}')
    )
    assert int(errors.split()[-1]) >= 1
    assert "# TYPE ventanilla_submissions_total counter" in lines
