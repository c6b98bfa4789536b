"""Receipts to print, and ways to read back what a printer would put on paper."""

from __future__ import annotations

import base64
import datetime
import io
import re

import msgspec
import zxingcpp
from escpos.capabilities import CAPABILITIES
from PIL import Image

from printers.layout import Receipt

# A realistic receipt URL: a 100-character base64url token, as sync/ makes them.
TOKEN = base64.urlsafe_b64encode(bytes(range(75))).decode()
TRACK_URL = f"http://127.0.0.1:8001/t/TUN-7K3M-9QXP-4?s={TOKEN}"
REQUIREMENTS = [
    "Fotocopia del carnet del dueño o dueña",
    "¿Tiene plano firmado? ¡Tráigalo! (también el de la cigüeña)",
    "ÁREA ÚTIL, ÍNDICE Y ÓRDENES DE PAGO: ÉXITO Ñ Ü",
]


def make_receipt(**changes: object) -> Receipt:
    """The receipt of an application at Sub Alcaldía Tunari, with `changes`."""
    receipt = Receipt(
        municipality="Gobierno Autónomo Municipal de Cochabamba",
        office="Sub Alcaldía Tunari",
        kind="application",
        title="Aprobación de planos de construcción",
        tracking_code="TUN-7K3M-9QXP-4",
        submitted_at=datetime.datetime(2026, 11, 25, 16, 5, tzinfo=datetime.UTC),
        requirements=REQUIREMENTS,
        track_url=TRACK_URL,
    )
    return msgspec.structs.replace(receipt, **changes)


def read_qr_codes(png: bytes) -> list[str]:
    """The text of every QR code zxing finds in a PNG."""
    # QR only: with every format on, zxing can also "find" a linear code in a QR's modules.
    image = Image.open(io.BytesIO(png))
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def code_page_slots(data: bytes) -> list[int]:
    """The n of every ESC t n in the text part of a job (before any QR or image)."""
    return [m[0] for m in re.findall(rb"\x1bt(.)", text_part(data), flags=re.S)]


def text_part(data: bytes) -> bytes:
    """The job up to its first QR (GS ( k) or image (GS v 0): where the text lines are."""
    return re.split(rb"\x1d\(k|\x1dv0", data, maxsplit=1)[0]


def printed_lines(data: bytes, codec: str) -> list[str]:
    """The text lines of a job decoded with `codec`, style commands taken out.

    Written apart from printers.preview on purpose: a second reading of the
    bytes, so a shared mistake cannot hide.
    """
    text = re.sub(rb"\x1b@|\x1b[!EatMd\-].|\x1d!.", b"", text_part(data), flags=re.S)
    return text.decode(codec).split("\n")


def codec_of(profile: str, slot: int) -> str:
    """The Python codec of code page slot `slot` on `profile`, from python-escpos's database."""
    name = CAPABILITIES["profiles"][profile]["codePages"][str(slot)]
    return CAPABILITIES["encodings"][name]["python_encode"]
