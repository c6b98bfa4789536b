"""The durable print queue: one job per receipt, printed at most once.

Jobs live in the kiosk database (table ``print_jobs``), written in the same
transaction as the submission they print, so a receipt job exists exactly when
its submission does. A worker thread prints due jobs and, while the printer is
off, out of paper or unreachable, retries with exponential backoff and jitter
(capped, so a printer switched back on is used within seconds).

At most once: once the printer has answered that it is ready, the job is
marked ``printing`` (committed) and only then are its bytes sent. Errors before
that point (unreachable, offline, no paper) leave it ``pending`` for a retry; an
error while sending, or a crash with the job in flight, leaves it ``uncertain``:
part of it may be on paper, so only staff decide on a reprint, which is a new job. A receipt nobody printed within `EXPIRE_AFTER` is
``expired``: the citizen has gone, and a late receipt in an empty tray would
only be read by the next person.
"""

from __future__ import annotations

import datetime
import logging
import random
from collections.abc import Callable
from typing import Any

import sqlite_utils

from printers.backends import PrinterError, PrinterWriteFailed, send
from ventanilla.clock import iso, utc_now
from ventanilla.database import Database
from ventanilla.worker import Worker

log = logging.getLogger(__name__)

EXPIRE_AFTER = datetime.timedelta(minutes=15)
BACKOFF_FIRST = 1.0  # seconds
BACKOFF_CAP = 15.0
STATES = ("pending", "printing", "printed", "uncertain", "expired")


def backoff(attempts: int) -> float:
    """Seconds to wait after `attempts` failures: doubling, capped, with jitter."""
    return min(BACKOFF_CAP, BACKOFF_FIRST * 2 ** max(attempts - 1, 0)) * random.uniform(0.5, 1.0)


# SQL (run in the kiosk's writer thread or on a reader) ----------------------


def enqueue(
    db: sqlite_utils.Database,
    submission_id: str,
    reason: str = "receipt",
    requested_by: str | None = None,
) -> int:
    """Queue a print of submission `submission_id`; return the job id."""
    created = utc_now()
    cursor = db.execute(
        "INSERT INTO print_jobs (submission_id, reason, requested_by, created_at, "
        "next_attempt_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        [
            submission_id,
            reason,
            requested_by,
            iso(created),
            iso(created),
            iso(created + EXPIRE_AFTER),
        ],
    )
    return cursor.lastrowid


def due_jobs(db: sqlite_utils.Database, limit: int = 10) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT * FROM print_jobs WHERE state = 'pending' AND next_attempt_at <= ? "
            "ORDER BY id LIMIT ?",
            [iso(utc_now()), limit],
        )
    )


def next_attempt(db: sqlite_utils.Database) -> datetime.datetime | None:
    (when,) = db.execute(
        "SELECT min(next_attempt_at) FROM print_jobs WHERE state = 'pending'"
    ).fetchone()
    return datetime.datetime.fromisoformat(when) if when else None


def expire_overdue(db: sqlite_utils.Database) -> int:
    """Pending receipts nobody printed in time: the citizen has gone."""
    cursor = db.execute(
        "UPDATE print_jobs SET state = 'expired' WHERE state = 'pending' AND expires_at <= ?",
        [iso(utc_now())],
    )
    return cursor.rowcount


def claim(db: sqlite_utils.Database, job_id: int) -> bool:
    """Mark a job `printing` just before its bytes go out; False if it is no longer pending."""
    cursor = db.execute(
        "UPDATE print_jobs SET state = 'printing', attempts = attempts + 1 "
        "WHERE id = ? AND state = 'pending' AND expires_at > ?",
        [job_id, iso(utc_now())],
    )
    return cursor.rowcount == 1


def mark_printed(db: sqlite_utils.Database, job_id: int) -> None:
    db.execute(
        "UPDATE print_jobs SET state = 'printed', printed_at = ?, last_error = NULL "
        "WHERE id = ? AND state = 'printing'",
        [iso(utc_now()), job_id],
    )


def mark_retry(db: sqlite_utils.Database, job_id: int, error: str) -> None:
    """The printer could not take a pending job (nothing was sent): try again later."""
    (attempts,) = db.execute("SELECT attempts FROM print_jobs WHERE id = ?", [job_id]).fetchone()
    later = utc_now() + datetime.timedelta(seconds=backoff(attempts + 1))
    db.execute(
        "UPDATE print_jobs SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? "
        "WHERE id = ? AND state = 'pending'",
        [iso(later), error, job_id],
    )


