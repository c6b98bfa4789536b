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


def seconds_since(stamp: str | None) -> float:
    """Seconds from a stored time to now; -1 when there is no time (never happened)."""
    if not stamp:
        return -1.0
    then = datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return round((utc_now() - then).total_seconds(), 1)
