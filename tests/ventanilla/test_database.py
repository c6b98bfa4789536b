"""The SQLite layer: durable settings on every connection, group commit, full disks."""

import threading

import pytest
from sqlite_utils.migrations import Migrations

from ventanilla.database import Database, StorageUnavailable

migrations = Migrations("test")


@migrations()
def m001(db):
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")


@pytest.fixture
def database(tmp_path):
    with Database(tmp_path / "test.db", migrations) as database:
        yield database


def insert(body):
    return lambda db: db.execute("INSERT INTO notes (body) VALUES (?)", [body]).lastrowid


def pragmas(db):
    return (
        db.execute("PRAGMA journal_mode").fetchone()[0],
        db.execute("PRAGMA synchronous").fetchone()[0],
    )


def test_every_connection_is_wal_with_full_sync(database):
    full = 2
    assert database.write(pragmas) == ("wal", full)
    assert database.read(pragmas) == ("wal", full)
    other_thread = []
    thread = threading.Thread(target=lambda: other_thread.append(database.read(pragmas)))
    thread.start()
    thread.join()
    assert other_thread == [("wal", full)]


def test_readers_cannot_write(database):
    with pytest.raises(Exception, match="readonly"):
        database.read(insert("x"))


def test_waiting_writes_share_one_commit(database):
    futures = [database.submit(insert(f"note {i}")) for i in range(200)]
    ids = [f.result(timeout=30) for f in futures]
    assert sorted(ids) == list(range(1, 201))
    assert database.tasks == 200
    assert database.commits < 200
    assert database.read(lambda db: db.execute("SELECT count(*) FROM notes").fetchone()[0]) == 200


def test_a_failing_task_is_rolled_back_alone(database):
    def half_then_fail(db):
        db.execute("INSERT INTO notes (body) VALUES ('half')")
        raise ValueError("boom")

    futures = [
        database.submit(insert("before")),
        database.submit(half_then_fail),
        database.submit(insert("after")),
    ]
    assert futures[0].result() == 1
    with pytest.raises(ValueError, match="boom"):
        futures[1].result()
    futures[2].result()
    bodies = database.read(
        lambda db: [r[0] for r in db.execute("SELECT body FROM notes ORDER BY id")]
    )
    assert bodies == ["before", "after"]


def test_a_full_disk_refuses_new_writes_and_keeps_old_ones(database):
    database.write(insert("kept"))
    pages = database.write(lambda db: db.execute("PRAGMA page_count").fetchone()[0])
    database.write(lambda db: db.execute(f"PRAGMA max_page_count = {pages + 2}"))
    with pytest.raises(StorageUnavailable, match="full"):
        for _ in range(100):
            database.write(insert("x" * 20_000))
    assert (
        database.read(lambda db: db.execute("SELECT body FROM notes WHERE id = 1").fetchone()[0])
        == "kept"
    )
    # Space comes back: writing works again without a restart.
    database.write(lambda db: db.execute("PRAGMA max_page_count = 1000000"))
    assert database.write(insert("after")) > 1
