"""Every SQL statement of the kiosk. Functions take a `sqlite_utils.Database`;
those that write run in the writer thread (see `ventanilla.database`)."""

from __future__ import annotations

import json
import re
from typing import Any

import sqlite_utils

from content.schema import LANGS, Catalog
from sync.ids import uuid7
from ventanilla.clock import iso, utc_now
from ventanilla.database import insert_row, read_settings, write_settings

# Settings -------------------------------------------------------------------


def settings(db: sqlite_utils.Database) -> dict[str, str]:
    return read_settings(db, "kiosk_settings")


def set_settings(db: sqlite_utils.Database, values: dict[str, str]) -> None:
    write_settings(db, "kiosk_settings", values)


# Catalogue search -----------------------------------------------------------


def index_catalog(db: sqlite_utils.Database, catalog: Catalog) -> None:
    db.execute("DELETE FROM procedure_search")
    rows = []
    for p in catalog.procedures:
        texts = [p.summary, *p.requirements, *p.steps]
        body = " ".join(getattr(t, lang) or "" for t in texts for lang in LANGS)
        title = " ".join(getattr(p.title, lang) or "" for lang in LANGS)
        rows.append((p.code, p.category, f"{p.code} {title}", body))
    db.conn.executemany(
        "INSERT INTO procedure_search (code, category, title, body) VALUES (?, ?, ?, ?)", rows
    )


def _match_expression(q: str) -> str | None:
    # Each word becomes a quoted prefix term, so FTS syntax in user input is inert.
    words = re.findall(r"\w+", q)
    return " ".join(f'"{w}"*' for w in words) or None


def search_procedures(db: sqlite_utils.Database, q: str) -> list[str]:
    """Codes of the procedures matching every word of `q`, best match first."""
    expression = _match_expression(q)
    if expression is None:
        return []
    rows = db.execute(
        "SELECT code FROM procedure_search WHERE procedure_search MATCH ? "
        "ORDER BY bm25(procedure_search, 0, 0, 10.0, 1.0), code",
        [expression],
    ).fetchall()
    return [code for (code,) in rows]


# Submissions ----------------------------------------------------------------

SUBMISSION_COLUMNS = (
    "id, seq, tracking_code, kind, code, unit, lang, submitted_at, status, "
    "status_changed_at, status_note, fields, token, hash, idempotency_key, request_hash"
)


def submission_by_code(db: sqlite_utils.Database, tracking_code: str) -> dict[str, Any] | None:
    rows = db.query(
        f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE tracking_code = ?", [tracking_code]
    )
    return next(iter(rows), None)


