"""The ESC/POS interpreter behind the preview and the emulator."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from printers.escpos import render_receipt
from printers.preview import Interpreter, render_png
from tests.printers.printer_helpers import TRACK_URL, make_receipt, read_qr_codes


def picture(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


def inked_rows(png: bytes) -> int:
    """How many dot rows have any black: a measure of what got printed."""
    image = picture(png).convert("L")
    return sum(
        1
        for y in range(image.height)
        if image.crop((0, y, image.width, y + 1)).getextrema()[0] == 0
    )


@pytest.mark.parametrize(("paper", "width"), [(58, 384), (80, 576)])
def test_the_paper_is_white_and_as_wide_as_the_head(paper: int, width: int) -> None:
    image = picture(render_png(render_receipt(make_receipt(), paper=paper), paper=paper))
    assert image.width == width
    assert image.height > 800
    assert image.convert("L").getpixel((width - 1, image.height - 1)) == 255


def test_a_job_fed_in_pieces_prints_the_same_as_in_one_go() -> None:
    data = render_receipt(make_receipt(), paper=58, profile="ZJ-5870")  # text and a raster QR
    whole = render_png(data)
    interpreter = Interpreter(58)
    for i in range(0, len(data), 7):
        assert interpreter.feed(data[i : i + 7]) == b""
    assert interpreter.png() == whole
    assert bytes(interpreter.job) == data


def test_text_styles_change_what_is_drawn() -> None:
    plain = render_png(b"\x1b@Hola\n")
    assert render_png(b"\x1b@\x1bE\x01Hola\n") != plain  # bold
    large = render_png(b"\x1b@\x1d!\x11Hola\n")
    assert picture(large).height == 48  # double height: one 48-dot line
    assert render_png(b"\x1b@\x1ba\x01Hola\n") != plain  # centred


def test_the_code_page_decides_how_high_bytes_read() -> None:
    cp850 = render_png(b"\x1b@\x1bt\x02Aprobaci\xa2n\n")
    assert cp850 == render_png(b"\x1b@\x1bt\x02" + "Aprobación\n".encode("cp850"))
    assert cp850 != render_png(b"\x1b@\x1bt\x10Aprobaci\xa2n\n")  # slot 16 is CP1252: "¢"


def test_unknown_and_ignored_commands_are_skipped() -> None:
    plain = render_png(b"\x1b@Hola\n")
    noisy = (
        b"\x1b@\x1bz\x00"  # unknown ESC z: skipped, its NUL prints nothing
        b"\x1b(A\x04\x00abcd"  # length-prefixed ESC ( A
        b"\x1dP\x00\x00\x1c.\x10\x14\x01\x00\x01"  # GS P, FS ., DLE DC4
        b"\x1dk\x04123\x00"  # a barcode, not drawn
        b"\x07\rHola\n"
    )
    assert render_png(noisy) == plain


def test_a_raster_image_is_drawn_where_the_bytes_say() -> None:
    # 16 x 2 dots: first row black, second row white.
    png = render_png(b"\x1b@\x1dv0\x00\x02\x00\x02\x00\xff\xff\x00\x00")
    image = picture(png).convert("L")
    assert image.size == (384, 2)
    assert [image.getpixel((x, 0)) for x in (0, 15, 16)] == [0, 0, 255]
    assert image.getpixel((0, 1)) == 255


def test_dle_eot_is_answered_and_left_out_of_the_job() -> None:
    interpreter = Interpreter(58, status=lambda query: 0x12 | (0x60 if query == 4 else 0))
    assert interpreter.feed(b"\x1b@\x10\x04\x01Hola\x10\x04") == b"\x12"
    assert interpreter.feed(b"\x04\n") == b"\x72"
    assert bytes(interpreter.job) == b"\x1b@Hola\n"


def test_an_escpos_qr_is_redrawn_with_its_stored_settings() -> None:
    data = TRACK_URL.encode()
    size = len(data) + 3
    job = (
        b"\x1b@\x1ba\x01"
        b"\x1d(k\x04\x001A2\x00"
        b"\x1d(k\x03\x001C\x05"
        b"\x1d(k\x03\x001E3"
        + b"\x1d(k" + bytes([size % 256, size // 256]) + b"1P0" + data
        + b"\x1d(k\x03\x001Q0"
    )  # fmt: skip
    png = render_png(job)
    assert read_qr_codes(png) == [TRACK_URL]
    assert inked_rows(png) % 5 == 0  # module of 5 dots, as stored


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_any_bytes_render_without_error(data: bytes) -> None:
    interpreter = Interpreter(58)
    interpreter.feed(data)
    assert picture(interpreter.png()).width == 384


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=400), max_size=20))
def test_any_split_of_a_job_prints_the_same(cuts: list[int]) -> None:
    data = render_receipt(make_receipt(requirements=[]), paper=58)
    interpreter = Interpreter(58)
    start = 0
    for cut in sorted(set(cuts)):
        interpreter.feed(data[start:cut])
        start = max(start, cut)
    interpreter.feed(data[start:])
    assert interpreter.png() == render_png(data)


def test_unknown_paper_or_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="paper"):
        render_png(b"", paper=110)
    with pytest.raises(ValueError, match="profile"):
        render_png(b"", profile="nope")
