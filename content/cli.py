"""`ventanilla content ...`: check the procedure catalogue."""

from __future__ import annotations

from pathlib import Path

import click

from content.catalog import DEFAULT_CATALOG_DIR, check_catalog


@click.group()
def content() -> None:
    """The procedure catalogue."""


@content.command()
@click.argument(
    "directory",
    required=False,
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_CATALOG_DIR,
)
@click.option("--quiet", "-q", is_flag=True, help="Do not list missing translations.")
def check(directory: Path, quiet: bool) -> None:
    """Check a catalogue directory; list every error with its file and field.

    Missing translations are warnings (Spanish is shown instead); any error
    makes the command exit with status 1.

    Example:

        ventanilla content check content/catalog/
    """
    catalog, problems = check_catalog(directory)
    for problem in problems:
        if not (quiet and problem.warning):
            click.echo(str(problem), err=not problem.warning)
    if catalog is None:
        errors = sum(not p.warning for p in problems)
        raise click.ClickException(f"{errors} error(s) in {directory}")
    click.echo(
        f"OK {len(catalog.procedures)} procedures, {len(catalog.categories)} categories, "
        f"{len(catalog.complaints)} complaint categories, {len(catalog.units)} units"
    )
