"""Central writes the status of every submission (invariant 3), along the workflow."""

from __future__ import annotations

import sqlite_utils

from central import audit, store, webhooks
from central.errors import Conflict, NotFound
from sync import codes
from sync.status import TRANSITIONS, can_change


def change_status(
    db: sqlite_utils.Database,
    tracking_code: str,
    status: str,
    public_note: str | None,
    internal_note: str | None,
    by: str,
) -> int:
    """Move a submission to `status`; returns the change's cursor (a writer task)."""
    try:
        code = codes.parse_code(tracking_code)
    except codes.InvalidCode:
        raise NotFound(f"no submission {tracking_code}") from None
    row = store.submission_by_code(db, code)
    if row is None:
        raise NotFound(f"no submission {tracking_code}")
    if not can_change(row["status"], status):
        allowed = ", ".join(TRANSITIONS.get(row["status"], ())) or "none"
        raise Conflict(f"{code} is {row['status']}; it can go to: {allowed}")
    cursor = store.set_status(db, row, status, public_note, internal_note, by)
    audit.record(
        db, by, "status.change", code,
        before=row["status"], after=status, public_note=public_note, internal_note=internal_note,
    )  # fmt: skip
    webhooks.notify(db, "submission.status_changed", {**row, "status": status}, public_note)
    return cursor
