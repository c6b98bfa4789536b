"""Glyphs as a thermal head prints them: fixed cells, black or white dots.

Both the preview (text the printer draws with its own font) and the ESC/POS
renderer (text sent as an image to printers without a usable code page) draw
characters here, so a line looks the same on screen whichever way it reaches
the paper.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path(__file__).parent / "fonts"
BLACK, WHITE = 0, 255
# Cell sizes of ESC/POS fonts A and B on a 203 dpi head, in dots.
CELLS = {0: (12, 24), 1: (9, 17)}
# DejaVu Sans Mono sizes whose advance and ascent+descent fill those cells.
POINT_SIZES = {0: 20, 1: 15}
LINE_DOTS = 30  # line spacing after ESC @ (ESC 2) on Epson-compatible heads


@functools.cache
def _font(bold: bool, font: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), POINT_SIZES[font])


@functools.cache
def glyph(char: str, bold: bool = False, font: int = 0) -> Image.Image:
    """One character in its cell, as a greyscale image holding only black and white."""
    width, height = CELLS[font]
    cell = Image.new("L", (width, height), WHITE)
    ImageDraw.Draw(cell).text((0, 0), char, font=_font(bold, font), fill=BLACK)
    # A thermal dot is burnt or not: no grey, so the preview shows what the paper will.
    return cell.point(lambda v: BLACK if v < 128 else WHITE)


def text_image(
    text: str,
    bold: bool = False,
    width: int = 1,
    height: int = 1,
    font: int = 0,
    underline: bool = False,
) -> Image.Image:
    """`text` in fixed cells, scaled like ESC/POS character enlargement (GS !)."""
    cell_width, cell_height = CELLS[font]
    run = Image.new("L", (max(1, cell_width * len(text)), cell_height), WHITE)
    for i, char in enumerate(text):
        run.paste(glyph(char, bold, font), (i * cell_width, 0))
    if underline:
        bottom = cell_height - 2
        ImageDraw.Draw(run).line([(0, bottom), (run.width, bottom)], fill=BLACK)
    if (width, height) != (1, 1):
        run = run.resize((run.width * width, run.height * height), Image.Resampling.NEAREST)
    return run


def line_image(
    text: str,
    paper_dots: int,
    line_height: int,
    align: str = "left",
    bold: bool = False,
    size: int = 1,
) -> Image.Image:
    """A whole printed line, `paper_dots` wide and `line_height` tall, aligned like ESC a."""
    run = text_image(text, bold=bold, width=size, height=size)
    line = Image.new("L", (paper_dots, max(line_height, run.height)), WHITE)
    line.paste(run, (aligned_x(run.width, paper_dots, align), 0))
    return line


def aligned_x(width: int, paper_dots: int, align: str) -> int:
    """Where something `width` dots wide starts on the line."""
    free = max(0, paper_dots - width)
    return {"left": 0, "center": free // 2, "right": free}[align]
