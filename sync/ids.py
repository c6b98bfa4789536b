"""Submission ids: UUIDv7 (RFC 9562), born at the kiosk.

Time-ordered, so ids sort by acceptance time and index well; 74 random bits,
so two kiosks never collide. Python 3.11 has no `uuid.uuid7`, hence this.
"""

from __future__ import annotations

import os
import time
import uuid


def uuid7(unix_ms: int | None = None) -> uuid.UUID:
    """A new UUIDv7 for the time `unix_ms` (now when not given)."""
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & (2**48 - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= rand & (2**62 - 1)  # rand_b, 62 bits
    return uuid.UUID(int=value)
