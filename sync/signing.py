"""Ed25519 keys and signatures: the kiosk's device key, central's content key.

The only module (with `sealing`) that touches cryptography, so the choice of
algorithm is made, and can be reviewed, in one place.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import secrets
import time
from collections.abc import Callable, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SIGNATURE_BYTES = 64


def new_private_key() -> bytes:
    """32 random bytes: a fresh Ed25519 private key."""
    return Ed25519PrivateKey.generate().private_bytes_raw()


def public_key(private_key: bytes) -> bytes:
    """The 32-byte public key of `private_key`."""
    key = Ed25519PrivateKey.from_private_bytes(private_key).public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@functools.lru_cache(maxsize=8)
def _private_key(private_key: bytes) -> Ed25519PrivateKey:
    # Loading a key costs about as much as a signature: a kiosk signs every receipt
    # with the same one, so it is loaded once.
    return Ed25519PrivateKey.from_private_bytes(private_key)


def sign(private_key: bytes, message: bytes) -> bytes:
    return _private_key(private_key).sign(message)


def verify(public_key_bytes: bytes, message: bytes, signature: bytes) -> bool:
    """True when `signature` is `public_key_bytes`' signature of `message`."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key_bytes).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


# Signed requests between a kiosk and central ----------------------------------
#
# Every sync request carries the kiosk's prefix, a timestamp, a random nonce and
# an Ed25519 signature over method, path, timestamp, nonce and the body's hash.
# Central's answers are signed too, over the request's nonce, the status and the
# body, so a kiosk believes only the central whose key it pinned at enrollment.

HEADER_KIOSK = "X-Ventanilla-Kiosk"
HEADER_TIMESTAMP = "X-Ventanilla-Timestamp"
HEADER_NONCE = "X-Ventanilla-Nonce"
HEADER_SIGNATURE = "X-Ventanilla-Signature"
MAX_SKEW_SECONDS = 300


class RequestRefused(Exception):
    """A sync request that fails authentication; `status` is 401 or 403."""

    def __init__(self, status: int, reason: str, kiosk: str | None = None):
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.kiosk = kiosk


def _request_message(method: str, target: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join(
        ["ventanilla-request-v1", method.upper(), target, timestamp, nonce, digest]
    ).encode()


def sign_request(
    private_key: bytes, kiosk: str, method: str, target: str, body: bytes = b""
) -> dict[str, str]:
    """Headers that authenticate a request to `target` (path and query string)."""
    timestamp = str(int(time.time()))
    nonce = secrets.token_hex(16)
    signature = sign(private_key, _request_message(method, target, timestamp, nonce, body))
    return {
        HEADER_KIOSK: kiosk,
        HEADER_TIMESTAMP: timestamp,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: b64encode(signature),
    }


def check_request(
    headers: Mapping[str, str],
    method: str,
    target: str,
    body: bytes,
    public_key_of: Callable[[str], bytes | None],
    now: float | None = None,
) -> tuple[str, str]:
    """(kiosk prefix, nonce) of a well-signed request, or `RequestRefused`.

    The caller still has to refuse a nonce it has seen before (a replay).
    """
    kiosk = headers.get(HEADER_KIOSK)
    timestamp = headers.get(HEADER_TIMESTAMP)
    nonce = headers.get(HEADER_NONCE)
    signature = headers.get(HEADER_SIGNATURE)
    if not (kiosk and timestamp and nonce and signature):
        raise RequestRefused(401, "unsigned request", kiosk)
    public = public_key_of(kiosk)
    if public is None:
        raise RequestRefused(403, f"unknown kiosk {kiosk!r}", kiosk)
    if not timestamp.isdigit() or len(nonce) != 32:
        raise RequestRefused(401, "malformed signature headers", kiosk)
    skew = abs((time.time() if now is None else now) - int(timestamp))
    if skew > MAX_SKEW_SECONDS:
        raise RequestRefused(401, f"clock skew of {skew:.0f} s (more than 5 min)", kiosk)
    try:
        raw = b64decode(signature)
    except ValueError:
        raise RequestRefused(401, "malformed signature", kiosk) from None
    if not verify(public, _request_message(method, target, timestamp, nonce, body), raw):
        raise RequestRefused(401, "bad signature (tampered or wrong key)", kiosk)
    return kiosk, nonce


def _response_message(nonce: str, status: int, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return f"ventanilla-response-v1\n{nonce}\n{status}\n{digest}".encode()


def sign_response(private_key: bytes, request_nonce: str, status: int, body: bytes) -> str:
    return b64encode(sign(private_key, _response_message(request_nonce, status, body)))


def check_response(
    public_key_bytes: bytes, request_nonce: str, status: int, body: bytes, signature: str | None
) -> bool:
    """True when central (holder of the pinned key) signed this answer to this request."""
    if not signature:
        return False
    try:
        raw = b64decode(signature)
    except ValueError:
        return False
    return verify(public_key_bytes, _response_message(request_nonce, status, body), raw)


def enrollment_message(code: str, public_key: str) -> bytes:
    """What a kiosk signs to prove it holds the key it enrolls with."""
    return f"ventanilla-enroll-v1\n{code}\n{public_key}".encode()


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError("not base64url") from exc
