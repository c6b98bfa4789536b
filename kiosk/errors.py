"""What can go wrong on the kiosk, in domain terms (no HTTP here: see app.py)."""

from __future__ import annotations

# Shared with every channel; re-exported here, where the kiosk's errors are looked for.
from content.check import InvalidSubmission

__all__ = ["IdempotencyConflict", "InvalidSubmission", "NotFound", "PrinterNotConfigured"]


class NotFound(Exception):
    """Nothing with that code: the message says what was looked for."""


class IdempotencyConflict(Exception):
    """An Idempotency-Key already used for a different submission."""


class PrinterNotConfigured(Exception):
    """A print was asked of a kiosk that has no receipt printer."""
