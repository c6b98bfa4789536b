"""Backups of a kiosk's or central's database, consistent while the server runs.

`backup` uses SQLite's ``VACUUM INTO``: it reads one snapshot of the database,
so writes may go on meanwhile, and the copy is compact and self-contained (no
WAL beside it). `restore` checks a backup and swaps it in, keeping the database
it replaces; the server must be stopped while it runs.
"""

from __future__ import annotations

import datetime
import os
import sqlite3
from pathlib import Path

# A data directory holds one of these; the table tells a backup of which it is.
DATABASES = {"kiosk.db": "kiosk_settings", "central.db": "central_settings"}


class BackupError(Exception):
    """Nothing to back up, a file in the way, or a backup that is not one."""


def database_in(data_dir: Path) -> Path:
    found = [data_dir / name for name in DATABASES if (data_dir / name).exists()]
    if len(found) != 1:
        raise BackupError(f"{data_dir} holds no kiosk.db or central.db (or both)")
    return found[0]


def backup(data_dir: Path, out: Path) -> int:
    """Write a consistent copy of the database in `data_dir` to `out`; its size in bytes."""
    source = database_in(data_dir)
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(source, timeout=30)
    try:
        conn.execute("VACUUM INTO ?", [str(out)])
    finally:
        conn.close()
    return out.stat().st_size


def check(path: Path, table: str) -> None:
    """Refuse anything but an intact SQLite database of the expected kind."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (result,) = conn.execute("PRAGMA integrity_check").fetchone()
            has_table = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database: {exc}") from exc
    if result != "ok":
        raise BackupError(f"{path} fails SQLite's integrity check: {result}")
    if not has_table:
        raise BackupError(f"{path} is not a backup of this kind of data directory")


def restore(data_dir: Path, backup_file: Path, name: str | None = None) -> Path | None:
    """Put `backup_file` in place as the database of `data_dir` (server stopped).

    The database it replaces is kept beside it, renamed with the time; its path
    is returned (None when there was none).
    """
    if name is None:
        name = database_in(data_dir).name
    if name not in DATABASES:
        raise BackupError(f"unknown database {name}")
    check(backup_file, DATABASES[name])
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / name
    staged = data_dir / f".{name}.restoring"
    staged.write_bytes(backup_file.read_bytes())
    with open(staged, "rb") as f:
        os.fsync(f.fileno())
    kept = None
    if target.exists():
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = data_dir / f"{name}.before-restore-{stamp}"
        os.replace(target, kept)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)
    return kept
