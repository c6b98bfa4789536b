"""Every SQL statement of central. Functions take a `sqlite_utils.Database`;
those that write run in the writer thread (see `ventanilla.database`)."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from sync.messages import SubmissionRecord
from ventanilla.clock import now_iso
from ventanilla.database import insert_row, read_settings, write_settings


def _one(db: sqlite_utils.Database, sql: str, params: list[Any]) -> dict[str, Any] | None:
    return next(iter(db.query(sql, params)), None)


# Settings (keys) --------------------------------------------------------------


def settings(db: sqlite_utils.Database) -> dict[str, str]:
    return read_settings(db, "central_settings")


def set_settings(db: sqlite_utils.Database, values: dict[str, str]) -> None:
    write_settings(db, "central_settings", values)


# Kiosks and enrollment --------------------------------------------------------


def kiosk(db: sqlite_utils.Database, prefix: str) -> dict[str, Any] | None:
    return _one(db, "SELECT * FROM kiosks WHERE prefix = ?", [prefix])


def kiosks(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM kiosks ORDER BY prefix"))


def add_kiosk(db: sqlite_utils.Database, prefix: str, name: str, public_key: str) -> None:
    insert_row(
        db,
        "kiosks",
        {"prefix": prefix, "name": name, "public_key": public_key, "enrolled_at": now_iso()},
    )


def touch_kiosk(db: sqlite_utils.Database, prefix: str) -> None:
    db.execute("UPDATE kiosks SET last_sync_at = ? WHERE prefix = ?", [now_iso(), prefix])


def add_enrollment_code(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    insert_row(db, "enrollment_codes", row)


def enrollment_code(db: sqlite_utils.Database, code_hash: str) -> dict[str, Any] | None:
    return _one(db, "SELECT * FROM enrollment_codes WHERE code_hash = ?", [code_hash])


def use_enrollment_code(db: sqlite_utils.Database, code_hash: str) -> bool:
    cursor = db.execute(
        "UPDATE enrollment_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL",
        [now_iso(), code_hash],
    )
    return cursor.rowcount == 1


# Request authentication -------------------------------------------------------


def remember_nonce(db: sqlite_utils.Database, kiosk: str, nonce: str, keep_after: str) -> bool:
    """Record a nonce; False if it was seen before (a replay). Forgets old ones."""
    db.execute("DELETE FROM nonces WHERE seen_at < ?", [keep_after])
    cursor = db.execute(
        "INSERT OR IGNORE INTO nonces (kiosk, nonce, seen_at) VALUES (?, ?, ?)",
        [kiosk, nonce, now_iso()],
    )
    return cursor.rowcount == 1


def record_auth_event(db: sqlite_utils.Database, event: dict[str, Any]) -> None:
    insert_row(db, "auth_events", {"at": now_iso(), **event})


def auth_events(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM auth_events ORDER BY id"))


# Submissions ------------------------------------------------------------------


def submission(db: sqlite_utils.Database, submission_id: str) -> dict[str, Any] | None:
    return _one(db, "SELECT * FROM submissions WHERE id = ?", [submission_id])


def submission_by_code(db: sqlite_utils.Database, tracking_code: str) -> dict[str, Any] | None:
    return _one(db, "SELECT * FROM submissions WHERE tracking_code = ?", [tracking_code])


def submission_at(db: sqlite_utils.Database, kiosk: str, seq: int) -> dict[str, Any] | None:
    return _one(db, "SELECT * FROM submissions WHERE kiosk = ? AND seq = ?", [kiosk, seq])


def insert_record(
    db: sqlite_utils.Database, kiosk: str, record: SubmissionRecord, chain_error: str | None
) -> dict[str, Any]:
    """Store a submission as its channel sent it; the row written."""
    row = {
        "id": record.id,
        "kiosk": kiosk,
        "seq": record.seq,
        "tracking_code": record.tracking_code,
        "kind": record.kind,
        "code": record.code,
        "unit": record.unit,
        "lang": record.lang,
        "submitted_at": record.submitted_at,
        "received_at": now_iso(),
        "token": record.token,
        "fields": json.dumps(record.fields, ensure_ascii=False),
        "personal_digest": record.personal_digest,
        "sealed": record.sealed,
        "prev_hash": record.prev_hash,
        "hash": record.hash,
        "chain_error": chain_error,
        "assigned_unit": record.unit,
    }
    insert_row(db, "submissions", row)
    return row


def flag_chain(db: sqlite_utils.Database, submission_id: str, error: str) -> None:
    db.execute(
        "UPDATE submissions SET chain_error = coalesce(chain_error || '; ', '') || ? WHERE id = ?",
        [error, submission_id],
    )


def kiosk_sequence(db: sqlite_utils.Database, kiosk: str) -> list[int]:
    return [
        s
        for (s,) in db.execute("SELECT seq FROM submissions WHERE kiosk = ? ORDER BY seq", [kiosk])
    ]


def chain_errors(db: sqlite_utils.Database, kiosk: str) -> list[tuple[int, str]]:
    return list(
        db.execute(
            "SELECT seq, chain_error FROM submissions WHERE kiosk = ? AND chain_error IS NOT NULL "
            "ORDER BY seq",
            [kiosk],
        )
    )


def count_submissions(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM submissions").fetchone()[0]


# Status -----------------------------------------------------------------------


def set_status(
    db: sqlite_utils.Database,
    row: dict[str, Any],
    status: str,
    public_note: str | None,
    internal_note: str | None,
    by: str,
) -> int:
    changed_at = now_iso()
    db.execute(
        "UPDATE submissions SET status = ?, status_changed_at = ? WHERE id = ?",
        [status, changed_at, row["id"]],
    )
    return insert_row(
        db,
        "status_changes",
        {
            "submission_id": row["id"],
            "kiosk": row["kiosk"],
            "tracking_code": row["tracking_code"],
            "status": status,
            "public_note": public_note,
            "internal_note": internal_note,
            "changed_at": changed_at,
            "changed_by": by,
        },
    )


def status_changes_since(
    db: sqlite_utils.Database, kiosk: str, cursor: int, limit: int = 500
) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT cursor, tracking_code, status, public_note, changed_at FROM status_changes "
            "WHERE kiosk = ? AND cursor > ? ORDER BY cursor LIMIT ?",
            [kiosk, cursor, limit],
        )
    )


# Bundles ----------------------------------------------------------------------


def add_bundle(db: sqlite_utils.Database, version: str, data: bytes) -> int:
    return insert_row(db, "bundles", {"version": version, "created_at": now_iso(), "data": data})


def latest_bundle(db: sqlite_utils.Database) -> dict[str, Any] | None:
    return _one(db, "SELECT * FROM bundles ORDER BY id DESC LIMIT 1", [])


def count_auth_events(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM auth_events").fetchone()[0]


def public_history(db: sqlite_utils.Database, submission_id: str) -> list[dict[str, Any]]:
    """A submission's status changes, without internal notes or who made them."""
    return list(
        db.query(
            "SELECT status, public_note, changed_at FROM status_changes "
            "WHERE submission_id = ? ORDER BY cursor",
            [submission_id],
        )
    )


