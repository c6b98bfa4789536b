"""Sealing personal data to central's X25519 key, so the kiosk cannot read it back.

A sealed box: an ephemeral X25519 key pair per message, ECDH with central's
public key, HKDF-SHA256 to a ChaCha20-Poly1305 key, and the submission id as
associated data (a box moved to another submission fails to open). Only the
holder of central's private key can open it; the kiosk keeps no secret that can.

    sealed = ephemeral public key (32) || nonce (12) || ciphertext + tag
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

INFO = b"ventanilla-seal-v1"


class SealError(ValueError):
    """The box is malformed, was sealed to another key, or was tampered with."""


def new_private_key() -> bytes:
    return X25519PrivateKey.generate().private_bytes_raw()


def public_key(private_key: bytes) -> bytes:
    key = X25519PrivateKey.from_private_bytes(private_key).public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    # Both public keys go into the KDF so a box is bound to who made it and for whom.
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=INFO)
    return hkdf.derive(shared)


def seal(recipient_public_key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public_key))
    key = _key(shared, ephemeral_public, recipient_public_key)
    nonce = os.urandom(12)
    return (
        ephemeral_public + nonce + ChaCha20Poly1305(key).encrypt(nonce, plaintext, associated_data)
    )


def unseal(recipient_private_key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    if len(sealed) < 32 + 12 + 16:
        raise SealError("sealed box too short")
    ephemeral_public, nonce, ciphertext = sealed[:32], sealed[32:44], sealed[44:]
    private = X25519PrivateKey.from_private_bytes(recipient_private_key)
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    key = _key(shared, ephemeral_public, public_key(recipient_private_key))
    try:
        return ChaCha20Poly1305(key).decrypt(nonce, ciphertext, associated_data)
    except InvalidTag as exc:
        raise SealError("the sealed box does not open with this key") from exc
