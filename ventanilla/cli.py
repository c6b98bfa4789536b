"""The `ventanilla` command: wires each package's subcommands, holds no logic."""

import click

from central.cli import central, publish
from content.cli import content
from kiosk.cli import kiosk
from printers.cli import printer
from ventanilla import __version__


@click.group()
@click.version_option(__version__, prog_name="ventanilla")
def cli() -> None:
    """Ventanilla: offline-first kiosks for the Sub Alcaldías of Cochabamba."""


cli.add_command(content)
cli.add_command(kiosk)
cli.add_command(printer)
cli.add_command(central)
# Publishing signs with central's key, so it lives with central; it reads as content.
content.add_command(publish)
