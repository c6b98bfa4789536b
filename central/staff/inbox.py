"""The inbox's filters (from the query string), its pages, and its exports.

Filters are a msgspec Struct: the query string is converted and checked in one
step, and a bad value is a 400 that names it.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from msgspec import Meta

from central.exports import neutralised
from central.pages import LA_PAZ
from content.schema import Catalog
from sync import codes
from sync.messages import Kind, Status

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000


class InboxQuery(msgspec.Struct, kw_only=True):
    """What the inbox's filter form sends. Dates are days in Cochabamba, both included."""

    status: Status | None = None
    kind: Kind | None = None
    code: Annotated[str, Meta(max_length=40)] | None = None
    unit: Annotated[str, Meta(max_length=40)] | None = None
    office: Annotated[str, Meta(max_length=200)] | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    q: Annotated[str, Meta(max_length=200)] | None = None
    page: Annotated[int, Meta(ge=1, le=100_000)] = 1


class BadFilter(ValueError):
    """A filter value that does not fit (an unknown status, a malformed date...)."""


def parse_query(params: dict[str, str]) -> InboxQuery:
    """The filters in a query string; empty fields (a form's "any") are left out."""
    given = {key: value.strip() for key, value in params.items() if value.strip()}
    try:
        return msgspec.convert(given, InboxQuery, strict=False)
    except msgspec.ValidationError as exc:
        raise BadFilter(str(exc)) from None


def search_expression(text: str) -> str | None:
    """An FTS5 query matching every word of `text` (as a prefix); None if it has none.

    Each word is quoted, so nothing a user types is read as FTS5 syntax."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{word}"*' for word in words) or None


def _utc_midnight(day: datetime.date) -> str:
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=LA_PAZ)
    return start.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def store_filters(query: InboxQuery) -> dict[str, Any]:
    """The filters as the inbox's SQL takes them (see `store.inbox`)."""
    filters: dict[str, Any] = {
        "status": query.status,
        "kind": query.kind,
        "code": query.code,
        "unit": query.unit,
        "office": query.office,
    }
    if query.since:
        filters["since"] = _utc_midnight(query.since)
    if query.until:
        filters["until"] = _utc_midnight(query.until + datetime.timedelta(days=1))
    if query.q:
        try:
            # A typed tracking code finds that submission, however it was typed.
            filters["tracking_code"] = codes.parse_code(query.q)
        except codes.InvalidCode:
            filters["search"] = search_expression(query.q)
    return filters


def query_string(query: InboxQuery, **changes: Any) -> str:
    """The query string of `query` with `changes`, for paging and export links."""
    values = {**msgspec.structs.asdict(query), **changes}
    kept = {k: v for k, v in values.items() if v not in (None, "") and (k, v) != ("page", 1)}
    return urlencode(kept)


def title(catalog: Catalog, kind: str, code: str, lang: str) -> str:
    item = catalog.procedure(code) if kind == "application" else catalog.complaint(code)
    return item.title.get(lang) if item else code


def export_rows(rows: list[dict[str, Any]], catalog: Catalog) -> list[dict[str, Any]]:
    """Every column of the listed submissions, their fields included; never personal data."""
    return [
        {
            "tracking_code": row["tracking_code"],
            "kind": row["kind"],
            "code": row["code"],
            "title": title(catalog, row["kind"], row["code"], "es"),
            "office": row["office"],
            "unit": row["unit"],
            "assigned_unit": row["assigned_unit"],
            "status": row["status"],
            "submitted_at": row["submitted_at"],
            "received_at": row["received_at"],
            "status_changed_at": row["status_changed_at"],
            "supports": row["supports"],
            "has_personal_data": bool(row["has_personal_data"]),
            "fields": json.loads(row["fields"]),
        }
        for row in rows
    ]


def to_json(rows: list[dict[str, Any]]) -> bytes:
    return msgspec.json.encode(rows)


def to_csv(rows: list[dict[str, Any]]) -> str:
    """One row per submission, one column per field name found in any of them."""
    field_names = sorted({name for row in rows for name in row["fields"]})
    columns = [key for key in (rows[0] if rows else {}) if key != "fields"] or ["tracking_code"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns + [f"field_{name}" for name in field_names])
    for row in rows:
        cells = [row[key] for key in columns]
        cells += [_cell(row["fields"].get(name)) for name in field_names]
        writer.writerow([neutralised(cell) for cell in cells])
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else value
