"""Tracking codes: ``TUN-7K3M-9QXP-4``.

A code is the channel's three-letter prefix, eight Crockford base32 characters
(40 random bits, so codes cannot be guessed or enumerated) and a check character.
The check is Luhn mod 32 over the prefix and the random part: it catches every
single mistyped character and almost every swap of two neighbours, so a typo
gives "not found" locally instead of someone else's case.

Reading is forgiving, as Crockford intended: case is ignored, O reads as 0,
I and L as 1, and dashes or spaces may be anywhere (or nowhere).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_VALUE.update({"O": 0, "I": 1, "L": 1})
RANDOM_CHARS = 8
PREFIX_RE = re.compile(r"^[A-Z]{3}$")


class InvalidCode(ValueError):
    """Not a well-formed tracking code, or its check character is wrong."""


def _prefix_values(prefix: str) -> list[int]:
    # Letters A..Z map to 1..26: distinct and below 32, so the Luhn sum covers them.
    return [ord(c) - 64 for c in prefix]


def check_character(prefix: str, body: str) -> str:
    """The Luhn mod 32 check character for `prefix` + `body`."""
    values = _prefix_values(prefix) + [_VALUE[c] for c in body]
    total, factor = 0, 2
    for value in reversed(values):
        addend = factor * value
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def new_code(prefix: str) -> str:
    """A fresh random tracking code for the channel `prefix` (three letters)."""
    if not PREFIX_RE.match(prefix):
        raise ValueError(f"prefix must be three letters A-Z, not {prefix!r}")
    # 40 random bits, 5 at a time: each of the 32^8 bodies equally likely.
    bits = int.from_bytes(secrets.token_bytes(RANDOM_CHARS * 5 // 8), "big")
    body = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(RANDOM_CHARS))
    return f"{prefix}-{body[:4]}-{body[4:]}-{check_character(prefix, body)}"


def parse_code(text: str) -> str:
    """The canonical form of a typed code, or `InvalidCode`.

    >>> parse_code("tun 7k3m-9qxp-4") == parse_code("TUN-7K3M-9QXP-4")
    True
    """
    compact = re.sub(r"[\s\-_.]", "", text).upper()
    if len(compact) != 3 + RANDOM_CHARS + 1:
        raise InvalidCode("a tracking code has 3 letters, 8 characters and a check character")
    # The prefix is letters only: a 0 typed there can only have meant O.
    prefix = compact[:3].replace("0", "O")
    rest = compact[3:]
    if not PREFIX_RE.match(prefix) or any(c not in _VALUE for c in rest):
        raise InvalidCode("the code has characters that cannot be in a tracking code")
    digits = "".join(ALPHABET[_VALUE[c]] for c in rest)
    body, check = digits[:RANDOM_CHARS], digits[RANDOM_CHARS]
    if check_character(prefix, body) != check:
        raise InvalidCode("the check character does not match: the code is mistyped")
    return f"{prefix}-{body[:4]}-{body[4:]}-{check}"
