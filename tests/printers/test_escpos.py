"""ESC/POS rendering: Spanish text survives the code page, QR codes scan, every profile agrees."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image, ImageChops

from printers.escpos import printer_setup, render_receipt, render_test_page
from printers.layout import COLUMNS, QR, Blank, Rule, Text, layout_receipt
from printers.preview import render_png
from tests.printers.printer_helpers import (
    TRACK_URL,
    code_page_slots,
    codec_of,
    make_receipt,
    printed_lines,
    read_qr_codes,
)

ESC_AT = b"\x1b@"
CUT = b"\x1dV\x00"
NATIVE_QR = b"\x1d(k"
RASTER = b"\x1dv0"


def expected_lines(receipt, columns: int) -> list[str]:
    """The text lines the layout asks for, up to the QR code."""
    lines = []
    for block in layout_receipt(receipt, columns):
        if isinstance(block, QR):
            return lines
        if isinstance(block, Text):
            lines.append(block.text)
        elif isinstance(block, Rule):
            lines.append("-" * columns)
        elif isinstance(block, Blank):
            lines.append("")
    raise AssertionError("no QR in the layout")


@pytest.mark.parametrize(
    ("profile", "slot", "code_page"),
    [
        ("default", 2, "CP850"),
        ("TM-T20II", 2, "CP850"),
        ("ZJ-5870", 2, "CP850"),  # a cheap 58 mm printer without CP858 (32 columns on 80 mm)
        ("TH230", 1, "CP850"),  # CP850 in slot 1, not the usual 2
        ("TSP600", 4, "CP858"),  # Star: no CP850, CP858 in slot 4
    ],
)
@pytest.mark.parametrize("paper", [58, 80])
def test_spanish_text_round_trips_through_the_code_page(
    profile: str, slot: int, code_page: str, paper: int
) -> None:
    receipt = make_receipt()
    data = render_receipt(receipt, paper=paper, profile=profile)
    assert data.startswith(ESC_AT)
    assert code_page_slots(data) == [slot]  # one ESC t, from this profile's own table
    assert printer_setup(profile, paper).code_page == code_page
    lines = printed_lines(data, codec_of(profile, slot))
    expected = expected_lines(receipt, printer_setup(profile, paper).columns)
    assert lines[: len(expected)] == expected
    assert not any(lines[len(expected) :])  # then only the feeds before the QR
    assert "Aprobación de planos de construcción" in " ".join(lines)
    text = "\n".join(lines)
    for word in (
        "dueño",
        "¿Tiene",
        "¡Tráigalo!",
        "cigüeña",
        "ÁREA",
        "ÚTIL",
        "ÍNDICE",
        "ÓRDENES",
        "ÉXITO",
        "Ñ",
        "Ü",
    ):
        assert word in text


def test_the_title_is_encoded_in_cp850_bytes() -> None:
    data = render_receipt(make_receipt(), paper=80)
    assert "Aprobación de planos de construcción\n".encode("cp850") in data


def test_typographic_quotes_and_dashes_are_printed_plain() -> None:
    data = render_receipt(make_receipt(title="Patente “Munay” – plazo 2026’s"), paper=80)
    assert b'Patente "Munay" - plazo 2026\'s\n' in data


def test_a_character_outside_the_code_page_sends_its_line_as_an_image() -> None:
    data = render_receipt(make_receipt(title="Tasa en € y Ω"), paper=80)
    assert b"Tasa en" not in data  # not as text: CP850 has no € nor Ω
    png = render_png(data, paper=80)
    assert read_qr_codes(png) == [TRACK_URL]


@pytest.mark.parametrize("paper", [58, 80])
@pytest.mark.parametrize(
    ("profile", "qr_command"),
    [
        ("default", NATIVE_QR),
        ("TM-T20II", NATIVE_QR),
        ("ZJ-5870", RASTER),
        ("simple", RASTER),
        ("TM-U220", b"\x1b*!"),  # impact printer: column images (ESC * 33), no raster
    ],
)
def test_the_qr_in_the_preview_scans_to_the_tracking_url(
    paper: int, profile: str, qr_command: bytes
) -> None:
    data = render_receipt(make_receipt(), paper=paper, profile=profile)
    assert qr_command in data
    if qr_command != NATIVE_QR:
        assert NATIVE_QR not in data
    assert read_qr_codes(render_png(data, paper=paper, profile=profile)) == [TRACK_URL]


def test_the_native_qr_uses_error_correction_m_and_a_readable_module() -> None:
    data = render_receipt(make_receipt(), paper=58)
    assert b"\x1d(k\x03\x001E1" in data  # GS ( k: cn 49, fn 69 (EC), 49 = level M
    module = data[data.index(b"\x1d(k\x03\x001C") + 7]
    assert 3 <= module <= 6
    assert data.endswith(CUT)


def test_a_profile_without_a_spanish_code_page_prints_text_as_images() -> None:
    data = render_receipt(make_receipt(), paper=58, profile="simple")
    assert printer_setup("simple", 58).code_page is None
    assert code_page_slots(data) == []
    assert b"Aprobaci" not in data and b"Cochabamba" not in data
    assert data.count(RASTER) > 20
    assert read_qr_codes(render_png(data, paper=58, profile="simple")) == [TRACK_URL]


def test_text_as_image_looks_like_the_printer_font() -> None:
    receipt = make_receipt(requirements=[])
    native = render_png(render_receipt(receipt, paper=80), paper=80)
    drawn = render_png(render_receipt(receipt, paper=80, profile="simple"), paper=80)
    # Same glyphs in the same cells: the previews differ only from the QR on,
    # where python-escpos feeds an extra line before a QR sent as an image.
    top = (0, 0, 576, 460)
    a = Image.open(BytesIO(native)).convert("L").crop(top)
    b = Image.open(BytesIO(drawn)).convert("L").crop(top)
    assert ImageChops.difference(a, b).getbbox() is None


def test_the_preview_reads_esc_t_with_the_profile_table() -> None:
    receipt = make_receipt()
    th230 = render_receipt(receipt, paper=58, profile="TH230")  # CP850 is ESC t 1 there
    top = (0, 0, 384, 600)
    reference = Image.open(BytesIO(render_png(render_receipt(receipt)))).convert("L").crop(top)
    right = Image.open(BytesIO(render_png(th230, profile="TH230"))).convert("L").crop(top)
    wrong = Image.open(BytesIO(render_png(th230, profile="default"))).convert("L").crop(top)
    assert ImageChops.difference(reference, right).getbbox() is None
    assert ImageChops.difference(reference, wrong).getbbox() is not None  # "ÁREA" misread


def test_paper_80_uses_48_columns_and_58_uses_32() -> None:
    for paper, columns in COLUMNS.items():
        data = render_receipt(make_receipt(), paper=paper)
        assert ("-" * columns + "\n").encode() in data
        assert ("-" * (columns + 1)).encode() not in data


def test_a_180_dpi_printer_gets_the_columns_its_head_holds() -> None:
    assert printer_setup("TM-T88IV", 80).columns == 42  # 512 dots / 12


@pytest.mark.parametrize("paper", [58, 80])
def test_the_test_page_prints_and_scans(paper: int) -> None:
    data = render_test_page(paper, "default")
    assert data.startswith(ESC_AT) and data.endswith(CUT)
    assert "áéíóú ÁÉÍÓÚ ñÑ üÜ ¿? ¡!".encode("cp850") in data
    assert read_qr_codes(render_png(data, paper=paper)) == [f"VENTANILLA PRUEBA default {paper}MM"]


def test_unknown_profile_and_paper_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown printer profile 'TM-XYZ'"):
        render_receipt(make_receipt(), profile="TM-XYZ")
    with pytest.raises(ValueError, match="paper must be one of"):
        render_receipt(make_receipt(), paper=76)
