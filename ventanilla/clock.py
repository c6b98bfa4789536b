"""Time as Ventanilla stores and sends it: UTC, ISO 8601, milliseconds, a "Z"."""

from __future__ import annotations

import datetime


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def iso(moment: datetime.datetime) -> str:
    """``2026-11-25T17:17:05.722Z``: sorts as text in the order of time."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return iso(utc_now())
