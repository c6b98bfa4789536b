"""The procedure catalogue's schema: what a content file may say, checked by msgspec.

These are config types (files written by people), so unknown keys are refused:
a typo such as ``requirments`` must fail `ventanilla content check`, not vanish.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal, get_args

import msgspec
from msgspec import Meta

LANGS = ("es", "qu", "en")
Lang = Literal["es", "qu", "en"]

UnitCode = Literal[
    "EMSA",
    "SEMAPA",
    "EMAVRA",
    "ZOONOSIS",
    "OBRAS",
    "ALUMBRADO",
    "INTENDENCIA",
    "UGR",
    "SUBALCALDIA",
]
UNIT_CODES: tuple[str, ...] = get_args(UnitCode)

FieldType = Literal[
    "text", "long_text", "ci", "nit", "phone", "email", "date", "number", "choice", "yes_no"
]
TEXT_TYPES = ("text", "long_text")
ComplaintKind = Literal["reclamo", "queja", "denuncia", "sugerencia"]

Code = Annotated[str, Meta(pattern=r"^[A-Z][A-Z0-9-]{1,23}$")]
Slug = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
FieldName = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
NonEmpty = Annotated[str, Meta(min_length=1, max_length=2000)]


class Config(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """Base of every content type."""


class Text(Config, kw_only=True):
    """A text in Spanish, and in Quechua and English where translated."""

    es: NonEmpty
    qu: NonEmpty | None = None
    en: NonEmpty | None = None

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to Spanish."""
        return getattr(self, lang, None) or self.es


class Choice(Config, kw_only=True):
    value: Annotated[str, Meta(min_length=1, max_length=60)]
    label: Text


class FormField(Config, kw_only=True):
    """One field of a procedure's (or complaint category's) form."""

    name: FieldName
    type: FieldType
    label: Text
    required: bool = True
    help: Text | None = None
    min_length: Annotated[int, Meta(ge=0)] | None = None
    max_length: Annotated[int, Meta(ge=1, le=4000)] | None = None
    min: float | None = None
    max: float | None = None
    choices: list[Choice] | None = None


class Unit(Config, kw_only=True):
    """A municipal unit a procedure belongs to or a complaint is routed to."""

    code: UnitCode
    name: Text
    handles: Text


class Category(Config, kw_only=True):
    """A group of procedures, as the kiosk shows them."""

    code: Slug
    title: Text
    summary: Text | None = None


class Procedure(Config, kw_only=True):
    """A trámite: what it is, what to bring, what it costs, and its form."""

    code: Code
    category: Slug
    title: Text
    summary: Text
    requirements: Annotated[list[Text], Meta(min_length=1)]
    steps: Annotated[list[Text], Meta(min_length=1)]
    # Required, but may be null: an unknown fee is said to be unknown, never invented.
    fee_bs: Annotated[float, Meta(ge=0)] | None
    fee_note: Text | None = None
    unit: UnitCode
    where: Text | None = None
    form: list[FormField]
    source: NonEmpty
    verified_on: datetime.date


class ComplaintCategory(Config, kw_only=True):
    """A kind of reclamo, queja, denuncia or sugerencia and the unit it goes to."""

    code: Slug
    kind: ComplaintKind
    unit: UnitCode
    title: Text
    summary: Text
    # Beyond the description and location every complaint has.
    fields: list[FormField] = []


class Catalog(msgspec.Struct, frozen=True, kw_only=True):
    """The whole catalogue, as loaded from a directory or a signed bundle."""

    units: list[Unit]
    categories: list[Category]
    procedures: list[Procedure]
    complaints: list[ComplaintCategory]

    def procedure(self, code: str) -> Procedure | None:
        return next((p for p in self.procedures if p.code == code), None)

    def complaint(self, code: str) -> ComplaintCategory | None:
        return next((c for c in self.complaints if c.code == code), None)

    def unit(self, code: str) -> Unit | None:
        return next((u for u in self.units if u.code == code), None)

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)


# The files of a catalogue directory and the list each one holds.
class UnitsFile(Config, kw_only=True):
    units: list[Unit]


class CategoriesFile(Config, kw_only=True):
    categories: list[Category]


class ComplaintsFile(Config, kw_only=True):
    complaints: list[ComplaintCategory]
