"""Central as a channel of its own: submissions that arrive online (Open311).

Like a kiosk, central gives them a tracking code (prefix CEN), a place in a
gap-free hash chain and a receipt token signed with its own key, and seals the
personal data; and it alone writes their content (invariant 3).
"""

from __future__ import annotations

from typing import Any

import msgspec
import sqlite_utils

from central import audit, store, webhooks
from central.setup import Keys
from content.check import check_submission
from content.schema import Catalog
from sync import sealing, signing
from sync.messages import SubmissionIn
from sync.records import next_record

PREFIX = "CEN"
NAME = "Alcaldía de Cochabamba (en línea)"


def ensure_channel(db: sqlite_utils.Database, keys: Keys) -> None:
    """Register central's own channel like a kiosk, so its receipts' tokens verify alike."""
    if store.kiosk(db, PREFIX) is None:
        store.add_kiosk(db, PREFIX, NAME, signing.b64encode(keys.signing_public))


def accept(
    db: sqlite_utils.Database, keys: Keys, catalog: Catalog, payload: SubmissionIn, actor: str
) -> dict[str, Any]:
    """Check and store an online submission (a writer task); the stored row."""
    checked = check_submission(catalog, payload)
    ensure_channel(db, keys)
    record, personal = next_record(
        keys.signing_key,
        PREFIX,
        checked,
        store.chain_tip(db, PREFIX),
        lambda code: store.submission_by_code(db, code) is not None,
    )
    sealed = sealing.seal(keys.sealing_public, personal, record.id.encode()) if personal else None
    row = store.insert_record(db, PREFIX, msgspec.structs.replace(record, sealed=sealed), None)
    audit.record(db, actor, "submission.create", record.tracking_code, channel=PREFIX)
    webhooks.notify(db, "submission.created", {**row, "status": "recibido"})
    return row
