"""Webhooks: a signed JSON POST to other municipal systems on each new submission
and each status change, retried with backoff, with a delivery log.

Events are queued in the same transaction as what they report, so none is lost
to a crash; a worker thread delivers them. The body carries no personal data.
Receivers check ``X-Ventanilla-Signature: sha256=<hex HMAC-SHA256 of the body>``
with the secret they were given.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import random
import secrets
from typing import Any
from urllib.parse import urlsplit

import httpx
import msgspec
import sqlite_utils

from central import store
from ventanilla.clock import iso, utc_now
from ventanilla.database import Database
from ventanilla.worker import Worker

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
BACKOFF_FIRST, BACKOFF_CAP = 5.0, 3600.0  # seconds
TIMEOUT = 10.0
# Events are also queued by other processes (the CLI), which cannot wake this thread.
IDLE_POLL = 2.0


class WebhookEvent(msgspec.Struct, kw_only=True):
    """What a receiver gets: the public facts of the submission and the event."""

    event: str
    tracking_code: str
    kind: str
    code: str
    unit: str
    office: str
    status: str
    public_note: str | None = None
    at: str


def new_webhook(db: sqlite_utils.Database, url: str) -> str:
    """Register `url`; returns the HMAC secret to give its owner."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"a webhook needs an http(s) URL, not {url!r}")
    secret = secrets.token_urlsafe(32)
    store.add_webhook(db, url, secret)
    return secret


def notify(
    db: sqlite_utils.Database, event: str, row: dict[str, Any], public_note: str | None = None
) -> None:
    """Queue `event` about submission `row` for every active webhook (in the caller's transaction)."""
    hooks = store.active_webhooks(db)
    if not hooks:
        return
    kiosk = store.kiosk(db, row["kiosk"])
    payload = msgspec.json.encode(
        WebhookEvent(
            event=event,
            tracking_code=row["tracking_code"],
            kind=row["kind"],
            code=row["code"],
            unit=row["unit"],
            office=kiosk["name"] if kiosk else row["kiosk"],
            status=row["status"],
            public_note=public_note,
            at=iso(utc_now()),
        )
    )
    for hook in hooks:
        store.add_delivery(db, hook["id"], event, payload)


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> float:
    return min(BACKOFF_CAP, BACKOFF_FIRST * 2 ** max(attempts - 1, 0)) * random.uniform(0.5, 1.0)


class WebhookWorker(Worker):
    """Delivers due webhook events; one slow receiver delays only its own deliveries' round."""

    name = "webhook-worker"

    def __init__(self, database: Database):
        super().__init__()
        self.database = database
        self.client = httpx.Client(timeout=TIMEOUT, trust_env=False, follow_redirects=False)

    def stop(self, timeout: float = 60.0) -> None:
        super().stop(timeout)
        self.client.close()

    def run_once(self) -> float:
        for delivery in self.database.read(store.due_deliveries):
            if self.stopping:
                break
            self.deliver(delivery)
        when = self.database.read(store.next_delivery_at)
        if when is None:
            return IDLE_POLL
        wait = (
            datetime.datetime.fromisoformat(when.replace("Z", "+00:00")) - utc_now()
        ).total_seconds()
        return max(0.0, min(IDLE_POLL, wait))

    def deliver(self, delivery: dict[str, Any]) -> None:
        body = delivery["payload"]
        headers = {
            "Content-Type": "application/json",
            "X-Ventanilla-Event": delivery["event"],
            "X-Ventanilla-Delivery": str(delivery["id"]),
            "X-Ventanilla-Signature": signature(delivery["secret"], body),
        }
        status, error = None, None
        try:
            response = self.client.post(delivery["url"], content=body, headers=headers)
            status = response.status_code
            if response.is_success:
                self._finish(delivery["id"], "delivered", status, None)
                return
            error = f"answered {status}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        attempts = delivery["attempts"] + 1
        if attempts >= MAX_ATTEMPTS:
            log.error(
                "webhook delivery %s to %s failed for good: %s",
                delivery["id"],
                delivery["url"],
                error,
            )
            self._finish(delivery["id"], "failed", status, error)
        else:
            later = iso(utc_now() + datetime.timedelta(seconds=backoff(attempts)))
            self._finish(delivery["id"], "pending", status, error, later)

    def _finish(
        self,
        delivery_id: int,
        state: str,
        status: int | None,
        error: str | None,
        later: str | None = None,
    ) -> None:
        self.database.write(
            lambda db: store.finish_delivery(
                db, delivery_id, state=state, status=status, error=error, next_attempt_at=later
            )
        )