def mark_uncertain(db: sqlite_utils.Database, job_id: int, error: str) -> None:
    db.execute(
        "UPDATE print_jobs SET state = 'uncertain', last_error = ? "
        "WHERE id = ? AND state IN ('pending', 'printing')",
        [error, job_id],
    )


def recover(db: sqlite_utils.Database) -> int:
    """After a crash: jobs caught in flight may have printed, so they are not resent."""
    cursor = db.execute(
        "UPDATE print_jobs SET state = 'uncertain', "
        "last_error = 'the kiosk stopped while this job was being sent' "
        "WHERE state = 'printing'"
    )
    return cursor.rowcount


def jobs_for(db: sqlite_utils.Database, submission_id: str) -> list[dict[str, Any]]:
    return list(
        db.query("SELECT * FROM print_jobs WHERE submission_id = ? ORDER BY id", [submission_id])
    )


def queue_summary(db: sqlite_utils.Database) -> dict[str, Any]:
    counts = dict.fromkeys(STATES, 0)
    for state, n in db.execute("SELECT state, count(*) FROM print_jobs GROUP BY state"):
        counts[state] = n
    row = db.execute(
        "SELECT last_error FROM print_jobs WHERE last_error IS NOT NULL "
        "AND state IN ('pending', 'uncertain') ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return {"jobs": counts, "last_error": row[0] if row else None}


# The worker -----------------------------------------------------------------


class PrintWorker(Worker):
    """A thread that prints due jobs from `database` on the printer at `uri`.

    `render(job)` returns the ESC/POS bytes of a job (the kiosk builds them from
    the submission, so this module needs to know nothing about submissions).
    """

    name = "print-worker"
    error_delay = BACKOFF_CAP

    def __init__(
        self,
        database: Database,
        uri: str,
        render: Callable[[dict[str, Any]], bytes],
        profile: str = "default",
    ):
        super().__init__()
        self.database = database
        self.uri = uri
        self.render = render
        self.profile = profile

    def start(self) -> PrintWorker:
        recovered = self.database.write(recover)
        if recovered:
            log.warning(
                "%d print job(s) were in flight at the last stop: left for staff", recovered
            )
        super().start()
        return self

    def run_once(self) -> float:
        self.print_due_jobs()
        when = self.database.read(next_attempt)
        if when is None:
            return 60.0
        return max(0.0, min(60.0, (when - utc_now()).total_seconds()))

    def print_due_jobs(self) -> None:
        self.database.write(expire_overdue)
        for job in self.database.read(due_jobs):
            if self.stopping:
                return
            self.print_job(job)

    def print_job(self, job: dict[str, Any]) -> None:
        job_id = job["id"]

        def claim_job() -> None:
            if not self.database.write(lambda db: claim(db, job_id)):
                raise _Withdrawn

        try:
            send(self.uri, self.render(job), self.profile, before_write=claim_job)
        except _Withdrawn:
            return
        except PrinterWriteFailed as exc:
            log.error(
                "print job %s may be half printed: %s",
                job_id,
                exc,
                extra=_outcome(job, "uncertain"),
            )
            self._finish(job_id, mark_uncertain, str(exc))
        except PrinterError as exc:
            log.warning("print job %s waits: %s", job_id, exc, extra=_outcome(job, "retry"))
            self._finish(job_id, mark_retry, str(exc))
        except Exception as exc:
            # A bug in rendering must not loop forever on the same job.
            log.exception("print job %s failed", job_id, extra=_outcome(job, "uncertain"))
            self._finish(job_id, mark_uncertain, f"render error: {exc}")
        else:
            self.database.write(lambda db: mark_printed(db, job_id))
            log.info("print job %s printed", job_id, extra=_outcome(job, "printed"))

    def _finish(self, job_id: int, mark: Callable[..., None], error: str) -> None:
        self.database.write(lambda db: mark(db, job_id, error))


def _outcome(job: dict[str, Any], outcome: str) -> dict[str, Any]:
    """The structured fields of a print job's log line (see ventanilla/logs.py)."""
    return {
        "event": "print_job",
        "job": job["id"],
        "reason": job["reason"],
        "attempt": job["attempts"] + 1,
        "outcome": outcome,
    }


class _Withdrawn(Exception):
    """The job expired or was taken between reading and printing it."""
