"""Every SQL statement of the kiosk. Functions take a `sqlite_utils.Database`;
those that write run in the writer thread (see `ventanilla.database`)."""

from __future__ import annotations

import re
from typing import Any

import sqlite_utils

from content.schema import LANGS, Catalog
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


def chain_tip(db: sqlite_utils.Database) -> tuple[int, str | None]:
    """(seq, hash) of the last submission, (0, None) before the first."""
    row = db.execute("SELECT seq, hash FROM submissions ORDER BY seq DESC LIMIT 1").fetchone()
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
