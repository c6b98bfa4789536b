"""Central's identity: its keys, made once by `central init`."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from central import store
from sync import sealing, signing


@dataclass(frozen=True)
class Keys:
    signing_key: bytes  # Ed25519: signs answers to kiosks and content bundles
    sealing_key: bytes  # X25519: opens personal data sealed by kiosks

    @property
    def signing_public(self) -> bytes:
        return signing.public_key(self.signing_key)

    @property
    def sealing_public(self) -> bytes:
        return sealing.public_key(self.sealing_key)


class NotInitialised(Exception):
    """The data directory has no central keys: run `ventanilla central init`."""


def init_keys(db: sqlite_utils.Database) -> tuple[Keys, bool]:
    """Make central's keys unless they exist; (keys, whether they were made now)."""
    existing = store.settings(db)
    if "signing_key" in existing:
        return load_keys(db), False
    store.set_settings(
        db,
        {
            "signing_key": signing.new_private_key().hex(),
            "sealing_key": sealing.new_private_key().hex(),
        },
    )
    return load_keys(db), True


def load_keys(db: sqlite_utils.Database) -> Keys:
    values = store.settings(db)
    if "signing_key" not in values:
        raise NotInitialised("no central keys here: run `ventanilla central init --data DIR`")
    return Keys(
        signing_key=bytes.fromhex(values["signing_key"]),
        sealing_key=bytes.fromhex(values["sealing_key"]),
    )
