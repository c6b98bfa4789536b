"""What can go wrong at central, in domain terms (no HTTP here: see app.py)."""

from __future__ import annotations


class NotFound(Exception):
    """Nothing with that code or id."""


class EnrollmentRefused(Exception):
    """An enrollment code that is unknown, used, expired or for another prefix."""


class Conflict(Exception):
    """A request that contradicts what central already holds (e.g. a status jump)."""


class BadPayload(Exception):
    """A sync body that cannot be read (not zstd, not msgpack, too large)."""
