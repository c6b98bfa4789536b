"""Receipt blocks to ESC/POS bytes, said through python-escpos.

A `Dummy` printer collects the bytes, so the same bytes go to a real printer,
a file, the virtual printer and the PNG preview. How each printer profile is
driven (code page, QR path, image command) is decided once, in `Setup`.
"""

from __future__ import annotations

import copy
import dataclasses

import qrcode
from escpos.capabilities import CAPABILITIES, get_profile
from escpos.constants import QR_ECLEVEL_M
from escpos.magicencode import Encoder
from escpos.printer import Dummy
from PIL import Image

from printers.layout import (
    COLUMNS,
    DOTS,
    QR,
    Blank,
    Block,
    Cut,
    Receipt,
    Rule,
    Text,
    layout_receipt,
    layout_test_page,
)
from printers.typeface import CELLS, LINE_DOTS, line_image

SPANISH = "áéíóúñüÁÉÍÓÚÑÜ¿¡"
# CP850 first: it sits in slot 2 on nearly every Epson-compatible printer, even
# cheap ones whose firmware lacks CP858, and holds every Spanish letter; CP858
# differs only by the euro sign, which Bolivia does not need.
SPANISH_CODE_PAGES = ("CP850", "CP858", "CP1252", "ISO_8859-15", "ISO_8859-1")
IMAGE_COMMANDS = ("bitImageRaster", "graphics", "bitImageColumn")
# Typographic marks that translators and content editors type, folded into the
# plain ones every code page has; one character for one, so wrapping still holds.
TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2022": "-",
    }
)
QR_QUIET_ZONE = 4  # modules of white the QR standard asks for on each side
QR_MODULE_DOTS = (3, 6)  # below 3 dots phones misread; above 6 only wastes paper


@dataclasses.dataclass(frozen=True)
class Setup:
    """How one printer profile on one paper width is driven."""

    profile: str
    paper: int
    dots: int
    columns: int
    code_page: str | None  # None: no code page holds Spanish, text goes as images
    native_qr: bool
    image_command: str


