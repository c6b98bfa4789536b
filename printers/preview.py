"""ESC/POS bytes to a picture of the paper they print.

`Interpreter` is a small thermal printer in software. The kiosk's preview and
the virtual network printer both feed it the very bytes sent to real printers,
so what the screen shows is what the paper shows. It reads the commands
python-escpos emits, skips others by their known length, and drops a byte it
cannot place rather than fail: a preview must never crash on odd input.
"""

from __future__ import annotations

import dataclasses
import functools
import io
from collections.abc import Callable

import qrcode
from escpos.capabilities import CAPABILITIES, get_profile
from escpos.magicencode import Encoder
from PIL import Image, ImageDraw

from printers.layout import DOTS
from printers.typeface import BLACK, CELLS, LINE_DOTS, WHITE, aligned_x, text_image

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
LF, HT, DEL = 0x0A, 0x09, 0x7F
EOT, ENQ, DC4 = 0x04, 0x05, 0x14
TAB_COLUMNS = 8
MAX_PAPER_DOTS = 40_000  # about 5 m: a runaway job stops being drawn, the process lives on
MAX_IMAGE_BYTES = 4_000_000
CUT_DOTS = 16
PRINTER_READY = 0x12  # a DLE EOT answer with only its fixed bits set: no fault

# Commands with a fixed number of argument bytes after ESC x / GS x / FS x.
ESC_ARGS = {
    " ": 1, "!": 1, "$": 2, "%": 1, "-": 1, "2": 0, "3": 1, "=": 1, "?": 1, "@": 0,
    "E": 1, "G": 1, "J": 1, "K": 1, "L": 0, "M": 1, "R": 1, "S": 0, "T": 1, "U": 1,
    "V": 1, "W": 8, "\\": 2, "a": 1, "c": 2, "d": 1, "e": 1, "i": 0, "m": 0, "p": 3,
    "r": 1, "t": 1, "u": 1, "v": 0, "{": 1, "\x0c": 0,
}  # fmt: skip
GS_ARGS = {
    "!": 1, "$": 2, "/": 1, ":": 0, "B": 1, "E": 1, "H": 1, "I": 1, "L": 2, "P": 2,
    "T": 1, "W": 2, "\\": 2, "^": 3, "a": 1, "b": 1, "f": 1, "h": 1, "r": 1, "w": 1,
    "x": 1, "|": 1,
}  # fmt: skip
FS_ARGS = {"!": 1, "&": 0, ".": 0, "-": 1, "C": 1, "S": 2, "W": 1, "p": 2}
DC4_LENGTHS = {1: 5, 2: 5, 3: 5, 7: 4, 8: 10}
ALIGN = {0: "left", 48: "left", 1: "center", 49: "center", 2: "right", 50: "right"}
QR_EC = {
    48: qrcode.constants.ERROR_CORRECT_L,
    49: qrcode.constants.ERROR_CORRECT_M,
    50: qrcode.constants.ERROR_CORRECT_Q,
    51: qrcode.constants.ERROR_CORRECT_H,
}
CUT_WITH_FEED = {65, 66, 97, 98, 103, 104}

StatusByte = Callable[[int], int]


def printer_ready(query: int) -> int:
    """The answer of a printer with paper, cover closed and no error, to any DLE EOT query."""
    return PRINTER_READY


def render_png(data: bytes, paper: int = 58, profile: str = "default") -> bytes:
    """A PNG of the paper `data` prints on a `paper` mm roll (8 dots/mm, 384 or 576 wide).

    `profile` says which code page each ESC t slot is, as python-escpos's
    printer database does for the real printer.
    """
    interpreter = Interpreter(paper, profile)
    interpreter.feed(data)
    return interpreter.png()


class _Incomplete(Exception):
    """The command goes on in bytes not received yet."""


@dataclasses.dataclass
class _Style:
    align: str = "left"
    bold: bool = False
    width: int = 1
    height: int = 1
    font: int = 0
    underline: bool = False
    code_page: int = 0
    line_spacing: int = LINE_DOTS


