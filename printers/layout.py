"""What goes on a receipt, line by line, before any printer byte is chosen.

A layout is a list of small blocks (a text line, a rule, a blank line, a QR, a
cut) already wrapped to the paper's columns, so the ESC/POS renderer only has
to say each block in bytes and every printer and the preview agree on where a
line breaks.
"""

from __future__ import annotations

import datetime
import re
import textwrap
import unicodedata
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import msgspec

from ventanilla.i18n import N_, gettext

# Font A is 12 dots wide and thermal heads have 8 dots/mm: 48 mm and 72 mm of
# printable width on 58 mm and 80 mm rolls.
COLUMNS = {58: 32, 80: 48}
DOTS = {58: 384, 80: 576}
LA_PAZ = ZoneInfo("America/La_Paz")
MIN_COLUMNS = 16

Align = Literal["left", "center", "right"]
Lang = Literal["es", "qu", "en"]


class Receipt(msgspec.Struct, frozen=True, kw_only=True):
    """Everything printed on a citizen's receipt, already in the receipt's language."""

    municipality: str
    office: str
    kind: Literal["application", "complaint"]
    title: str
    tracking_code: str
    submitted_at: datetime.datetime
    requirements: list[str] = []
    track_url: str
    lang: Lang = "es"


class Text(msgspec.Struct, frozen=True, tag=True):
    """One printed line; `size` multiplies both width and height (2 = double)."""

    text: str
    align: Align = "left"
    bold: bool = False
    size: Literal[1, 2] = 1


class Rule(msgspec.Struct, frozen=True, tag=True):
    """A separator across the whole line."""


class Blank(msgspec.Struct, frozen=True, tag=True):
    """An empty line."""


class QR(msgspec.Struct, frozen=True, tag=True):
    """A QR code of `data`, centred."""

    data: str


class Cut(msgspec.Struct, frozen=True, tag=True):
    """Feed past the cutter and cut."""


Block = Text | Rule | Blank | QR | Cut


def layout_receipt(receipt: Receipt, columns: int) -> list[Block]:
    """The receipt as blocks, no line wider than `columns` characters."""
    if columns < MIN_COLUMNS:
        raise ValueError(f"{columns} columns is too narrow for a receipt (at least {MIN_COLUMNS})")
    lang = receipt.lang
    application = receipt.kind == "application"
    heading = N_("Trámite") if application else N_("Reclamo o sugerencia")
    invite = (
        N_("Escanee el código QR para seguir su trámite.")
        if application
        else N_("Escanee el código QR para seguir su reclamo o sugerencia.")
    )
    blocks: list[Block] = [
        *paragraph(receipt.municipality, columns, align="center", bold=True),
        *paragraph(receipt.office, columns, align="center"),
        Rule(),
        *paragraph(gettext(lang, heading), columns, bold=True),
        *paragraph(receipt.title, columns),
        Blank(),
        *paragraph(gettext(lang, "Código de seguimiento"), columns, align="center"),
        *large(receipt.tracking_code, columns),
        *paragraph(
            gettext(lang, "Fecha y hora: {when}", when=local_time(receipt.submitted_at)),
            columns,
            align="center",
        ),
        Rule(),
    ]
    if receipt.requirements:
        blocks += paragraph(gettext(lang, "Requisitos que aún debe presentar:"), columns, bold=True)
        for requirement in receipt.requirements:
            blocks += bullet(requirement, columns)
        blocks.append(Rule())
    privacy = N_(
        "Sus datos personales están cifrados y solo los ve el personal municipal autorizado."
    )
    blocks += [
        *paragraph(gettext(lang, privacy), columns),
        Blank(),
        *paragraph(gettext(lang, invite), columns, align="center"),
        Blank(),
        QR(receipt.track_url),
        Blank(),
        *paragraph(url_host(receipt.track_url), columns, align="center"),
        Cut(),
    ]
    return blocks


def local_time(moment: datetime.datetime) -> str:
    """`moment` as Bolivians read it on a wall clock: dd/mm/yyyy HH:MM in La Paz time."""
    if moment.tzinfo is None:
        raise ValueError("submitted_at must be timezone-aware (UTC)")
    return moment.astimezone(LA_PAZ).strftime("%d/%m/%Y %H:%M")


def url_host(url: str) -> str:
    """The host (and port, if any) of `url`: what a citizen types when the QR won't scan."""
    parts = urlsplit(url)
    host = parts.hostname or url
    return f"{host}:{parts.port}" if parts.port else host


def clean(text: str) -> str:
    """`text` safe to print: composed accents, no control characters, single spaces.

    Control characters are dropped because ESC or GS inside a title would be
    taken by the printer as a command, not printed.
    """
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    return re.sub(r"\s+", " ", text).strip()


def wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """Lines of at most `width` characters, broken between words when a word fits.

    A word longer than a line starts on a line of its own and is cut in
    line-long pieces (textwrap alone would fill the previous line's tail with it).
    """
    room = width - max(len(first), len(rest))
    words = [
        word[i : i + room] for word in clean(text).split(" ") for i in range(0, len(word), room)
    ]
    return textwrap.wrap(
        " ".join(words),
        width,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
    )


def paragraph(text: str, columns: int, align: Align = "left", bold: bool = False) -> list[Text]:
    """`text` wrapped to `columns`, each line with the same style."""
    return [Text(line, align=align, bold=bold) for line in wrap(text, columns)]


def bullet(text: str, columns: int) -> list[Text]:
    """A list item: a dash, then lines indented under the first word."""
    return [Text(line) for line in wrap(text, columns, first="- ", rest="  ")]


def large(text: str, columns: int) -> list[Text]:
    """`text` in double width and height, or plain bold when it would not fit the line."""
    text = clean(text)
    if 2 * len(text) <= columns:
        return [Text(text, align="center", bold=True, size=2)]
    return paragraph(text, columns, align="center", bold=True)


def layout_test_page(columns: int, facts: list[str], qr_data: str) -> list[Block]:
    """A page to check a printer: widths, accents, styles, a QR and the cut.

    `facts` are lines describing how this printer is driven (profile, code page,
    QR path), printed so a technician can compare them with the printer's manual.
    """
    ruler = "".join(str(i % 10) for i in range(1, columns + 1))
    blocks: list[Block] = [
        *large("VENTANILLA", columns),
        *paragraph("Página de prueba de impresora", columns, align="center", bold=True),
        Rule(),
    ]
    for fact in facts:
        blocks += paragraph(fact, columns)
    blocks += [
        Rule(),
        Text(ruler),
        *paragraph("áéíóú ÁÉÍÓÚ ñÑ üÜ ¿? ¡!", columns),
        *paragraph("Normal", columns),
        *paragraph("Negrita", columns, bold=True),
        *large("Grande", columns),
        Text("Izquierda"),
        Text("Centro", align="center"),
        Text("Derecha", align="right"),
        Blank(),
        QR(qr_data),
        Blank(),
        *paragraph(qr_data, columns, align="center"),
        Cut(),
    ]
    return blocks
