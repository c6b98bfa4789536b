"""The audit log: every action recorded, and any edit or deletion detected."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from central.audit import _hash
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
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
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


def rewrite_from(central_dir, first_id: int, subject: str | None = None) -> None:
    """What someone with the file and this code could do: change an entry, then
    recompute every hash after it and the head, so the chain holds again."""
    tamper(central_dir, "SELECT 1")
    with sqlite3.connect(central_dir / "central.db") as conn:
        conn.row_factory = sqlite3.Row
        if subject is not None:
            conn.execute("UPDATE audit_log SET subject = ? WHERE id = ?", [subject, first_id])
        previous = conn.execute(
            "SELECT hash FROM audit_log WHERE id = ?", [first_id - 1]
        ).fetchone()[0]
        for row in conn.execute("SELECT * FROM audit_log WHERE id >= ? ORDER BY id", [first_id]):
            entry = {**dict(row), "prev_hash": previous}
            previous = _hash(entry)
            conn.execute(
                "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
                [entry["prev_hash"], previous, row["id"]],
            )
        last = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
        conn.execute(
            "UPDATE central_settings SET value = ? WHERE key = 'audit_head'",
            [f"{last}:{previous}"],
        )


def test_an_anchor_kept_outside_catches_a_rewritten_log(central_dir):
    anchor = run("central", "audit", "head", "--data", str(central_dir)).output.strip()
    assert anchor.startswith("3:") and len(anchor) == 2 + 64
    rewrite_from(central_dir, 2, subject="otra cosa")
    assert verify(central_dir).output == "OK 3 entries\n"  # the chain alone cannot tell
    result = run("central", "audit", "verify", "--data", str(central_dir), "--anchor", anchor)
    assert result.exit_code == 1
    assert result.output.strip() == "BROKEN at entry 3: it differs from the anchor kept outside"


def test_an_anchor_catches_newest_entries_removed_with_the_head(central_dir):
    anchor = run("central", "audit", "head", "--data", str(central_dir)).output.strip()
    tamper(central_dir, "DELETE FROM audit_log WHERE id = 3")
    rewrite_from(central_dir, 3)
    assert verify(central_dir).output == "OK 2 entries\n"
    result = run("central", "audit", "verify", "--data", str(central_dir), "--anchor", anchor)
    assert result.output.strip() == "BROKEN at entry 3: entry 3 of an anchor kept outside is gone"
    bad = run("central", "audit", "verify", "--data", str(central_dir), "--anchor", "3:abc")
    assert bad.exit_code == 2 and "see `audit head`" in bad.output