@dataclasses.dataclass
class _QRSymbol:
    module: int = 3
    ec: int = 48
    data: bytes = b""


class Interpreter:
    """A thermal printer in software: feed it bytes, read back the paper and status answers."""

    def __init__(
        self, paper: int = 58, profile: str = "default", status: StatusByte = printer_ready
    ) -> None:
        if paper not in DOTS:
            raise ValueError(f"paper must be one of {sorted(DOTS)} mm, not {paper!r}")
        if profile not in CAPABILITIES["profiles"]:
            raise ValueError(f"unknown printer profile {profile!r}")
        self.dots = DOTS[paper]
        self.profile = profile
        self.status = status
        self.job = bytearray()  # every byte received except real-time status commands
        self._pending = bytearray()
        self._strips: list[Image.Image] = []
        self._paper_dots = 0
        self._line: list[Image.Image] = []
        self._line_dots = 0
        self._style = _Style()
        self._qr = _QRSymbol()
        self._graphic: Image.Image | None = None
        self._answers = bytearray()
        self._realtime = False

    def feed(self, data: bytes) -> bytes:
        """Take the next bytes of a job; return what the printer answers (DLE EOT status)."""
        self._pending += data
        buf = self._pending
        pos = 0
        while pos < len(buf):
            self._realtime = False
            try:
                end = self._step(buf, pos)
            except _Incomplete:
                break
            if not self._realtime:
                self.job += buf[pos:end]
            pos = end
        del buf[:pos]
        answers = bytes(self._answers)
        self._answers.clear()
        return answers

    def image(self) -> Image.Image:
        """The paper printed so far; a line still in the buffer is printed first."""
        self._flush_line()
        paper = Image.new("L", (self.dots, max(1, self._paper_dots)), WHITE)
        top = 0
        for strip in self._strips:
            paper.paste(strip, (0, top))
            top += strip.height
        return paper.convert("1")

    def png(self) -> bytes:
        """`image()` as PNG bytes."""
        out = io.BytesIO()
        self.image().save(out, format="PNG")
        return out.getvalue()

    # --- parsing -----------------------------------------------------------

    def _step(self, buf: bytearray, pos: int) -> int:
        byte = buf[pos]
        if byte == LF:
            self._newline()
            return pos + 1
        if byte == ESC:
            return self._esc(buf, pos)
        if byte == GS:
            return self._gs(buf, pos)
        if byte == FS:
            return self._fs(buf, pos)
        if byte == DLE:
            return self._dle(buf, pos)
        if byte == HT:
            self._tab()
            return pos + 1
        if byte < 0x20 or byte == DEL:
            return pos + 1  # CR and other controls print nothing
        end = pos
        while end < len(buf) and buf[end] >= 0x20 and buf[end] != DEL:
            end += 1
        self._text(bytes(buf[pos:end]))
        return end

    def _esc(self, buf: bytearray, pos: int) -> int:
        _need(buf, pos + 2)
        cmd = chr(buf[pos + 1])
        if cmd == "*":
            return self._column_image(buf, pos)
        if cmd == "D":
            return _until_nul(buf, pos + 2, limit=33)
        if cmd == "(":
            end, _ = _sized(buf, pos, 2)
            return end
        if cmd == "&":
            return _user_characters(buf, pos)
        end = pos + 2 + ESC_ARGS.get(cmd, 0)
        _need(buf, end)
        self._esc_apply(cmd, bytes(buf[pos + 2 : end]))
        return end

    def _esc_apply(self, cmd: str, args: bytes) -> None:
        style = self._style
        n = args[0] if args else 0
        if cmd == "@":
            self._line, self._line_dots = [], 0
            self._style, self._qr = _Style(), _QRSymbol()
        elif cmd == "!":
            style.font, style.bold = n & 1, bool(n & 8)
            style.height, style.width = 2 if n & 16 else 1, 2 if n & 32 else 1
            style.underline = bool(n & 128)
        elif cmd in "EG":
            style.bold = bool(n & 1)
        elif cmd == "-":
            style.underline = n in (1, 2, 49, 50)
        elif cmd == "M":
            style.font = 0 if n in (0, 48) else 1
        elif cmd == "a":
            style.align = ALIGN.get(n, style.align)
        elif cmd == "t":
            style.code_page = n
        elif cmd == "2":
            style.line_spacing = LINE_DOTS
        elif cmd == "3":
            style.line_spacing = n
        elif cmd == "d":
            self._feed_lines(n)
        elif cmd == "J":
            self._feed_dots(n)

    def _gs(self, buf: bytearray, pos: int) -> int:
        _need(buf, pos + 2)
        cmd = chr(buf[pos + 1])
        if cmd == "(":
            end, payload = _sized(buf, pos, 2)
            self._function(chr(buf[pos + 2]), payload)
            return end
        if cmd == "8":
            end, payload = _sized(buf, pos, 4)
            self._function(chr(buf[pos + 2]), payload)
            return end
        if cmd == "v":
            return self._raster_image(buf, pos)
        if cmd == "V":
            _need(buf, pos + 3)
            end = pos + (4 if buf[pos + 2] in CUT_WITH_FEED else 3)
            _need(buf, end)
            self._cut()
            return end
        if cmd == "k":
            return _barcode(buf, pos)
        if cmd == "*":
            _need(buf, pos + 4)
            end = pos + 4 + buf[pos + 2] * buf[pos + 3] * 8
            _need(buf, end)
            return end
        end = pos + 2 + GS_ARGS.get(cmd, 0)
        _need(buf, end)
        if cmd == "!":
            n = buf[pos + 2]
            self._style.width, self._style.height = (n >> 4 & 7) + 1, (n & 7) + 1
        return end

    def _fs(self, buf: bytearray, pos: int) -> int:
        _need(buf, pos + 2)
        cmd = chr(buf[pos + 1])
        if cmd == "(":
            end, _ = _sized(buf, pos, 2)
            return end
        end = pos + 2 + FS_ARGS.get(cmd, 0)
        _need(buf, end)
        return end

    def _dle(self, buf: bytearray, pos: int) -> int:
        _need(buf, pos + 2)
        cmd = buf[pos + 1]
        if cmd not in (EOT, ENQ, DC4):
            return pos + 1  # a lone DLE prints nothing
        _need(buf, pos + 3)
        self._realtime = True
        if cmd == EOT:
            query = buf[pos + 2]
            if 1 <= query <= 4:
                self._answers.append(self.status(query) & 0xFF)
            return pos + 3
        if cmd == DC4:
            end = pos + DC4_LENGTHS.get(buf[pos + 2], 3)
            _need(buf, end)
            return end
        return pos + 3

    def _function(self, fn: str, payload: bytes) -> None:
        """GS ( k (2D codes) and GS ( L / GS 8 L (graphics)."""
        if fn == "k" and len(payload) >= 2 and payload[0] == 49:
            self._qr_function(payload[1], payload[2:])
        elif fn == "L" and len(payload) >= 2:
            self._graphics_function(payload[1], payload[2:])

    def _qr_function(self, fn: int, args: bytes) -> None:
        if fn == 67 and args:
            self._qr.module = min(16, max(1, args[0]))
        elif fn == 69 and args:
            self._qr.ec = args[0]
        elif fn == 80 and args:
            self._qr.data = args[1:]
        elif fn == 81:
            self._print_qr()

    def _graphics_function(self, fn: int, args: bytes) -> None:
        if fn == 112 and len(args) >= 8:
            xscale, yscale = args[1], args[2]
            width = args[4] + 256 * args[5]
            height = args[6] + 256 * args[7]
            image = _bitmap(args[8:], (width + 7) // 8, height)
            self._graphic = _scaled(image.crop((0, 0, width, height)), xscale, yscale)
        elif fn == 50 and self._graphic is not None:
            self._print_block(self._graphic)

    def _raster_image(self, buf: bytearray, pos: int) -> int:
        _need(buf, pos + 8)
        mode = buf[pos + 3]
        width_bytes = buf[pos + 4] + 256 * buf[pos + 5]
        height = buf[pos + 6] + 256 * buf[pos + 7]
        end = pos + 8 + width_bytes * height
        _need(buf, end)
        if width_bytes * height <= MAX_IMAGE_BYTES:
            image = _bitmap(bytes(buf[pos + 8 : end]), width_bytes, height)
            self._print_block(_scaled(image, 1 + (mode & 1), 1 + (mode >> 1 & 1)))
        return end

    def _column_image(self, buf: bytearray, pos: int) -> int:
        """ESC *: a strip of dot columns placed in the line, printed by the next LF."""
        _need(buf, pos + 5)
        mode = buf[pos + 2]
        columns = buf[pos + 3] + 256 * buf[pos + 4]
        rows = 24 if mode & 32 else 8
        end = pos + 5 + columns * rows // 8
        _need(buf, end)
        data = bytes(buf[pos + 5 : end])
        strip = _bitmap(data, rows // 8, columns).transpose(Image.Transpose.TRANSPOSE)
        # Single density (even modes) prints each column two dots wide.
        self._add_to_line(_scaled(strip, 1 if mode & 1 else 2, 1 if mode & 32 else 3))
        return end

    # --- printing ----------------------------------------------------------

    def _text(self, raw: bytes) -> None:
        charset = _charset(self.profile, self._style.code_page)
        for byte in raw:
            char = chr(byte) if byte < 0x80 else charset[byte - 0x80]
            self._add_to_line(self._glyph(char))

    def _glyph(self, char: str) -> Image.Image:
        s = self._style
        return _char_image(char, s.bold, s.width, s.height, s.font, s.underline)

    def _tab(self) -> None:
        cell = CELLS[self._style.font][0] * self._style.width
        column = self._line_dots // cell
        for _ in range((column // TAB_COLUMNS + 1) * TAB_COLUMNS - column):
            self._add_to_line(self._glyph(" "))

    def _add_to_line(self, item: Image.Image) -> None:
        if self._line and self._line_dots + item.width > self.dots:
            self._newline()  # the head is full: real printers wrap here too
        self._line.append(item)
        self._line_dots += item.width

    def _newline(self) -> None:
        height = max([self._style.line_spacing, *(item.height for item in self._line)])
        strip = Image.new("L", (self.dots, height), WHITE)
        tallest = max((item.height for item in self._line), default=0)
        x = aligned_x(self._line_dots, self.dots, self._style.align)
        for item in self._line:
            strip.paste(item, (x, tallest - item.height))  # characters share a baseline
            x += item.width
        self._add_strip(strip)
        self._line, self._line_dots = [], 0

    def _flush_line(self) -> None:
        if self._line:
            self._newline()

    def _feed_lines(self, lines: int) -> None:
        self._flush_line()
        self._add_strip(Image.new("L", (self.dots, lines * self._style.line_spacing), WHITE))

    def _feed_dots(self, dots: int) -> None:
        self._flush_line()
        self._add_strip(Image.new("L", (self.dots, dots), WHITE))

    def _print_block(self, image: Image.Image) -> None:
        """Print an image or symbol on its own, aligned like text (ESC a)."""
        self._flush_line()
        image = image.crop((0, 0, min(image.width, self.dots), image.height))
        strip = Image.new("L", (self.dots, image.height), WHITE)
        strip.paste(image, (aligned_x(image.width, self.dots, self._style.align), 0))
        self._add_strip(strip)

    def _print_qr(self) -> None:
        if not self._qr.data:
            return
        code = qrcode.QRCode(
            error_correction=QR_EC.get(self._qr.ec, qrcode.constants.ERROR_CORRECT_L),
            box_size=self._qr.module,
            border=0,  # like the printer: the quiet zone is the paper around it
        )
        code.add_data(self._qr.data)
        try:
            code.make(fit=True)
        except qrcode.exceptions.DataOverflowError:
            return  # a printer prints nothing for data no QR version can hold
        self._print_block(code.make_image().get_image().convert("L"))

    def _cut(self) -> None:
        self._flush_line()
        strip = Image.new("L", (self.dots, CUT_DOTS), WHITE)
        draw = ImageDraw.Draw(strip)
        for x in range(0, self.dots, 8):
            draw.line([(x, CUT_DOTS // 2), (x + 3, CUT_DOTS // 2)], fill=BLACK)
        self._add_strip(strip)

    def _add_strip(self, strip: Image.Image) -> None:
        if self._paper_dots + strip.height <= MAX_PAPER_DOTS and strip.height > 0:
            self._strips.append(strip)
            self._paper_dots += strip.height


def _need(buf: bytearray, end: int) -> None:
    if end > len(buf):
        raise _Incomplete


def _sized(buf: bytearray, pos: int, size_bytes: int) -> tuple[int, bytes]:
    """A `X ( fn pL pH ...` command (or `GS 8 L` with four length bytes): end and payload."""
    start = pos + 3 + size_bytes
    _need(buf, start)
    length = int.from_bytes(buf[pos + 3 : start], "little")
    _need(buf, start + length)
    return start + length, bytes(buf[start : start + length])


def _until_nul(buf: bytearray, start: int, limit: int) -> int:
    """End of a NUL-terminated argument list (of at most `limit` bytes)."""
    stop = min(len(buf), start + limit)
    for i in range(start, stop):
        if buf[i] == 0:
            return i + 1
    if stop == start + limit:
        return stop  # no NUL where one must be: skip what the printer would have read
    raise _Incomplete


def _user_characters(buf: bytearray, pos: int) -> int:
    """ESC & y c1 c2 [x d1...d(y*x)]...: user-defined characters, skipped."""
    _need(buf, pos + 5)
    rows, first, last = buf[pos + 2], buf[pos + 3], buf[pos + 4]
    end = pos + 5
    for _ in range(max(0, last - first + 1)):
        _need(buf, end + 1)
        end += 1 + rows * buf[end]
    _need(buf, end)
    return end


def _barcode(buf: bytearray, pos: int) -> int:
    """GS k m ...: a 1D barcode, skipped (receipts use none)."""
    _need(buf, pos + 3)
    if buf[pos + 2] <= 6:
        return _until_nul(buf, pos + 3, limit=256)
    _need(buf, pos + 4)
    end = pos + 4 + buf[pos + 3]
    _need(buf, end)
    return end


def _bitmap(data: bytes, width_bytes: int, height: int) -> Image.Image:
    """ESC/POS raster data (1 = black dot, rows of whole bytes) as a greyscale image."""
    size = (max(1, width_bytes * 8), max(1, height))
    data = data.ljust(width_bytes * height, b"\0")
    return Image.frombytes("1", size, data, "raw", "1;I").convert("L")


def _scaled(image: Image.Image, xscale: int, yscale: int) -> Image.Image:
    xscale, yscale = max(1, min(xscale, 2)), max(1, min(yscale, 3))
    if (xscale, yscale) == (1, 1):
        return image
    return image.resize((image.width * xscale, image.height * yscale), Image.Resampling.NEAREST)


@functools.lru_cache(maxsize=4096)
def _char_image(
    char: str, bold: bool, width: int, height: int, font: int, underline: bool
) -> Image.Image:
    return text_image(char, bold, width, height, font, underline)


@functools.cache
def _charset(profile: str, slot: int) -> str:
    """The 128 characters of bytes 0x80-0xFF after ESC t `slot` on a `profile` printer.

    Read from the same table python-escpos encodes with, so decoding is its
    exact inverse; an unknown slot shows as PC437, what printers fall back to.
    """
    name = get_profile(profile).codePages.get(str(slot), "CP437")
    try:
        return "".join(Encoder._get_codepage_char_list(name))
    except (LookupError, AssertionError):
        return bytes(range(0x80, 0x100)).decode("cp437")
