"""The public tracking page's data: what a receipt's QR code leads to.

Three outcomes only: the submission as central holds it; a receipt not yet
synced whose signed token vouches for it ("recibido en Sub Alcaldía X, pendiente
de sincronización"); or not found — the same for an unknown code, a mistyped one
and a forged token, so the page tells an enumerator nothing.
"""

from __future__ import annotations

import datetime
import logging

import sqlite_utils

from central import audit, store
from central.errors import NotFound
from central.setup import Keys
from central.staff.accounts import ROLE_LABELS
from content.bundle import BundleError, open_bundle
from content.catalog import load_catalog
from content.schema import Catalog
from sync import codes, signing, tokens
from sync.messages import CaseOpened, TrackEvent, TrackView
from sync.status import STATUS_LABELS
from ventanilla.i18n import gettext

log = logging.getLogger(__name__)


_catalogs: dict[int | None, Catalog] = {}


def current_catalog(db: sqlite_utils.Database, keys: Keys) -> Catalog:
    """The catalogue kiosks serve: the latest published bundle, else the shipped one."""
    bundle_id = store.latest_bundle_id(db)
    if bundle_id not in _catalogs:
        # Opened (and its signature checked) once per bundle, not once per request.
        _catalogs.clear()
        _catalogs[bundle_id] = _open_catalog(db, keys)
    return _catalogs[bundle_id]


def _open_catalog(db: sqlite_utils.Database, keys: Keys) -> Catalog:
    latest = store.latest_bundle(db)
    if latest is not None:
        try:
            return open_bundle(latest["data"], keys.signing_public).catalog
        except BundleError as exc:
            log.error("latest bundle unusable (%s): titles from the shipped catalogue", exc)
    return load_catalog()


def opened_by(
    db: sqlite_utils.Database, catalog: Catalog, tracking_code: str, lang: str
) -> list[CaseOpened]:
    """When central staff opened a submission's personal data, by unit and role."""
    opened = []
    for view in audit.personal_views(db, tracking_code):
        unit = catalog.unit(view["unit"]) if view.get("unit") else None
        opened.append(
            CaseOpened(
                at=view["at"],
                role=view["role"],
                role_label=gettext(lang, ROLE_LABELS.get(view["role"], view["role"])),
                unit=view.get("unit"),
                unit_name=unit.name.get(lang) if unit else view.get("unit"),
            )
        )
    return opened


def _title(catalog: Catalog, kind: str, code: str, lang: str) -> str:
    item = catalog.procedure(code) if kind == "application" else catalog.complaint(code)
    return item.title.get(lang) if item else code


def track(
    db: sqlite_utils.Database,
    catalog: Catalog,
    typed_code: str,
    token: str | None,
    lang: str,
) -> TrackView:
    """The public view of a submission, or `NotFound` (whatever the reason)."""
    try:
        code = codes.parse_code(typed_code)
    except codes.InvalidCode:
        raise NotFound("not found") from None
    kiosk = store.kiosk(db, code[:3])
    claim = None
    if token:
        # A token that does not verify is a forgery (or a typo): nothing is shown.
        if kiosk is None:
            raise NotFound("not found")
        try:
            claim = tokens.read_token(signing.b64decode(kiosk["public_key"]), code, token)
        except (tokens.InvalidToken, ValueError):
            raise NotFound("not found") from None
    row = store.submission_by_code(db, code)
    if row is not None:
        office = kiosk["name"] if kiosk else code[:3]
        history = [
            TrackEvent(
                status=change["status"],
                status_label=gettext(lang, STATUS_LABELS[change["status"]]),
                public_note=change["public_note"],
                changed_at=change["changed_at"],
            )
            for change in store.public_history(db, row["id"])
        ]
        return TrackView(
            tracking_code=code,
            state="synced",
            kind=row["kind"],
            code=row["code"],
            title=_title(catalog, row["kind"], row["code"], lang),
            office=office,
            submitted_at=row["submitted_at"],
            status=row["status"],
            status_label=gettext(lang, STATUS_LABELS[row["status"]]),
            history=history,
            supports=store.count_supports(db, code),
            opened_by=opened_by(db, catalog, code, lang),
        )
    if claim is None or kiosk is None:
        raise NotFound("not found")
    kind = "application" if catalog.procedure(claim.code) else "complaint"
    return TrackView(
        tracking_code=code,
        state="pending",
        kind=kind,
        code=claim.code,
        title=_title(catalog, kind, claim.code, lang),
        office=kiosk["name"],
        submitted_at=claim.submitted_at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        status="recibido",
        status_label=gettext(lang, STATUS_LABELS["recibido"]),
    )
