"""The kiosk's settings: one frozen object, made by the CLI (or a test) and passed in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from content.catalog import DEFAULT_CATALOG_DIR

DEFAULT_PREFIX = "KIO"
DEFAULT_OFFICE = "Sub Alcaldía"


@dataclass(frozen=True, kw_only=True)
class Settings:
    data_dir: Path
    # Used once, when a new data directory is set up; stored in its database after.
    prefix: str | None = None
    office: str | None = None
    # Where the receipt's QR points until enrollment pins central's address.
    central_url: str = "http://127.0.0.1:8001"
    # The catalogue served until a signed bundle from central replaces it.
    catalog_dir: Path = DEFAULT_CATALOG_DIR
    max_body_bytes: int = 64 * 1024
    # Receipt printer: a URI (see printers/backends.py), or None for no printer.
    printer_uri: str | None = None
    paper: int = 58
    printer_profile: str = "default"
    # Sync: seconds between rounds while the link is up, and the backoff cap while it is down.
    sync_interval: float = 10.0
    sync_max_backoff: float = 30.0
    municipality: str = "Gobierno Autónomo Municipal de Cochabamba"
    # The touch screen goes back to its welcome screen, everything cleared, after
    # this long without a touch, then a countdown of the second (tests shorten both).
    ui_idle_seconds: float = 60.0
    ui_countdown_seconds: float = 20.0

    @property
    def db_path(self) -> Path:
        return self.data_dir / "kiosk.db"
