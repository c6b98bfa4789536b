"""`ventanilla central ...` (and `ventanilla content publish`): run and look after central."""

from __future__ import annotations

import datetime
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import click
import sqlite_utils

from central import audit, open311, store, webhooks
from central.enrollment import new_enrollment_code
from central.errors import Conflict, EnrollmentRefused, NotFound
from central.ingest import kiosk_reports
from central.migrations import migrations
from central.settings import Settings
from central.setup import NotInitialised, init_keys, load_keys
from central.staff import store as staff_store
from central.staff.accounts import ROLES, AccountRefused, add_account, update_account
from central.status import change_status
from content.bundle import build_bundle
from content.catalog import CatalogError, catalog_version, load_catalog
from content.schema import UNIT_CODES
from sync.status import STATUS_LABELS
from ventanilla import logs
from ventanilla.database import Database
from ventanilla.i18n import gettext

log = logging.getLogger(__name__)
LA_PAZ = ZoneInfo("America/La_Paz")
T = TypeVar("T")

data_option = click.option(
    "--data",
    "data_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Central's data directory.",
)


def open_database(data_dir: Path) -> Database:
    """Central's database, which `central init` must have set up."""
    database = Database(Settings(data_dir=data_dir).db_path, migrations).open()
    try:
        database.read(load_keys)
    except NotInitialised as exc:
        database.close()
        raise click.ClickException(str(exc)) from exc
    return database


def read_central(data_dir: Path, fn: Callable[[sqlite_utils.Database], T]) -> T:
    """Run `fn(db)` on central's database for one command, then close it."""
    database = open_database(data_dir)
    try:
        return database.read(fn)
    finally:
        database.close()


def write_central(data_dir: Path, fn: Callable[[sqlite_utils.Database], T]) -> T:
    """Run the write task `fn(db)` on central's database for one command, then close it."""
    database = open_database(data_dir)
    try:
        return database.write(fn)
    finally:
        database.close()


@click.group()
def central() -> None:
    """The central site at city hall."""


@central.command()
@data_option
def init(data_dir: Path) -> None:
    """Create central's database and its signing and sealing keys (once).

    Example:

        ventanilla central init --data /var/lib/ventanilla/central
    """
    with Database(Settings(data_dir=data_dir).db_path, migrations) as database:
        _, made = database.write(init_keys)
    click.echo(f"{'Initialised' if made else 'Already initialised:'} {data_dir}")


@central.command()
@data_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option(
    "--public-url",
    help="Address citizens and kiosks use to reach central (default: http://HOST:PORT).",
)
@logs.log_format_option
def serve(data_dir: Path, host: str, port: int, public_url: str | None, log_format: str) -> None:
    """Run the central site.

    Example:

        ventanilla central serve --data /var/lib/ventanilla/central \\
            --public-url https://ventanilla.example.bo
    """
    import uvicorn

    from central.app import create_app

    open_database(data_dir).close()
    settings = Settings(
        data_dir=data_dir, public_url=(public_url or f"http://{host}:{port}").rstrip("/")
    )
    app = create_app(settings)
    logs.configure(log_format)
    log.info(
        "central on http://%s:%d/ (public address %s)",
        host,
        port,
        settings.public_url,
        extra={"port": port, "public_url": settings.public_url},
    )
    uvicorn.run(app, host=host, port=port, **logs.uvicorn_options())


@central.command("enroll-code")
@data_option
@click.option("--name", required=True, help='The sub-office, e.g. "Sub Alcaldía Tunari".')
@click.option("--prefix", required=True, help="Its tracking-code prefix, e.g. TUN.")
def enroll_code(data_dir: Path, name: str, prefix: str) -> None:
    """Make a one-time enrollment code for a kiosk, valid 24 hours.

    The code is printed alone on the last line.

    Example:

        ventanilla central enroll-code --data /var/lib/ventanilla/central \\
            --name "Sub Alcaldía Tunari" --prefix TUN
    """
    try:
        code, expires = write_central(
            data_dir, lambda db: new_enrollment_code(db, name, prefix.upper())
        )
    except EnrollmentRefused as exc:
        raise click.ClickException(str(exc)) from exc
    until = expires.astimezone(LA_PAZ).strftime("%d/%m/%Y %H:%M")
    click.echo(f"One-time enrollment code for {name} ({prefix.upper()}), valid until {until}:")
    click.echo(code)


