"""What can go wrong on the kiosk, in domain terms (no HTTP here: see app.py)."""

from __future__ import annotations


class NotFound(Exception):
    """Nothing with that code: the message says what was looked for."""


class InvalidSubmission(Exception):
    """The submission does not fit its form; `errors` maps field paths to messages."""

    def __init__(self, message: str, errors: dict[str, str]):
        super().__init__(message)
        self.message = message
        self.errors = errors


class IdempotencyConflict(Exception):
    """An Idempotency-Key already used for a different submission."""


class PrinterNotConfigured(Exception):
    """A print was asked of a kiosk that has no receipt printer."""
