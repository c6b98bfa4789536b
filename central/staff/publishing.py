"""Editing a procedure's texts in the staff site, previewing them, and publishing
the catalogue with the change as a new signed bundle (kiosks pull it by themselves).

What the form edits: title, summary, requirements, steps, fee and its note, and
where to go, in Spanish, Quechua and English. A list is one item per line; a
translated list must have as many lines as the Spanish one (or none: the kiosk
then shows Spanish). The code, unit and form stay as the catalogue files say.
"""

from __future__ import annotations

import datetime
from typing import Any

import msgspec
import sqlite_utils

from central import audit, store
from central.pages import LA_PAZ
from central.setup import Keys
from content.bundle import build_bundle
from content.catalog import catalog_version
from content.schema import LANGS, Catalog, Procedure
from ventanilla.i18n import N_

TEXTS = ("title", "summary", "fee_note", "where")
REQUIRED_TEXTS = ("title", "summary")
LISTS = ("requirements", "steps")


class InvalidEdit(ValueError):
    """An edit of `procedure` that cannot be published: the form as sent, and
    `errors` mapping its fields to msgids."""

    def __init__(self, procedure: Procedure, form: dict[str, str], errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.procedure, self.form, self.errors = procedure, form, errors


def form_values(procedure: Procedure) -> dict[str, str]:
    """The edit form of `procedure`, filled in."""
    values: dict[str, str] = {}
    for name in TEXTS:
        text = getattr(procedure, name)
        for lang in LANGS:
            values[f"{name}_{lang}"] = (getattr(text, lang) or "") if text else ""
    for name in LISTS:
        for lang in LANGS:
            values[f"{name}_{lang}"] = "\n".join(
                getattr(t, lang) or "" for t in getattr(procedure, name)
            ).strip()
    values["fee_bs"] = "" if procedure.fee_bs is None else f"{procedure.fee_bs:g}"
    return values


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def edited(procedure: Procedure, form: dict[str, str]) -> Procedure:
    """`procedure` with the form's texts; InvalidEdit naming every field that is wrong."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = msgspec.to_builtins(procedure)
    for name in TEXTS:
        text = {lang: form.get(f"{name}_{lang}", "").strip() or None for lang in LANGS}
        if text["es"] is None and any(text.values()):
            errors[f"{name}_es"] = N_("Falta el texto en castellano.")
        elif text["es"] is None and name in REQUIRED_TEXTS:
            errors[f"{name}_es"] = N_("Este texto es obligatorio.")
        data[name] = text if text["es"] else None
    for name in LISTS:
        spanish = _lines(form.get(f"{name}_es", ""))
        if not spanish:
            errors[f"{name}_es"] = N_("Escriba al menos una línea.")
        items: list[dict[str, str | None]] = [{"es": line} for line in spanish]
        for lang in ("qu", "en"):
            translated = _lines(form.get(f"{name}_{lang}", ""))
            if translated and len(translated) != len(spanish):
                errors[f"{name}_{lang}"] = N_(
                    "Debe tener tantas líneas como en castellano, o ninguna."
                )
            for item, line in zip(items, translated, strict=False):
                item[lang] = line
        data[name] = items
    fee = form.get("fee_bs", "").strip().replace(",", ".")
    try:
        data["fee_bs"] = float(fee) if fee else None
    except ValueError:
        errors["fee_bs"] = N_("El costo es un número de bolivianos (o vacío si no se sabe).")
    data["verified_on"] = datetime.datetime.now(LA_PAZ).date().isoformat()
    if errors:
        raise InvalidEdit(procedure, form, errors)
    try:
        return msgspec.convert(data, Procedure)
    except msgspec.ValidationError as exc:
        raise InvalidEdit(procedure, form, {"form": str(exc)}) from None


def with_procedure(catalog: Catalog, procedure: Procedure) -> Catalog:
    procedures = [procedure if p.code == procedure.code else p for p in catalog.procedures]
    return msgspec.structs.replace(catalog, procedures=procedures)


def publish(
    db: sqlite_utils.Database, keys: Keys, catalog: Catalog, actor: str, changed: str
) -> str:
    """Sign `catalog` as the bundle kiosks pull next (a writer task); its version."""
    version = catalog_version(catalog)
    store.add_bundle(db, version, build_bundle(catalog, keys.signing_key))
    audit.record(db, actor, "content.publish", version, procedure=changed)
    return version