@central.command()
@data_option
def kiosks(data_dir: Path) -> None:
    """List enrolled kiosks: last sequence received, last sync, and any gap or broken link.

    Exits with status 1 when any kiosk's chain has a problem.

    Example:

        ventanilla central kiosks --data /var/lib/ventanilla/central
    """
    reports = read_central(data_dir, kiosk_reports)
    if not reports:
        click.echo("No kiosk enrolled yet.")
        return
    click.echo(f"{'PREFIX':<7}{'NAME':<28}{'LAST SEQ':>9}{'RECEIVED':>10}  LAST SYNC")
    for report in reports:
        last = _local(report.last_sync_at) if report.last_sync_at else "never"
        click.echo(
            f"{report.prefix:<7}{report.name[:27]:<28}{report.last_seq:>9}{report.received:>10}  {last}"
        )
    problems = [p for report in reports for p in report.problems]
    for problem in problems:
        click.echo(problem)
    if problems:
        raise SystemExit(1)
    click.echo("No gaps or broken links.")


@central.command("set-status")
@data_option
@click.argument("tracking_code")
@click.argument("status", type=click.Choice(list(STATUS_LABELS)))
@click.option("--note", "public_note", help="Public note: the citizen sees it.")
@click.option("--internal-note", help="Seen by staff only.")
def set_status(
    data_dir: Path,
    tracking_code: str,
    status: str,
    public_note: str | None,
    internal_note: str | None,
) -> None:
    """Change a submission's status, following the workflow.

    Example:

        ventanilla central set-status --data DIR TUN-7K3M-9QXP-4 en_revision \\
            --note "Su trámite está en revisión."
    """
    try:
        write_central(
            data_dir,
            lambda db: change_status(
                db, tracking_code, status, public_note, internal_note, by="cli"
            ),
        )
    except (NotFound, Conflict) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{tracking_code}: {status}")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, exists=True, path_type=Path))
@data_option
def publish(directory: Path, data_dir: Path) -> None:
    """Check a catalogue, sign it as a bundle with central's key, and offer it to kiosks.

    Example:

        ventanilla content publish content/catalog/ --data /var/lib/ventanilla/central
    """
    try:
        catalog = load_catalog(directory)
    except CatalogError as exc:
        raise click.ClickException(f"not published, the catalogue has errors:\n{exc}") from exc
    version = catalog_version(catalog)

    def add(db: sqlite_utils.Database) -> bytes:
        data = build_bundle(catalog, load_keys(db).signing_key)
        store.add_bundle(db, version, data)
        audit.record(db, "cli", "content.publish", version, procedures=len(catalog.procedures))
        return data

    data = write_central(data_dir, add)
    click.echo(
        f"Published bundle {version} ({len(catalog.procedures)} procedures, {len(data)} bytes)"
    )


def _local(iso: str) -> str:
    moment = datetime.datetime.fromisoformat(iso)
    return moment.astimezone(LA_PAZ).strftime("%d/%m/%Y %H:%M:%S")


@central.group("audit")
def audit_log() -> None:
    """The audit log of staff actions and views of personal data."""


def _anchor(_: click.Context, __: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        number, _, digest = value.partition(":")
        if not number.isdigit() or len(digest) != 64:
            raise click.BadParameter(f"{value!r} is not <n>:<64 hex digits> (see `audit head`)")
    return values


@audit_log.command("verify")
@data_option
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    callback=_anchor,
    help="An `audit head` output kept outside this database (repeatable).",
)
def audit_verify(data_dir: Path, anchors: tuple[str, ...]) -> None:
    """Check the audit log's hash chain: `OK <n> entries`, or the first broken entry.

    Exits with status 1 when the chain is broken or does not hold an anchor.

    Example:

        ventanilla central audit verify --data /var/lib/ventanilla/central \
            --anchor 4711:9f2c...e01a
    """
    verdict = read_central(data_dir, lambda db: audit.verify(db, anchors))
    if verdict.broken_at is not None:
        click.echo(f"BROKEN at entry {verdict.broken_at}: {verdict.reason}")
        raise SystemExit(1)
    click.echo(f"OK {verdict.entries} entries")


