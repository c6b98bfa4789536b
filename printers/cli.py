"""`ventanilla printer ...`: try a receipt printer, or run a virtual one."""

from __future__ import annotations

from pathlib import Path

import click

from printers.backends import PrinterError, printer_status, send
from printers.emulator import Emulator, serve
from printers.escpos import render_test_page
from ventanilla import logs

profile_option = click.option(
    "--profile",
    default="default",
    show_default=True,
    help="python-escpos printer profile (e.g. TM-T20II, ZJ-5870, simple).",
)
paper_option = click.option(
    "--paper",
    type=click.Choice(["58", "80"]),
    default="58",
    show_default=True,
    help="Paper roll width in mm.",
)


@click.group()
def printer() -> None:
    """Receipt printers: test one, check its status, or run a virtual one."""


@printer.command()
@click.argument("uri")
@profile_option
@paper_option
def test(uri: str, profile: str, paper: str) -> None:
    """Print a test page on the printer at URI.

    URI is dummy:, file:PATH, tcp://HOST:9100, usb:VID:PID or
    serial:/dev/ttyUSB0?baudrate=9600. The page shows the columns, accents,
    styles, a QR code and the cut, and how this profile is driven.

    Example:

        ventanilla printer test tcp://192.168.1.50:9100 --profile TM-T20II --paper 80
    """
    try:
        send(uri, render_test_page(int(paper), profile), profile)
    except (ValueError, PrinterError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Test page sent to {uri} ({paper} mm, profile {profile}).")


@printer.command()
@click.argument("uri")
@profile_option
def status(uri: str, profile: str) -> None:
    """Show what the printer at URI says of itself: ok, offline, no_paper, unreachable, unknown.

    Exits with status 1 unless the printer is ok.

    Example:

        ventanilla printer status tcp://192.168.1.50:9100
    """
    try:
        state = printer_status(uri, profile)
    except (ValueError, PrinterError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(state)
    if state != "ok":
        raise click.exceptions.Exit(1)


@printer.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=9100, show_default=True, help="TCP port (0: any free).")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for job-NNNN.bin and job-NNNN.png.",
)
@paper_option
@profile_option
@logs.log_format_option
def emulate(host: str, port: int, out_dir: Path, paper: str, profile: str, log_format: str) -> None:
    """Run a virtual network printer until Ctrl-C.

    Each connection is one job: the bytes are saved as job-NNNN.bin and the
    paper they print as job-NNNN.png, reading ESC t slots as --profile does.
    It answers DLE EOT status queries like a real printer, so `printer test`
    and the kiosk can use it as one.

    Example:

        ventanilla printer emulate --port 9100 --out /tmp/receipts
    """

    def ready(emulator: Emulator) -> None:
        click.echo(f"Printer listening on tcp://{emulator.host}:{emulator.port}")
        click.echo(f"Jobs go to {emulator.out_dir} ({emulator.paper} mm). Ctrl-C stops.")

    logs.configure(log_format)
    try:
        serve(host, port, out_dir, int(paper), profile, ready=ready)
    except (OSError, ValueError) as e:
        raise click.ClickException(f"cannot run the printer emulator: {e}") from e
