"""The staff site's SQL: accounts, the inbox query and its search, routing.

Functions take a `sqlite_utils.Database`; those that write run in the writer
thread (see `ventanilla.database`).
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from ventanilla.clock import now_iso
from ventanilla.database import insert_row

# Accounts ----------------------------------------------------------------------


def add_user(
    db: sqlite_utils.Database, username: str, password_hash: str, role: str, units: list[str]
) -> None:
    insert_row(
        db,
        "staff_users",
        {
            "username": username,
            "password_hash": password_hash,
            "role": role,
            "created_at": now_iso(),
        },
    )
    set_units(db, username, units)


def set_units(db: sqlite_utils.Database, username: str, units: list[str]) -> None:
    db.execute("DELETE FROM staff_units WHERE username = ?", [username])
    db.conn.executemany(
        "INSERT INTO staff_units (username, unit) VALUES (?, ?)",
        [(username, unit) for unit in sorted(set(units))],
    )


def set_role(db: sqlite_utils.Database, username: str, role: str) -> None:
    db.execute("UPDATE staff_users SET role = ? WHERE username = ?", [role, username])


def set_disabled(db: sqlite_utils.Database, username: str, disabled: bool) -> None:
    db.execute(
        "UPDATE staff_users SET disabled_at = ? WHERE username = ?",
        [now_iso() if disabled else None, username],
    )


def set_password(db: sqlite_utils.Database, username: str, password_hash: str) -> None:
    db.execute(
        "UPDATE staff_users SET password_hash = ? WHERE username = ?", [password_hash, username]
    )


def user(db: sqlite_utils.Database, username: str) -> dict[str, Any] | None:
    """An account with its units (a list), enabled or not."""
    row = next(iter(db.query("SELECT * FROM staff_users WHERE username = ?", [username])), None)
    if row is not None:
        row["units"] = [
            unit
            for (unit,) in db.execute(
                "SELECT unit FROM staff_units WHERE username = ? ORDER BY unit", [username]
            )
        ]
    return row


def users(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT u.username, u.role, u.created_at, u.disabled_at, "
            "(SELECT group_concat(unit, ' ') FROM staff_units s WHERE s.username = u.username) "
            "AS units FROM staff_users u ORDER BY u.username"
        )
    )


# The inbox ---------------------------------------------------------------------

INBOX_COLUMNS = (
    "s.id, s.tracking_code, s.kind, s.code, s.unit, s.assigned_unit, s.kiosk, "
    "k.name AS office, s.lang, s.submitted_at, s.received_at, s.status, s.status_changed_at, "
    "s.fields, s.sealed IS NOT NULL AS has_personal_data, "
    "(SELECT count(*) FROM supports p WHERE p.tracking_code = s.tracking_code) AS supports"
)


def _inbox_where(filters: dict[str, Any], units: tuple[str, ...] | None) -> tuple[str, list]:
    where, params = ["1 = 1"], []
    if units is not None:
        where.append(f"s.assigned_unit IN ({', '.join('?' for _ in units)})" if units else "0")
        params += units
    for column, key in (
        ("s.status", "status"),
        ("s.kind", "kind"),
        ("s.code", "code"),
        ("s.assigned_unit", "unit"),
        ("k.name", "office"),
        ("s.tracking_code", "tracking_code"),
    ):
        if filters.get(key):
            where.append(f"{column} = ?")
            params.append(filters[key])
    if filters.get("since"):
        where.append("s.submitted_at >= ?")
        params.append(filters["since"])
    if filters.get("until"):
        where.append("s.submitted_at < ?")
        params.append(filters["until"])
    if filters.get("search"):
        where.append(
            "s.rowid IN (SELECT rowid FROM submissions_search WHERE submissions_search MATCH ?)"
        )
        params.append(filters["search"])
    if filters.get("ids"):
        where.append(f"s.tracking_code IN ({', '.join('?' for _ in filters['ids'])})")
        params += filters["ids"]
    return " AND ".join(where), params


def inbox(
    db: sqlite_utils.Database,
    filters: dict[str, Any],
    units: tuple[str, ...] | None,
    limit: int,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """(one page of matching submissions, newest first; how many match in all).

    `units` restricts to submissions assigned to those units (None: all)."""
    where, params = _inbox_where(filters, units)
    source = f"FROM submissions s LEFT JOIN kiosks k ON k.prefix = s.kiosk WHERE {where}"
    total = db.execute(f"SELECT count(*) {source}", params).fetchone()[0]
    rows = list(
        db.query(
            f"SELECT {INBOX_COLUMNS} {source} ORDER BY s.submitted_at DESC, s.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    )
    return rows, total


def offices(db: sqlite_utils.Database) -> list[str]:
    """The sub-offices (and central's own channel) that have sent something."""
    return [name for (name,) in db.execute("SELECT DISTINCT name FROM kiosks ORDER BY name")]


def case(db: sqlite_utils.Database, tracking_code: str) -> dict[str, Any] | None:
    """One submission with its office, for the detail view."""
    return next(
        iter(
            db.query(
                f"SELECT {INBOX_COLUMNS}, s.sealed, s.chain_error FROM submissions s "
                "LEFT JOIN kiosks k ON k.prefix = s.kiosk WHERE s.tracking_code = ?",
                [tracking_code],
            )
        ),
        None,
    )


def history(db: sqlite_utils.Database, submission_id: str) -> list[dict[str, Any]]:
    """A submission's status changes, internal notes and authors included."""
    return list(
        db.query(
            "SELECT status, public_note, internal_note, changed_at, changed_by "
            "FROM status_changes WHERE submission_id = ? ORDER BY cursor",
            [submission_id],
        )
    )


def assign(db: sqlite_utils.Database, submission_id: str, unit: str) -> None:
    db.execute("UPDATE submissions SET assigned_unit = ? WHERE id = ?", [unit, submission_id])
