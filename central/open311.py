"""Open311 GeoReport v2: the complaint categories as services, complaints as requests.

https://wiki.open311.org/GeoReport_v2 — JSON and XML, errors as a list of
`{code, description}`. `service_request_id` is the tracking code; personal data
never appears. A POSTed request is accepted by central's own channel (CEN).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

import sqlite_utils

from central import channel, store
from central.setup import Keys
from content.check import InvalidSubmission
from content.localize import complaint_form
from content.schema import Catalog, FormField
from sync.messages import Applicant, ComplaintIn
from ventanilla.clock import iso

CLOSED = {"cerrado", "aprobado", "rechazado", "resuelto"}
DATATYPES = {
    "text": "string",
    "ci": "string",
    "nit": "string",
    "phone": "string",
    "email": "string",
    "long_text": "text",
    "number": "number",
    "date": "datetime",
    "choice": "singlevaluelist",
    "yes_no": "singlevaluelist",
}
# Elements whose children repeat, and the name each child gets in XML.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


class Open311Error(Exception):
    """An Open311 error: its HTTP status and what is wrong."""

    def __init__(self, status: int, description: str, fmt: str = "json"):
        super().__init__(description)
        self.status = status
        self.description = description
        self.fmt = fmt


def split_format(name: str) -> tuple[str, str]:
    """("services", "json") from "services.json"; 404 for anything but .json and .xml."""
    stem, dot, fmt = name.rpartition(".")
    if not dot or fmt not in ("json", "xml"):
        raise Open311Error(404, "use a .json or .xml resource, e.g. services.json")
    return stem, fmt


# Keys -------------------------------------------------------------------------


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_api_key(db: sqlite_utils.Database, name: str) -> str:
    key = secrets.token_urlsafe(24)
    store.add_api_key(db, name, key_hash(key))
    return key


# Services ---------------------------------------------------------------------


def services(catalog: Catalog, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "service_code": c.code,
            "service_name": c.title.get(lang),
            "description": c.summary.get(lang),
            "metadata": bool(c.fields),
            "type": "realtime",
            "keywords": c.kind,
            "group": (catalog.unit(c.unit).name.get(lang) if catalog.unit(c.unit) else c.unit),
        }
        for c in catalog.complaints
    ]


def service_definition(catalog: Catalog, code: str, lang: str, fmt: str) -> dict[str, Any]:
    category = catalog.complaint(code)
    if category is None:
        raise Open311Error(404, f"no service {code!r}", fmt)
    # Description and location are Open311's own `description` and `address_string`.
    extra = [f for f in complaint_form(category) if f.name not in ("description", "location")]
    return {
        "service_code": category.code,
        "attributes": [_attribute(field, i, lang) for i, field in enumerate(extra, 1)],
    }


def _attribute(field: FormField, order: int, lang: str) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "variable": True,
        "code": field.name,
        "datatype": DATATYPES[field.type],
        "required": field.required,
        "datatype_description": field.help.get(lang) if field.help else "",
        "order": order,
        "description": field.label.get(lang),
    }
    if field.type == "choice":
        attribute["values"] = [
            {"key": c.value, "name": c.label.get(lang)} for c in field.choices or []
        ]
    elif field.type == "yes_no":
        attribute["values"] = [{"key": "true", "name": "Sí"}, {"key": "false", "name": "No"}]
    return attribute


# Requests ---------------------------------------------------------------------


def _list(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _date(value: str | None, name: str, fmt: str) -> str | None:
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(
            400, f"{name} must be a W3C date, e.g. 2026-11-25T00:00:00-04:00", fmt
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=-4)))
    return iso(moment)


def find_requests(
    db: sqlite_utils.Database, catalog: Catalog, query: Mapping[str, str], lang: str, fmt: str
) -> list[dict[str, Any]]:
    """GET requests with the standard filters (default: the last 90 days, at most 1000)."""
    statuses = _list(query.get("status"))
    if statuses and not set(statuses) <= {"open", "closed"}:
        raise Open311Error(400, "status is open, closed or both", fmt)
    since = _date(query.get("start_date"), "start_date", fmt)
    until = _date(query.get("end_date"), "end_date", fmt)
    ids = _list(query.get("service_request_id"))
    if not ids and not since:
        since = iso(datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=90))
    rows = store.complaints(
        db, codes=ids, categories=_list(query.get("service_code")), since=since, until=until
    )
    requests = [_request(row, catalog, lang) for row in rows]
    if statuses:
        requests = [r for r in requests if r["status"] in statuses]
    return requests


def one_request(
    db: sqlite_utils.Database, catalog: Catalog, request_id: str, lang: str, fmt: str
) -> list[dict[str, Any]]:
    rows = store.complaints(db, codes=[request_id.upper()])
    if not rows:
        raise Open311Error(404, f"no request {request_id!r}", fmt)
    return [_request(rows[0], catalog, lang)]


def _request(row: dict[str, Any], catalog: Catalog, lang: str) -> dict[str, Any]:
    fields = json.loads(row["fields"])
    category = catalog.complaint(row["code"])
    unit = catalog.unit(row["unit"])
    return {
        "service_request_id": row["tracking_code"],
        "status": "closed" if row["status"] in CLOSED else "open",
        "status_notes": row["status_note"],
        "service_name": category.title.get(lang) if category else row["code"],
        "service_code": row["code"],
        "description": fields.get("description"),
        "agency_responsible": unit.name.get(lang) if unit else row["unit"],
        "service_notice": None,
        "requested_datetime": row["submitted_at"],
        "updated_datetime": row["status_changed_at"] or row["submitted_at"],
        "expected_datetime": None,
        "address": fields.get("location"),
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def create_request(
    db: sqlite_utils.Database, keys: Keys, catalog: Catalog, form: Mapping[str, str], fmt: str
) -> list[dict[str, Any]]:
    """POST requests (a writer task): a complaint accepted by central's own channel."""
    key = form.get("api_key", "")
    owner = store.api_key(db, key_hash(key)) if key else None
    if owner is None:
        raise Open311Error(403, "a valid api_key is required to post requests", fmt)
    service_code = form.get("service_code", "")
    if catalog.complaint(service_code) is None:
        raise Open311Error(404 if service_code else 400, f"no service {service_code!r}", fmt)
    location = form.get("address_string", "").strip()
    if not location and form.get("lat") and form.get("long"):
        location = f"{form['lat']}, {form['long']}"
    fields: dict[str, Any] = {"description": form.get("description", ""), "location": location}
    for name, value in form.items():
        match = re.fullmatch(r"attribute\[(\w{1,40})\]", name)
        if match:
            fields[match[1]] = value
    name = " ".join(p for p in (form.get("first_name", ""), form.get("last_name", "")) if p).strip()
    contact = {k: form[k] for k in ("email", "phone") if form.get(k)}
    applicant = Applicant(name=name or "(sin nombre)", **contact) if (name or contact) else None
    payload = ComplaintIn(category=service_code, fields=fields, applicant=applicant)
    try:
        row = channel.accept(db, keys, catalog, payload, actor=f"open311:{owner['name']}")
    except InvalidSubmission as exc:
        detail = "; ".join(f"{f.removeprefix('fields.')}: {m}" for f, m in exc.errors.items())
        raise Open311Error(400, detail or exc.message, fmt) from None
    return [
        {
            "service_request_id": row["tracking_code"],
            "service_notice": None,
            "account_id": None,
        }
    ]


