"""`ventanilla kiosk ...`: run and look after a sub-office's kiosk server."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from content.catalog import DEFAULT_CATALOG_DIR
from kiosk import content, enrollment, store
from kiosk.migrations import migrations
from kiosk.settings import Settings
from kiosk.submissions import ConfigurationError, load_identity
from printers.backends import PrinterError, open_printer
from ventanilla import accounts, logs
from ventanilla.database import Database

log = logging.getLogger(__name__)

data_option = click.option(
    "--data",
    "data_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The kiosk's data directory (created if missing).",
)


@click.group()
def kiosk() -> None:
    """The sub-office kiosk server."""


@kiosk.command()
@data_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--prefix", help="Tracking-code prefix of a new kiosk, e.g. TUN (set once).")
@click.option("--office", help='Name of the sub-office, e.g. "Sub Alcaldía Tunari".')
@click.option(
    "--central-url",
    default="http://127.0.0.1:8001",
    show_default=True,
    help="Central site address for receipts' QR codes, until enrollment pins it.",
)
@click.option(
    "--catalog",
    "catalog_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=DEFAULT_CATALOG_DIR,
    help="Catalogue directory served until central sends a signed bundle.",
)
@click.option(
    "--printer",
    "printer_uri",
    help="Receipt printer: dummy:, file:PATH, tcp://HOST:9100, usb:VID:PID, "
    "serial:/dev/ttyUSB0?baudrate=9600. No printer when not given.",
)
@click.option("--paper", type=click.Choice(["58", "80"]), default="58", show_default=True)
@click.option("--profile", default="default", show_default=True, help="Printer capability profile.")
@click.option(
    "--sync-interval",
    default=10.0,
    show_default=True,
    help="Seconds between syncs while the link is up.",
)
@click.option(
    "--sync-max-backoff",
    default=30.0,
    show_default=True,
    help="Longest wait, in seconds, between tries while central is unreachable.",
)
@click.option(
    "--idle-seconds",
    default=60.0,
    show_default=True,
    help="Seconds without a touch before the screen counts down to its welcome screen.",
)
@click.option(
    "--idle-countdown",
    default=20.0,
    show_default=True,
    help="Seconds of that countdown; then everything on the screen is cleared.",
)
@logs.log_format_option
def serve(
    data_dir: Path,
    host: str,
    port: int,
    prefix: str | None,
    office: str | None,
    central_url: str,
    catalog_dir: Path,
    printer_uri: str | None,
    paper: str,
    profile: str,
    sync_interval: float,
    sync_max_backoff: float,
    idle_seconds: float,
    idle_countdown: float,
    log_format: str,
) -> None:
    """Run the kiosk server on embedded SQLite.

    Example:

        ventanilla kiosk serve --data /var/lib/ventanilla/kiosk --prefix TUN \\
            --office "Sub Alcaldía Tunari" --printer tcp://192.168.1.50:9100 --paper 80
    """
    import uvicorn

    from kiosk.app import create_app

    settings = Settings(
        data_dir=data_dir,
        prefix=prefix.upper() if prefix else None,
        office=office,
        central_url=central_url,
        catalog_dir=catalog_dir,
        printer_uri=printer_uri,
        paper=int(paper),
        printer_profile=profile,
        sync_interval=sync_interval,
        sync_max_backoff=sync_max_backoff,
        ui_idle_seconds=idle_seconds,
        ui_countdown_seconds=idle_countdown,
    )
    if printer_uri:
        try:
            open_printer(printer_uri, profile)
        except (ValueError, PrinterError) as exc:
            raise click.ClickException(str(exc)) from exc
    with Database(settings.db_path, migrations) as database:
        try:
            identity = database.write(lambda db: load_identity(db, settings))
        except (ConfigurationError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
    app = create_app(settings)
    logs.configure(log_format)
    log.info(
        "kiosk %s (%s) on http://%s:%d/",
        identity.prefix,
        identity.office,
        host,
        port,
        extra={"prefix": identity.prefix, "port": port},
    )
    uvicorn.run(app, host=host, port=port, **logs.uvicorn_options())


@kiosk.command()
@data_option
@click.option("--central", "central_url", required=True, help="Central's address, e.g. https://...")
@click.option(
    "--code", required=True, help="The one-time code from `ventanilla central enroll-code`."
)
def enroll(data_dir: Path, central_url: str, code: str) -> None:
    """Enroll this kiosk with central: register its key and pin central's keys.

    Works with the kiosk server running or stopped; a running server starts
    syncing within seconds.

    Example:

        ventanilla kiosk enroll --data /var/lib/ventanilla/kiosk \\
            --central https://ventanilla.example.bo --code 7K3M-9QXP-4ABC-DEFG
    """
    settings = Settings(data_dir=data_dir)
    with Database(settings.db_path, migrations) as database:
        try:
            answer = enrollment.enroll(database, settings, central_url, code)
        except enrollment.EnrollmentFailed as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Enrolled as {answer.name} ({answer.prefix}); receipts point to {answer.central_url}"
    )


@kiosk.group("content")
def kiosk_content() -> None:
    """The catalogue this kiosk serves."""


@kiosk_content.command()
@data_option
def rollback(data_dir: Path) -> None:
    """Go back to the content bundle that was active before the current one.

    Example:

        ventanilla kiosk content rollback --data /var/lib/ventanilla/kiosk
    """
    settings = Settings(data_dir=data_dir)
    with Database(settings.db_path, migrations) as database:
        try:
            now_active = database.write(content.rollback)
        except content.RollbackImpossible as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Now serving {now_active}")


@kiosk.group()
def user() -> None:
    """Front-desk accounts (for /desk on the kiosk server)."""


@user.command("add")
@data_option
@click.argument("username")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of a prompt.",
)
def user_add(data_dir: Path, username: str, password_stdin: bool) -> None:
    """Create a desk account, or set a new password for an existing one.

    Example:

        ventanilla kiosk user add --data /var/lib/ventanilla/kiosk maria
    """
    if not username.strip() or len(username) > 60 or any(c.isspace() for c in username):
        raise click.ClickException("a username is 1 to 60 characters, without spaces")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < accounts.MIN_PASSWORD:
        raise click.ClickException(
            f"the password needs at least {accounts.MIN_PASSWORD} characters"
        )
    password_hash = accounts.hash_password(password)
    settings = Settings(data_dir=data_dir)
    with Database(settings.db_path, migrations) as database:
        created = database.write(lambda db: store.add_desk_user(db, username, password_hash))
    click.echo(f"{'Created' if created else 'New password for'} desk user {username}")