@audit_log.command("head")
@data_option
def audit_head(data_dir: Path) -> None:
    """Print `<n>:<hash>` of the newest entry, to keep outside this database.

    The nightly timer logs it to the journal; `audit verify --anchor` checks the
    log still holds it, which catches even a rewrite of the whole log.

    Example:

        ventanilla central audit head --data /var/lib/ventanilla/central
    """
    click.echo(read_central(data_dir, audit.head))


@central.group("api-key")
def api_key() -> None:
    """Keys for other systems to post Open311 requests."""


@api_key.command("add")
@data_option
@click.option("--name", required=True, help="Who the key is for, e.g. a municipal system.")
def api_key_add(data_dir: Path, name: str) -> None:
    """Make a new Open311 API key; it is printed once, alone on the last line.

    Example:

        ventanilla central api-key add --data /var/lib/ventanilla/central --name "Sistema de Obras"
    """

    def add(db: sqlite_utils.Database) -> str:
        key = open311.new_api_key(db, name)
        audit.record(db, "cli", "api_key.add", name)
        return key

    key = write_central(data_dir, add)
    click.echo(f"API key for {name} (keep it secret; only its hash is stored):")
    click.echo(key)


@central.group()
def webhook() -> None:
    """Other municipal systems that get a signed POST on new submissions and status changes."""


@webhook.command("add")
@data_option
@click.option("--url", required=True, help="Where to POST events (http or https).")
def webhook_add(data_dir: Path, url: str) -> None:
    """Register a webhook; its HMAC-SHA256 secret is printed once, alone on the last line.

    Example:

        ventanilla central webhook add --data /var/lib/ventanilla/central \\
            --url https://obras.example.bo/ventanilla-events
    """

    def add(db: sqlite_utils.Database) -> str:
        secret = webhooks.new_webhook(db, url)
        audit.record(db, "cli", "webhook.add", url)
        return secret

    try:
        secret = write_central(data_dir, add)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Webhook {url} registered. Its secret (X-Ventanilla-Signature is sha256=HMAC):")
    click.echo(secret)


@webhook.command("log")
@data_option
def webhook_log(data_dir: Path) -> None:
    """The latest deliveries: event, state, attempts, last answer.

    Example:

        ventanilla central webhook log --data /var/lib/ventanilla/central
    """
    rows = read_central(data_dir, store.deliveries)
    for row in rows:
        click.echo(
            f"#{row['id']} {row['event']} -> {row['url']}: {row['state']} after "
            f"{row['attempts']} attempt(s)"
            + (f" ({row['last_error']})" if row["last_error"] else "")
        )


@central.group()
def user() -> None:
    """Staff accounts for the staff site (/staff/)."""


@user.command("add")
@data_option
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the account may do.")
@click.option(
    "--unit",
    "units",
    multiple=True,
    type=click.Choice(UNIT_CODES),
    help="A unit whose submissions a reviewer works on (repeat for several).",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of a prompt.",
)
def user_add(
    data_dir: Path, username: str, role: str, units: tuple[str, ...], password_stdin: bool
) -> None:
    """Create a staff account (argon2id), or give an existing one this role, these
    units and a new password.

    Example:

        ventanilla central user add --data /var/lib/ventanilla/central ana \\
            --role reviewer --unit EMSA --unit OBRAS
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)

    def add(db: sqlite_utils.Database) -> bool:
        if staff_store.user(db, username) is None:
            add_account(db, "cli", username, password, role, list(units))
            return True
        update_account(db, "cli", username, role, list(units), True, password)
        return False

    try:
        created = write_central(data_dir, add)
    except AccountRefused as exc:
        raise click.ClickException(gettext("en", exc.message, **exc.values)) from exc
    scope = f" for {', '.join(units)}" if units else ""
    click.echo(f"{'Created' if created else 'Updated'} {role} {username}{scope}")
