"""SQLite for a single-process server: one writer thread with group commit, many readers.

Every connection runs in WAL mode with ``synchronous=FULL`` (a per-connection
setting, so it is set on each one): a commit has reached the disk when COMMIT
returns, and a power cut after that loses nothing.

Writes are plain functions ``fn(db)`` handed to the single writer thread. It
takes every task waiting in its queue, runs each inside a savepoint of one
``BEGIN IMMEDIATE`` transaction and commits once (group commit): under load,
one fsync serves many submissions, and no caller hears back before the COMMIT
that holds its own write has returned. A task that raises is rolled back to its
savepoint alone; the others in the batch still commit.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import anyio.to_thread
import sqlite_utils
from sqlite_utils.migrations import Migrations

T = TypeVar("T")
log = logging.getLogger(__name__)


class StorageUnavailable(Exception):
    """The database could not commit (disk full, I/O error): nothing was written."""


def connect(path: Path | str, *, readonly: bool = False) -> sqlite_utils.Database:
    """A connection with the durability settings every connection must have."""
    # isolation_level=None: transactions are begun explicitly, never implicitly.
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    # Deleted personal data is overwritten, not left in free pages of the file.
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    if readonly:
        conn.execute("PRAGMA query_only=ON")
    return sqlite_utils.Database(conn, execute_plugins=False)


# SQLite's primary result codes for a full disk and an I/O error.
_SQLITE_FULL, _SQLITE_IOERR = 13, 10


def _storage_error(exc: Exception) -> Exception:
    """`exc`, or StorageUnavailable when the disk rather than the code is at fault."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (_SQLITE_FULL, _SQLITE_IOERR):
        return StorageUnavailable(str(exc))
    return exc


def _truncate_wal(db: sqlite_utils.Database) -> None:
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class _TransactionLost(Exception):
    """A task's error made SQLite roll back the whole batch."""


_Task = tuple[Callable[[sqlite_utils.Database], object], concurrent.futures.Future, bool]
_NOTHING = object()


class Database:
    """One SQLite file: a writer thread that group-commits, and a reader per thread."""

    def __init__(self, path: Path | str, migrations: Migrations, *, max_batch: int = 256):
        self.path = Path(path)
        self.migrations = migrations
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._local = threading.local()
        self._readers: list[sqlite_utils.Database] = []
        self._readers_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        # Counters for /metrics and for tests that check commits are grouped.
        self.commits = 0
        self.tasks = 0

    def open(self) -> Database:
        """Migrate the file and start the writer thread."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        writer = connect(self.path)
        self.migrations.apply(writer)
        self._thread = threading.Thread(
            target=self._run, args=(writer,), name=f"writer:{self.path.name}", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        with self._readers_lock:
            for reader in self._readers:
                reader.close()
            self._readers.clear()

    def __enter__(self) -> Database:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Reading --------------------------------------------------------------

    def reader(self) -> sqlite_utils.Database:
        """This thread's read-only connection (opened on first use)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = connect(self.path, readonly=True)
            self._local.db = db
            with self._readers_lock:
                self._readers.append(db)
        return db

    def read(self, fn: Callable[[sqlite_utils.Database], T]) -> T:
        return fn(self.reader())

    async def read_async(self, fn: Callable[[sqlite_utils.Database], T]) -> T:
        return await anyio.to_thread.run_sync(self.read, fn)

    # Writing --------------------------------------------------------------

    def submit(
        self, fn: Callable[[sqlite_utils.Database], T], *, transactional: bool = True
    ) -> concurrent.futures.Future[T]:
        if self._thread is None:
            raise RuntimeError("database is not open")
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._queue.put((fn, future, transactional))
        return future

    def checkpoint(self) -> None:
        """Fold the WAL into the file and empty it, so deleted data leaves the disk.

        Runs in the writer thread but outside any transaction (SQLite requires it).
        """
        self.submit(_truncate_wal, transactional=False).result()

    def write(self, fn: Callable[[sqlite_utils.Database], T]) -> T:
        """Run `fn(db)` in the writer thread; return once its commit is durable."""
        return self.submit(fn).result()

    async def write_async(self, fn: Callable[[sqlite_utils.Database], T]) -> T:
        # shield: once queued, the write completes even if the client goes away.
        return await asyncio.shield(asyncio.wrap_future(self.submit(fn)))

    def _run(self, db: sqlite_utils.Database) -> None:
        carried: _Task | object | None = _NOTHING
        try:
            while True:
                task = self._queue.get() if carried is _NOTHING else carried
                carried = _NOTHING
                if task is None:
                    return
                fn, future, transactional = task  # type: ignore[misc]
                if not transactional:
                    self._run_alone(db, fn, future)
                    continue
                batch = [(fn, future)]
                while len(batch) < self.max_batch:
                    try:
                        task = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if task is None or not task[2]:
                        carried = task  # runs after this batch commits
                        break
                    batch.append((task[0], task[1]))
                self._commit(db, batch)
        finally:
            db.close()

    def _run_alone(
        self, db: sqlite_utils.Database, fn: Callable, future: concurrent.futures.Future
    ) -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(fn(db))
        except Exception as exc:
            future.set_exception(exc)

    def _commit(
        self,
        db: sqlite_utils.Database,
        batch: list[tuple[Callable[[sqlite_utils.Database], object], concurrent.futures.Future]],
    ) -> None:
        # The sqlite3 connection itself: these statements run for every task, and
        # sqlite-utils' execute() adds nothing to them but time.
        conn = db.conn
        outcomes: list[tuple[concurrent.futures.Future, object, BaseException | None]] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for fn, future in batch:
                if not future.set_running_or_notify_cancel():
                    continue
                conn.execute("SAVEPOINT task")
                try:
                    result = fn(db)
                except Exception as exc:
                    if not conn.in_transaction:
                        # SQLite rolled the whole transaction back (a full disk, an
                        # I/O error): the tasks before this one are lost as well.
                        raise _TransactionLost from exc
                    conn.execute("ROLLBACK TO task")
                    conn.execute("RELEASE task")
                    outcomes.append((future, None, _storage_error(exc)))
                else:
                    conn.execute("RELEASE task")
                    outcomes.append((future, result, None))
            conn.execute("COMMIT")
            self.commits += 1
            self.tasks += len(outcomes)
        except (sqlite3.Error, _TransactionLost) as exc:
            cause = exc.__cause__ if isinstance(exc, _TransactionLost) else exc
            log.error("commit failed, %d task(s) not written: %s", len(batch), cause)
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            failure = StorageUnavailable(str(cause))
            for _, future in batch:
                if future.running():
                    future.set_exception(failure)
            return
        for future, result, error in outcomes:
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)


# Small SQL helpers both stores use ---------------------------------------------


def insert_row(db: sqlite_utils.Database, table: str, row: dict[str, object]) -> int:
    """INSERT one row (column names come from code, never from input); its rowid."""
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    return db.conn.execute(sql, list(row.values())).lastrowid or 0


def read_settings(db: sqlite_utils.Database, table: str) -> dict[str, str]:
    """A key/value settings table as a dict."""
    return {key: value for key, value in db.execute(f"SELECT key, value FROM {table}")}


def write_settings(db: sqlite_utils.Database, table: str, values: dict[str, str]) -> None:
    db.conn.executemany(
        f"INSERT INTO {table} (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        list(values.items()),
    )