def chain_tip(db: sqlite_utils.Database, kiosk: str) -> tuple[int, str | None]:
    """(seq, hash) of a channel's last submission, (0, None) before its first."""
    row = db.execute(
        "SELECT seq, hash FROM submissions WHERE kiosk = ? ORDER BY seq DESC LIMIT 1", [kiosk]
    ).fetchone()
    return (row[0], row[1]) if row else (0, None)


def add_api_key(db: sqlite_utils.Database, name: str, key_hash: str) -> None:
    insert_row(db, "api_keys", {"name": name, "key_hash": key_hash, "created_at": now_iso()})


def api_key(db: sqlite_utils.Database, key_hash: str) -> dict[str, Any] | None:
    return _one(db, "SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", [key_hash])


def complaints(
    db: sqlite_utils.Database,
    *,
    codes: list[str] | None = None,
    categories: list[str] | None = None,
    statuses: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """Complaints (never applications) matching the filters, newest first."""
    where, params = ["kind = 'complaint'"], []
    for column, values in (("tracking_code", codes), ("code", categories), ("status", statuses)):
        if values:
            where.append(f"{column} IN ({', '.join('?' for _ in values)})")
            params += values
    if since:
        where.append("submitted_at >= ?")
        params.append(since)
    if until:
        where.append("submitted_at <= ?")
        params.append(until)
    sql = (
        "SELECT s.*, (SELECT public_note FROM status_changes c WHERE c.submission_id = s.id "
        "AND public_note IS NOT NULL ORDER BY cursor DESC LIMIT 1) AS status_note "
        f"FROM submissions s WHERE {' AND '.join(where)} ORDER BY submitted_at DESC LIMIT ?"
    )
    return list(db.query(sql, [*params, limit]))


def latest_bundle_id(db: sqlite_utils.Database) -> int | None:
    row = db.execute("SELECT max(id) FROM bundles").fetchone()
    return row[0]


def opendata_rows(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Per submission: what open data may say of it, and when it was first closed."""
    return list(
        db.query(
            "SELECT s.kind, s.code, k.name AS office, s.status, s.submitted_at, "
            "(SELECT min(changed_at) FROM status_changes c WHERE c.submission_id = s.id "
            "AND c.status IN ('cerrado', 'aprobado', 'rechazado', 'resuelto')) AS closed_at "
            "FROM submissions s LEFT JOIN kiosks k ON k.prefix = s.kiosk"
        )
    )


# Webhooks -----------------------------------------------------------------------


def add_webhook(db: sqlite_utils.Database, url: str, secret: str) -> int:
    return insert_row(db, "webhooks", {"url": url, "secret": secret, "created_at": now_iso()})


def active_webhooks(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM webhooks WHERE active = 1 ORDER BY id"))


def add_delivery(db: sqlite_utils.Database, webhook_id: int, event: str, payload: bytes) -> None:
    stamp = now_iso()
    insert_row(
        db,
        "webhook_deliveries",
        {
            "webhook_id": webhook_id,
            "event": event,
            "payload": payload,
            "next_attempt_at": stamp,
            "created_at": stamp,
        },
    )


def due_deliveries(db: sqlite_utils.Database, limit: int = 20) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT d.*, w.url, w.secret FROM webhook_deliveries d "
            "JOIN webhooks w ON w.id = d.webhook_id "
            "WHERE d.state = 'pending' AND d.next_attempt_at <= ? ORDER BY d.id LIMIT ?",
            [now_iso(), limit],
        )
    )


def next_delivery_at(db: sqlite_utils.Database) -> str | None:
    return db.execute(
        "SELECT min(next_attempt_at) FROM webhook_deliveries WHERE state = 'pending'"
    ).fetchone()[0]


def finish_delivery(
    db: sqlite_utils.Database,
    delivery_id: int,
    *,
    state: str,
    status: int | None,
    error: str | None,
    next_attempt_at: str | None = None,
) -> None:
    db.execute(
        "UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, last_status = ?, "
        "last_error = ?, next_attempt_at = coalesce(?, next_attempt_at), "
        "delivered_at = CASE WHEN ? = 'delivered' THEN ? END WHERE id = ?",
        [state, status, error, next_attempt_at, state, now_iso(), delivery_id],
    )


def deliveries(db: sqlite_utils.Database, limit: int = 50) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT d.id, w.url, d.event, d.state, d.attempts, d.last_status, d.last_error, "
            "d.created_at, d.delivered_at FROM webhook_deliveries d "
            "JOIN webhooks w ON w.id = d.webhook_id ORDER BY d.id DESC LIMIT ?",
            [limit],
        )
    )


# Supports and shared complaints ---------------------------------------------------


def add_supports(db: sqlite_utils.Database, kiosk: str, supports: list[dict[str, str]]) -> None:
    db.conn.executemany(
        "INSERT OR IGNORE INTO supports (id, tracking_code, kiosk, at) VALUES (?, ?, ?, ?)",
        [(s["id"], s["tracking_code"], kiosk, s["at"]) for s in supports],
    )


def shared_complaints(
    db: sqlite_utils.Database, kiosk: str, since: str, limit: int = 200
) -> list[dict[str, Any]]:
    """Open complaints from the other channels of the same sub-office as `kiosk`."""
    return list(
        db.query(
            "SELECT s.tracking_code, s.code, s.submitted_at, s.status, s.fields, "
            "(SELECT count(*) FROM supports p WHERE p.tracking_code = s.tracking_code) AS supports "
            "FROM submissions s JOIN kiosks k ON k.prefix = s.kiosk "
            "WHERE s.kind = 'complaint' AND s.kiosk != ? "
            "AND k.name = (SELECT name FROM kiosks WHERE prefix = ?) "
            "AND s.status IN ('recibido', 'en_revision', 'observado') AND s.submitted_at >= ? "
            "ORDER BY s.submitted_at DESC LIMIT ?",
            [kiosk, kiosk, since, limit],
        )
    )


def count_supports(db: sqlite_utils.Database, tracking_code: str) -> int:
    return db.execute(
        "SELECT count(*) FROM supports WHERE tracking_code = ?", [tracking_code]
    ).fetchone()[0]
