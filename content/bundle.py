"""Signed content bundles: how a catalogue travels from central to the kiosks.

A bundle is msgpack of the catalogue plus its version, the time it was built
and central's Ed25519 signature over all three. A kiosk activates a bundle only
if the signature verifies with the key it pinned at enrollment.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from pathlib import Path

import msgspec

from content.catalog import catalog_version
from content.schema import Catalog
from sync import signing


class BundleError(ValueError):
    """Not a bundle, or its signature does not verify: it must not be used."""


class BundleFile(msgspec.Struct, kw_only=True):
    format: int = 1
    version: str
    created_at: str
    catalog: bytes
    signature: bytes = b""


class Bundle(msgspec.Struct, frozen=True, kw_only=True):
    version: str
    created_at: str
    catalog: Catalog


def _message(version: str, created_at: str, catalog: bytes) -> bytes:
    digest = hashlib.sha256(catalog).hexdigest()
    return f"ventanilla-bundle-v1\n{version}\n{created_at}\n{digest}".encode()


def build_bundle(catalog: Catalog, private_key: bytes) -> bytes:
    """The signed bundle of `catalog`."""
    raw = msgspec.msgpack.encode(catalog)
    version = catalog_version(catalog)
    created_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    signature = signing.sign(private_key, _message(version, created_at, raw))
    return msgspec.msgpack.encode(
        BundleFile(version=version, created_at=created_at, catalog=raw, signature=signature)
    )


def open_bundle(data: bytes, public_key: bytes) -> Bundle:
    """The verified contents of a bundle, or `BundleError`."""
    try:
        envelope = msgspec.msgpack.decode(data, type=BundleFile)
    except msgspec.DecodeError as exc:
        raise BundleError(f"not a content bundle: {exc}") from exc
    message = _message(envelope.version, envelope.created_at, envelope.catalog)
    if not signing.verify(public_key, message, envelope.signature):
        raise BundleError("the bundle's signature does not verify: refused")
    try:
        catalog = msgspec.msgpack.decode(envelope.catalog, type=Catalog)
    except msgspec.DecodeError as exc:
        raise BundleError(f"the bundle's catalogue does not fit this version: {exc}") from exc
    return Bundle(version=envelope.version, created_at=envelope.created_at, catalog=catalog)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` so that it holds either its old content or all of `data`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
