"""Webhooks: signed POSTs to other systems on new submissions and status changes, retried."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading

import httpx
import pytest
from click.testing import CliRunner

from tests.conftest import wait_for
from ventanilla.cli import cli


class Receiver(http.server.ThreadingHTTPServer):
    """Another municipal system: refuses the first delivery, then takes them all."""

    def __init__(self) -> None:
        self.received: list[tuple[dict, bytes, dict]] = []
        self.refusals = 1
        super().__init__(("127.0.0.1", 0), Handler)


class Handler(http.server.BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.server.refusals > 0:
            self.server.refusals -= 1
            self.send_response(503)
        else:
            self.server.received.append((json.loads(body), body, dict(self.headers)))
            self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_events_are_signed_retried_and_logged(start_central, receiver):
    central = start_central()
    runner = CliRunner()
    data = str(central.data_dir)
    url = f"http://127.0.0.1:{receiver.server_address[1]}/events"
    added = runner.invoke(cli, ["central", "webhook", "add", "--data", data, "--url", url])
    assert added.exit_code == 0, added.output
    secret = added.output.strip().splitlines()[-1]
    key = runner.invoke(
        cli, ["central", "api-key", "add", "--data", data, "--name", "t"]
    ).output.split()[-1]

    response = httpx.post(
        f"{central.url}/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": "bache",
            "description": "Bache grande",
            "address_string": "Av. Blanco Galindo km 2",
            "first_name": "Teodora",
        },
    )
    code = response.json()[0]["service_request_id"]
    runner.invoke(
        cli, ["central", "set-status", "--data", data, code, "en_revision", "--note", "Visto"]
    )

    wait_for(lambda: len(receiver.received) == 2, timeout=30, what="both events")
    # The first delivery was refused and retried later: order of arrival is not promised.
    events = {event["event"]: event for event, _, _ in receiver.received}
    assert set(events) == {"submission.created", "submission.status_changed"}
    changed = events["submission.status_changed"]
    assert changed["status"] == "en_revision" and changed["public_note"] == "Visto"
    assert all(e["tracking_code"] == code for e in events.values())
    for _, body, headers in receiver.received:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Ventanilla-Signature"] == expected
        assert b"Teodora" not in body

    log = runner.invoke(cli, ["central", "webhook", "log", "--data", data]).output
    assert "delivered after 2 attempt(s)" in log and "delivered after 1 attempt(s)" in log


def test_a_webhook_needs_an_http_url(start_central):
    central = start_central()
    result = CliRunner().invoke(
        cli,
        [
            "central",
            "webhook",
            "add",
            "--data",
            str(central.data_dir),
            "--url",
            "file:///etc/passwd",
        ],
    )
    assert result.exit_code == 1 and "needs an http(s) URL" in result.output
