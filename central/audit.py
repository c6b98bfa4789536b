"""The audit log: who did what, and who saw whose personal data, in a hash chain.

`record` appends a row whose hash covers its content and the previous row's
hash; `verify` walks the chain and names the first row that does not fit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from ventanilla.clock import now_iso
from ventanilla.database import insert_row, read_settings, write_settings

GENESIS = "0" * 64


def _hash(row: dict[str, Any]) -> str:
    fields = [
        str(row[k] if row[k] is not None else "")
        for k in ("id", "at", "actor", "action", "subject", "details", "prev_hash")
    ]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


def record(
    db: sqlite_utils.Database,
    actor: str,
    action: str,
    subject: str | None = None,
    **details: Any,
) -> int:
    """Append one entry (a writer task, in the same transaction as the action itself)."""
    last = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    row = {
        "id": (last[0] + 1) if last else 1,
        "at": now_iso(),
        "actor": actor,
        "action": action,
        "subject": subject,
        "details": json.dumps(details, ensure_ascii=False, sort_keys=True),
        "prev_hash": last[1] if last else GENESIS,
    }
    row["hash"] = _hash(row)
    insert_row(db, "audit_log", row)
    # The head, kept apart from the rows: removing the newest entries shows too.
    write_settings(db, "central_settings", {"audit_head": f"{row['id']}:{row['hash']}"})
    return row["id"]


@dataclass(frozen=True)
class Verdict:
    entries: int
    broken_at: int | None = None
    reason: str | None = None


def head(db: sqlite_utils.Database) -> str:
    """`<n>:<hash>` of the newest entry: an anchor to keep outside this database
    (journald, another server, paper). Whoever rewrites the whole log, head
    included, still cannot make an old anchor fit."""
    last = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return f"{last[0]}:{last[1]}" if last else f"0:{GENESIS}"


def verify(db: sqlite_utils.Database, anchors: Sequence[str] = ()) -> Verdict:
    """Walk the whole chain; the first entry that was edited, removed or inserted,
    or that does not match an anchor (`<n>:<hash>`, see `head`) kept elsewhere."""
    kept = dict(anchor.split(":", 1) for anchor in anchors)
    previous_hash, expected_id, count = GENESIS, 1, 0
    for row in db.query("SELECT * FROM audit_log ORDER BY id"):
        if kept.get(str(row["id"]), row["hash"]) != row["hash"]:
            return Verdict(count, row["id"], "it differs from the anchor kept outside")
        if row["id"] != expected_id:
            return Verdict(count, expected_id, f"entry {expected_id} is missing")
        if row["prev_hash"] != previous_hash:
            return Verdict(count, row["id"], "it does not follow the entry before it")
        if _hash(row) != row["hash"]:
            return Verdict(count, row["id"], "its content was changed")
        previous_hash, expected_id, count = row["hash"], expected_id + 1, count + 1
    stored_head = read_settings(db, "central_settings").get("audit_head")
    if stored_head and stored_head != f"{count}:{previous_hash}":
        return Verdict(count, count + 1, "the newest entries were removed")
    beyond = [int(n) for n in kept if int(n) > count]
    if beyond:
        return Verdict(count, count + 1, f"entry {min(beyond)} of an anchor kept outside is gone")
    return Verdict(count)


def personal_views(db: sqlite_utils.Database, subject: str) -> list[dict[str, Any]]:
    """When a submission's personal data was opened, by which role and unit (never
    the person's name): what its tracking page tells the citizen."""
    return [
        {"at": at, **{k: v for k, v in json.loads(details).items() if k in ("role", "unit")}}
        for at, details in db.execute(
            "SELECT at, details FROM audit_log WHERE subject = ? AND action = 'personal.view' "
            "ORDER BY id",
            [subject],
        )
    ]
