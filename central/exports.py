"""What every CSV central writes shares: cells a spreadsheet shows but never runs."""

from __future__ import annotations

from typing import Any


def neutralised(value: Any) -> Any:
    """A cell starting with = + - @ or a control character is a formula to a
    spreadsheet; a leading quote makes it text (OWASP's advice on CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r", "\n"):
        return "'" + value
    return value