def printer_setup(profile: str = "default", paper: int = 58) -> Setup:
    """Decide code page, QR path and widths for `profile` on `paper` mm rolls."""
    if paper not in DOTS:
        raise ValueError(f"paper must be one of {sorted(DOTS)} mm, not {paper!r}")
    if profile not in CAPABILITIES["profiles"]:
        known = ", ".join(sorted(CAPABILITIES["profiles"]))
        raise ValueError(f"unknown printer profile {profile!r}; known profiles: {known}")
    escpos_profile = get_profile(profile)
    dots = min(DOTS[paper], _profile_dots(escpos_profile.profile_data) or DOTS[paper])
    images = [name for name in IMAGE_COMMANDS if escpos_profile.supports(name)]
    if not images:
        raise ValueError(f"printer profile {profile!r} cannot print images, so no QR code")
    return Setup(
        profile=profile,
        paper=paper,
        dots=dots,
        columns=min(COLUMNS[paper], dots // CELLS[0][0]),
        code_page=spanish_code_page(escpos_profile.get_code_pages()),
        native_qr=bool(escpos_profile.supports("qrCode")),
        image_command=images[0],
    )


def spanish_code_page(code_pages: dict[str, int]) -> str | None:
    """The first of SPANISH_CODE_PAGES this printer has that encodes every Spanish letter."""
    encoder = Encoder(code_pages)
    for name in SPANISH_CODE_PAGES:
        if name in code_pages and all(encoder.can_encode(name, ch) for ch in SPANISH):
            return name
    return None


def render_receipt(receipt: Receipt, paper: int = 58, profile: str = "default") -> bytes:
    """The receipt as the ESC/POS bytes `profile` needs on `paper` mm rolls."""
    setup = printer_setup(profile, paper)
    return render_blocks(layout_receipt(receipt, setup.columns), setup)


def render_test_page(paper: int = 58, profile: str = "default") -> bytes:
    """A page showing widths, accents, styles, a QR and the cut, for `printer test`."""
    setup = printer_setup(profile, paper)
    if setup.code_page:
        slot = get_profile(profile).get_code_pages()[setup.code_page]
        text = f"Texto: página de códigos {setup.code_page} (ESC t {slot})"
    else:
        text = "Texto: como imagen (ninguna página de códigos tiene la ñ)"
    qr = "nativo (GS ( k)" if setup.native_qr else f"imagen ({setup.image_command})"
    facts = [
        f"Perfil: {profile}",
        f"Papel: {paper} mm, {setup.columns} columnas, {setup.dots} puntos",
        text,
        f"QR: {qr}",
    ]
    qr_data = f"VENTANILLA PRUEBA {profile} {paper}MM"
    return render_blocks(layout_test_page(setup.columns, facts, qr_data), setup)


def render_blocks(blocks: list[Block], setup: Setup) -> bytes:
    """Say each block in ESC/POS; the printer is reset first so no earlier state leaks in."""
    printer = _dummy(setup)
    printer.hw("INIT")
    if setup.code_page:
        # Forced, not left to python-escpos's per-character guessing: one ESC t
        # for the whole job, taken from this profile's own slot table.
        printer.charcode(setup.code_page)
    style: dict[str, object] = {}
    for block in blocks:
        _render_block(printer, block, setup, style)
    return printer.output


def qr_module_dots(data: str, dots: int) -> int:
    """Dots per QR module: as large as fits with its quiet zone, within QR_MODULE_DOTS."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    smallest, largest = QR_MODULE_DOTS
    module = min(largest, dots // (code.modules_count + 2 * QR_QUIET_ZONE))
    if module < smallest:
        raise ValueError(
            f"a QR of {len(data)} characters is too dense to scan on {dots} dots; shorten it"
        )
    return module


def _dummy(setup: Setup) -> Dummy:
    printer = Dummy(profile=setup.profile)
    data = copy.deepcopy(printer.profile.profile_data)
    data.setdefault("media", {})["width"] = {**data["media"].get("width", {}), "pixels": setup.dots}
    # With the width known python-escpos can centre images and does not print
    # its "width unknown" notice; set on this instance only, the shared profile
    # class stays as loaded.
    printer.profile.profile_data = data
    return printer


def _profile_dots(profile_data: dict) -> int | None:
    pixels = profile_data.get("media", {}).get("width", {}).get("pixels")
    return pixels if isinstance(pixels, int) else None


def _render_block(printer: Dummy, block: Block, setup: Setup, style: dict[str, object]) -> None:
    match block:
        case Text():
            _text(printer, block, setup, style)
        case Rule():
            _text(printer, Text("-" * setup.columns), setup, style)
        case Blank():
            printer.ln()
        case QR():
            _qr(printer, block.data, setup, style)
        case Cut():
            printer.cut()


def _text(printer: Dummy, block: Text, setup: Setup, style: dict[str, object]) -> None:
    line = block.text.translate(TYPOGRAPHY)
    if setup.code_page and _encodable(printer, line, setup.code_page):
        _set_style(printer, style, align=block.align, bold=block.bold, size=block.size)
        printer.textln(line)
        return
    # No code page can say this line: draw it, in the same cells the printer uses.
    height = max(LINE_DOTS, CELLS[0][1] * block.size)
    image = line_image(line, setup.dots, height, block.align, block.bold, block.size)
    _image(printer, image, setup)


def _set_style(printer: Dummy, style: dict[str, object], align: str, bold: bool, size: int) -> None:
    """Send only what changed: python-escpos's set() repeats ESC ! on every call."""
    if style.get("size") != size:
        double = size == 2
        printer.set(normal_textsize=not double, double_width=double, double_height=double)
        # ESC ! also switches emphasis off, so bold must be said again.
        style.pop("bold", None)
    if style.get("bold") != bold:
        printer.set(bold=bold)
    if style.get("align") != align:
        printer.set(align=align)
    style.update(align=align, bold=bold, size=size)


def _encodable(printer: Dummy, text: str, code_page: str) -> bool:
    return all(printer.magic.encoder.can_encode(code_page, ch) for ch in text)


def _image(printer: Dummy, image: Image.Image, setup: Setup) -> None:
    printer.image(image, impl=setup.image_command, center=False)


def _qr(printer: Dummy, data: str, setup: Setup, style: dict[str, object]) -> None:
    module = qr_module_dots(data, setup.dots)
    _set_style(printer, style, align="center", bold=False, size=1)
    if setup.native_qr:
        printer.qr(data, ec=QR_ECLEVEL_M, size=module, native=True)
        return
    printer.qr(
        data,
        ec=QR_ECLEVEL_M,
        size=module,
        native=False,
        image_arguments={"impl": setup.image_command, "center": True},
    )
