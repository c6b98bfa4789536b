"""Which catalogue a kiosk serves: the active signed bundle, or the one it shipped with.

Bundles are kept as files under ``DATA/bundles/``; which one is active (and
which was active before it, for rollback) is recorded in the kiosk database,
so switching is one committed transaction: atomic, and survives a power cut.
"""

from __future__ import annotations

import logging
from pathlib import Path

import sqlite_utils

from content.bundle import BundleError, open_bundle, write_atomically
from content.catalog import load_catalog
from content.schema import Catalog
from kiosk import store

log = logging.getLogger(__name__)


class RollbackImpossible(Exception):
    """There is no previous bundle to go back to."""


def bundle_path(data_dir: Path, version: str) -> Path:
    return data_dir / "bundles" / f"{version}.bundle"


def active_catalog(
    data_dir: Path, stored: dict[str, str], central_key: bytes | None, default_dir: Path
) -> tuple[Catalog, str | None]:
    """The catalogue to serve and its bundle version (None: the shipped catalogue)."""
    version = stored.get("active_bundle")
    if version and central_key:
        try:
            bundle = open_bundle(bundle_path(data_dir, version).read_bytes(), central_key)
        except (OSError, BundleError) as exc:
            log.error("active bundle %s unusable (%s): serving the shipped catalogue", version, exc)
        else:
            return bundle.catalog, version
    return load_catalog(default_dir), None


def save_bundle(data_dir: Path, version: str, data: bytes) -> None:
    write_atomically(bundle_path(data_dir, version), data)


def activate(db: sqlite_utils.Database, version: str) -> None:
    """Make `version` the active bundle, keeping the one before for rollback (a writer task)."""
    stored = store.settings(db)
    values = {"active_bundle": version, "rolled_back_from": ""}
    if stored.get("active_bundle") and stored["active_bundle"] != version:
        values["previous_bundle"] = stored["active_bundle"]
    store.set_settings(db, values)


def rollback(db: sqlite_utils.Database) -> str:
    """Go back to the previous bundle (or the shipped catalogue); returns what is now active.

    The bundle rolled back from is remembered, so sync does not fetch it again;
    a newer one published by central is fetched as usual.
    """
    stored = store.settings(db)
    previous, current = stored.get("previous_bundle", ""), stored.get("active_bundle")
    if not current:
        raise RollbackImpossible("this kiosk serves its shipped catalogue: nothing to roll back")
    # With no earlier bundle, going back means the catalogue the kiosk shipped with ("").
    store.set_settings(
        db,
        {"active_bundle": previous, "previous_bundle": current, "rolled_back_from": current},
    )
    return previous or "shipped catalogue"
