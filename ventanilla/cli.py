"""The `ventanilla` command: wires each package's subcommands, holds no logic."""

from pathlib import Path

import click

from central.cli import central, publish
from content.cli import content
from kiosk.cli import kiosk
from printers.cli import printer
from ventanilla import __version__, backup


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


@cli.command("backup")
@click.option(
    "--data",
    "data_dir",
    required=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(data_dir: Path, out: Path) -> None:
    """Copy a kiosk's or central's database to OUT, consistently, while it serves.

    Example:

        ventanilla backup --data /var/lib/ventanilla/kiosk /var/backups/kiosk-2026-11-25.db
    """
    try:
        size = backup.backup(data_dir, out)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up {backup.database_in(data_dir)} to {out} ({size} bytes)")


@cli.command("restore")
@click.option("--data", "data_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--as", "name", type=click.Choice(sorted(backup.DATABASES)), help="For an empty data directory."
)
@click.argument("backup_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def restore_command(data_dir: Path, name: str | None, backup_file: Path) -> None:
    """Put a backup back in place (stop the server first); the old database is kept.

    Example:

        ventanilla restore --data /var/lib/ventanilla/kiosk /var/backups/kiosk-2026-11-25.db
    """
    try:
        kept = backup.restore(data_dir, backup_file, name)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {backup_file} into {data_dir}")
    if kept:
        click.echo(f"The database it replaced is kept as {kept}")