def token_lookup(db: sqlite_utils.Database, token: str, fmt: str) -> list[dict[str, Any]]:
    """Requests get their id at once here, so a token is the id itself."""
    if store.submission_by_code(db, token.upper()) is None:
        raise Open311Error(404, f"no request for token {token!r}", fmt)
    return [{"service_request_id": token.upper(), "token": token}]


def discovery(public_url: str) -> dict[str, Any]:
    return {
        "changeset": "2026-11-25T00:00:00Z",
        "contact": "Gobierno Autónomo Municipal de Cochabamba",
        "key_service": "ventanilla central api-key add",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": f"{public_url}/open311/v2",
                "changeset": "2026-11-25T00:00:00Z",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }


# XML --------------------------------------------------------------------------


def to_xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, value, XML_ITEMS.get(root, "item"))
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="utf-8")


def _fill(element: ET.Element, value: Any, item_name: str) -> None:
    if isinstance(value, list):
        for item in value:
            child = ET.SubElement(element, item_name)
            _fill(child, item, "item")
    elif isinstance(value, dict):
        for key, item in value.items():
            child = ET.SubElement(element, key)
            _fill(child, item, XML_ITEMS.get(key, "item"))
    elif value is not None:
        element.text = str(value).lower() if isinstance(value, bool) else str(value)
