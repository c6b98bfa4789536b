"""Receipt tokens: the ``s=`` of the QR's tracking URL.

A token is compact base64url of: the submitted-at time (unix seconds, 4 bytes),
the procedure or complaint-category code (1 length byte + ASCII), and the kiosk's
Ed25519 signature over tracking code, time and code. Central knows the kiosk by
the code's prefix, so it can show "received at Sub Alcaldía X, waiting to be
synced" for a receipt it has not seen yet, and tell a forged one apart.
"""

from __future__ import annotations

import base64
import datetime
import struct

import msgspec

from sync import signing


class ReceiptClaim(msgspec.Struct, frozen=True):
    """What a verified token says about its receipt."""

    tracking_code: str
    submitted_at: datetime.datetime
    code: str


class InvalidToken(ValueError):
    """The token is malformed or its signature does not verify."""


def _message(tracking_code: str, seconds: int, code: str) -> bytes:
    return f"ventanilla-receipt|{tracking_code}|{seconds}|{code}".encode()


def make_token(
    private_key: bytes, tracking_code: str, submitted_at: datetime.datetime, code: str
) -> str:
    seconds = int(submitted_at.timestamp())
    raw_code = code.encode("ascii")
    signature = signing.sign(private_key, _message(tracking_code, seconds, raw_code.decode()))
    packed = struct.pack(">IB", seconds, len(raw_code)) + raw_code + signature
    return base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def read_token(public_key: bytes, tracking_code: str, token: str) -> ReceiptClaim:
    """The claim in `token` for `tracking_code`, or `InvalidToken`."""
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        seconds, length = struct.unpack_from(">IB", packed)
        code = packed[5 : 5 + length].decode("ascii")
    except (ValueError, struct.error) as exc:
        raise InvalidToken("malformed token") from exc
    signature = packed[5 + length :]
    if len(signature) != signing.SIGNATURE_BYTES or not signing.verify(
        public_key, _message(tracking_code, seconds, code), signature
    ):
        raise InvalidToken("the token's signature does not verify")
    when = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    return ReceiptClaim(tracking_code=tracking_code, submitted_at=when, code=code)
