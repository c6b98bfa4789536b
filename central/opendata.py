"""Open data: how many, of what, where, in which state, and how fast they close.

Counts by kind, category, sub-office, month and status, with the median days
to close for each kind, category, sub-office and month. No personal data, no
tracking codes, and every count under 5 suppressed (with its median), so no
one can be singled out from a small group.
"""

from __future__ import annotations

import csv
import datetime
import io
import statistics
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from central import store
from central.exports import neutralised

LA_PAZ = ZoneInfo("America/La_Paz")
SMALLEST = 5
COLUMNS = ("kind", "category", "office", "month", "status", "count", "median_days_to_close")


def _moment(iso: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def summary(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    counts: dict[tuple[str, str, str, str, str], int] = defaultdict(int)
    days: dict[tuple[str, str, str, str], list[float]] = defaultdict(list)
    for row in store.opendata_rows(db):
        submitted = _moment(row["submitted_at"])
        month = submitted.astimezone(LA_PAZ).strftime("%Y-%m")
        group = (row["kind"], row["code"], row["office"] or "", month)
        counts[(*group, row["status"])] += 1
        if row["closed_at"]:
            days[group].append((_moment(row["closed_at"]) - submitted).total_seconds() / 86400)
    rows = []
    for (kind, category, office, month, status), count in sorted(counts.items()):
        closed = days.get((kind, category, office, month), [])
        rows.append(
            {
                "kind": kind,
                "category": category,
                "office": office,
                "month": month,
                "status": status,
                "count": count if count >= SMALLEST else None,
                "median_days_to_close": round(statistics.median(closed), 1)
                if len(closed) >= SMALLEST
                else None,
            }
        )
    return rows


def as_csv(rows: list[dict[str, Any]]) -> str:
    """CSV with suppressed counts written "<5", and cells that could be formulas neutralised."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        cells = {k: ("" if v is None else v) for k, v in row.items()}
        if row["count"] is None:
            cells["count"] = f"<{SMALLEST}"
        writer.writerow({k: neutralised(v) for k, v in cells.items()})
    return out.getvalue()
