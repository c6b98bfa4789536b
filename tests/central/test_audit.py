"""The audit log: every action recorded, and any edit or deletion detected."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from content.catalog import DEFAULT_CATALOG_DIR
from ventanilla.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def central_dir(tmp_path):
    data = str(tmp_path / "central")
    assert run("central", "init", "--data", data).exit_code == 0
    for name, prefix in (("Sub Alcaldía Tunari", "TUN"), ("Sub Alcaldía Molle", "MOL")):
        assert (
            run(
                "central", "enroll-code", "--data", data, "--name", name, "--prefix", prefix
            ).exit_code
            == 0
        )
    assert run("content", "publish", str(DEFAULT_CATALOG_DIR), "--data", data).exit_code == 0
    return tmp_path / "central"


def verify(central_dir):
    return run("central", "audit", "verify", "--data", str(central_dir))


def tamper(central_dir, sql: str) -> None:
    """What someone with the file could do: drop the guards, then edit."""
    with sqlite3.connect(central_dir / "central.db") as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("DROP TRIGGER audit_log_no_delete")
        conn.execute(sql)


def test_actions_are_recorded_and_the_chain_verifies(central_dir):
    with sqlite3.connect(central_dir / "central.db") as conn:
        actions = [a for (a,) in conn.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["enrollment.code", "enrollment.code", "content.publish"]
    result = verify(central_dir)
    assert (result.exit_code, result.output) == (0, "OK 3 entries\n")


def test_sql_cannot_edit_or_delete_entries(central_dir):
    with sqlite3.connect(central_dir / "central.db") as conn:
        for sql in ("UPDATE audit_log SET actor = 'nadie'", "DELETE FROM audit_log"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "UPDATE audit_log SET subject = 'XXX' WHERE id = 2",
            "BROKEN at entry 2: its content was changed",
        ),
        ("DELETE FROM audit_log WHERE id = 2", "BROKEN at entry 2: entry 2 is missing"),
        (
            "DELETE FROM audit_log WHERE id = 3",
            "BROKEN at entry 3: the newest entries were removed",
        ),
    ],
    ids=["edited", "deleted", "truncated"],
)
def test_an_edited_or_deleted_entry_is_detected(central_dir, sql, expected):
    tamper(central_dir, sql)
    result = verify(central_dir)
    assert result.exit_code == 1
    assert result.output.strip() == expected