def submission_by_id(db: sqlite_utils.Database, submission_id: str) -> dict[str, Any] | None:
    rows = db.query(f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE id = ?", [submission_id])
    return next(iter(rows), None)


def submission_by_idempotency_key(db: sqlite_utils.Database, key: str) -> dict[str, Any] | None:
    rows = db.query(
        f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE idempotency_key = ?", [key]
    )
    return next(iter(rows), None)


def code_in_use(db: sqlite_utils.Database, tracking_code: str) -> bool:
    sql = "SELECT 1 FROM submissions WHERE tracking_code = ?"
    return db.conn.execute(sql, [tracking_code]).fetchone() is not None


def chain_tip(db: sqlite_utils.Database) -> tuple[int, str | None]:
    """(seq, hash) of the last submission, (0, None) before the first."""
    row = db.conn.execute("SELECT seq, hash FROM submissions ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, None)


def insert_submission(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    insert_row(db, "submissions", row)


def insert_outbox(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    insert_row(db, "outbox", row)


def count_submissions(db: sqlite_utils.Database) -> int:
    (n,) = db.execute("SELECT count(*) FROM submissions").fetchone()
    return n


# Outbox -----------------------------------------------------------------------


def outbox_ready(db: sqlite_utils.Database, limit: int) -> list[dict[str, Any]]:
    """The oldest outbox rows that can travel (nothing left in clear to seal)."""
    return list(
        db.query(
            "SELECT seq, submission_id, record, sealed FROM outbox "
            "WHERE personal IS NULL ORDER BY seq LIMIT ?",
            [limit],
        )
    )


def outbox_unsealed(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(
        db.query("SELECT seq, submission_id, personal FROM outbox WHERE personal IS NOT NULL")
    )


def seal_outbox_row(db: sqlite_utils.Database, seq: int, sealed: bytes) -> None:
    db.execute("UPDATE outbox SET sealed = ?, personal = NULL WHERE seq = ?", [sealed, seq])


def delete_outbox(db: sqlite_utils.Database, seqs: list[int]) -> None:
    db.conn.executemany("DELETE FROM outbox WHERE seq = ?", [(seq,) for seq in seqs])


def outbox_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM outbox").fetchone()[0]


def apply_status(
    db: sqlite_utils.Database, tracking_code: str, status: str, note: str | None, changed_at: str
) -> None:
    db.execute(
        "UPDATE submissions SET status = ?, status_note = ?, status_changed_at = ? "
        "WHERE tracking_code = ?",
        [status, note, changed_at, tracking_code],
    )


# Screens: complaints a citizen may back, desk accounts, the desk's day ------------

OPEN_STATUSES = ("recibido", "en_revision", "observado")


def open_complaints(
    db: sqlite_utils.Database, category: str, limit: int = 5
) -> list[dict[str, Any]]:
    """The newest open complaints of `category` filed here or at the other kiosks of this
    sub-office (as central shares them), with their public fields (description,
    location: never personal data) and how many backed each one."""
    marks = ", ".join("?" * len(OPEN_STATUSES))
    rows = db.query(
        "SELECT tracking_code, submitted_at, fields, supports FROM ("
        "SELECT s.tracking_code, s.submitted_at, s.fields, "
        "(SELECT count(*) FROM supports WHERE submission_id = s.id) AS supports "
        "FROM submissions s WHERE s.kind = 'complaint' AND s.code = ? "
        f"AND s.status IN ({marks}) "
        "UNION ALL SELECT tracking_code, submitted_at, fields, supports FROM shared_complaints "
        f"WHERE code = ? AND status IN ({marks})"
        ") ORDER BY submitted_at DESC LIMIT ?",
        [category, *OPEN_STATUSES, category, *OPEN_STATUSES, limit],
    )
    return [{**row, "fields": json.loads(row["fields"])} for row in rows]


def add_support(db: sqlite_utils.Database, category: str, tracking_code: str) -> int | None:
    """Back the open complaint `tracking_code` of `category` (filed here, or shared by
    central); its new count, or None when it is no such complaint (closed meanwhile,
    or another kind). The support is also queued for central."""
    marks = ", ".join("?" * len(OPEN_STATUSES))
    own = db.execute(
        "SELECT id FROM submissions WHERE tracking_code = ? AND kind = 'complaint' AND code = ? "
        f"AND status IN ({marks})",
        [tracking_code, category, *OPEN_STATUSES],
    ).fetchone()
    shared = db.execute(
        f"SELECT 1 FROM shared_complaints WHERE tracking_code = ? AND code = ? AND status IN ({marks})",
        [tracking_code, category, *OPEN_STATUSES],
    ).fetchone()
    if own is None and shared is None:
        return None
    stamp = iso(utc_now())
    db.execute(
        "INSERT INTO support_outbox (id, tracking_code, created_at) VALUES (?, ?, ?)",
        [str(uuid7()), tracking_code, stamp],
    )
    if own is not None:
        db.execute(
            "INSERT INTO supports (submission_id, created_at) VALUES (?, ?)", [own[0], stamp]
        )
        return db.execute(
            "SELECT count(*) FROM supports WHERE submission_id = ?", [own[0]]
        ).fetchone()[0]
    db.execute(
        "UPDATE shared_complaints SET supports = supports + 1 WHERE tracking_code = ?",
        [tracking_code],
    )
    return db.execute(
        "SELECT supports FROM shared_complaints WHERE tracking_code = ?", [tracking_code]
    ).fetchone()[0]


def supports_to_send(db: sqlite_utils.Database, limit: int = 500) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT id, tracking_code, created_at AS at FROM support_outbox ORDER BY created_at LIMIT ?",
            [limit],
        )
    )


def supports_sent(db: sqlite_utils.Database, ids: list[str]) -> None:
    db.conn.executemany("DELETE FROM support_outbox WHERE id = ?", [(i,) for i in ids])


def replace_shared_complaints(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> None:
    db.execute("DELETE FROM shared_complaints")
    db.conn.executemany(
        "INSERT INTO shared_complaints (tracking_code, code, submitted_at, status, fields, supports) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                r["tracking_code"],
                r["code"],
                r["submitted_at"],
                r["status"],
                json.dumps(r["fields"], ensure_ascii=False),
                r["supports"],
            )
            for r in rows
        ],
    )


def add_desk_user(db: sqlite_utils.Database, username: str, password_hash: str) -> bool:
    """Create a desk account, or change its password; True if it is new."""
    exists = db.execute("SELECT 1 FROM desk_users WHERE username = ?", [username]).fetchone()
    db.execute(
        "INSERT INTO desk_users (username, password_hash, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash",
        [username, password_hash, iso(utc_now())],
    )
    return exists is None


def desk_password_hash(db: sqlite_utils.Database, username: str) -> str | None:
    row = db.execute(
        "SELECT password_hash FROM desk_users WHERE username = ?", [username]
    ).fetchone()
    return row[0] if row else None


def submissions_since(db: sqlite_utils.Database, since: str) -> list[dict[str, Any]]:
    """Submissions filed at or after `since` (ISO, UTC), newest first, with their print state."""
    return list(
        db.query(
            "SELECT s.tracking_code, s.kind, s.code, s.submitted_at, s.status, "
            "(SELECT state FROM print_jobs WHERE submission_id = s.id ORDER BY id DESC LIMIT 1) "
            "AS print_state FROM submissions s WHERE s.submitted_at >= ? ORDER BY s.seq DESC",
            [since],
        )
    )
