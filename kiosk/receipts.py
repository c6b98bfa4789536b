"""A submission's receipt: what it says, its ESC/POS bytes and its PNG preview."""

from __future__ import annotations

import datetime
from typing import Any

from content.schema import Catalog
from kiosk.settings import Settings
from kiosk.submissions import Identity, track_url
from printers.escpos import render_receipt
from printers.layout import Receipt
from printers.preview import render_png


def receipt_for(
    row: dict[str, Any], catalog: Catalog, identity: Identity, settings: Settings
) -> Receipt:
    """The receipt of submission `row`, in the language it was filed in."""
    lang = row["lang"]
    requirements: list[str] = []
    if row["kind"] == "application":
        procedure = catalog.procedure(row["code"])
        title = procedure.title.get(lang) if procedure else row["code"]
        requirements = [r.get(lang) for r in procedure.requirements] if procedure else []
    else:
        category = catalog.complaint(row["code"])
        title = category.title.get(lang) if category else row["code"]
    return Receipt(
        municipality=settings.municipality,
        office=identity.office,
        kind=row["kind"],
        title=title,
        tracking_code=row["tracking_code"],
        submitted_at=datetime.datetime.fromisoformat(row["submitted_at"]),
        requirements=requirements,
        track_url=track_url(identity, row),
        lang=lang,
    )


def receipt_bytes(
    row: dict[str, Any], catalog: Catalog, identity: Identity, settings: Settings
) -> bytes:
    receipt = receipt_for(row, catalog, identity, settings)
    return render_receipt(receipt, settings.paper, settings.printer_profile)


def receipt_png(
    row: dict[str, Any], catalog: Catalog, identity: Identity, settings: Settings
) -> bytes:
    """Exactly what the paper shows: the printer's own bytes, rendered."""
    data = receipt_bytes(row, catalog, identity, settings)
    return render_png(data, settings.paper, settings.printer_profile)
