"""Ed25519 keys and signatures: the kiosk's device key, central's content key.

The only module (with `sealing`) that touches cryptography, so the choice of
algorithm is made, and can be reviewed, in one place.
"""

from __future__ import annotations

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


def sign(private_key: bytes, message: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private_key).sign(message)


def verify(public_key_bytes: bytes, message: bytes, signature: bytes) -> bool:
    """True when `signature` is `public_key_bytes`' signature of `message`."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key_bytes).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
