"""The kiosk database's schema, one migration per change, never edited once released."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("ventanilla.kiosk")


@migrations()
def m001_submissions(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE kiosk_settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        -- One row per accepted submission: what the kiosk may keep and show (no
        -- personal data). seq is gap-free (assigned by the single writer) and hash
        -- chains each row to the one before, so central can prove nothing was lost.
        CREATE TABLE submissions (
            id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL UNIQUE,
            tracking_code TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('application', 'complaint')),
            code TEXT NOT NULL,
            unit TEXT NOT NULL,
            lang TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'recibido',
            status_changed_at TEXT,
            status_note TEXT,
            fields TEXT NOT NULL,
            token TEXT NOT NULL,
            hash TEXT NOT NULL,
            idempotency_key TEXT UNIQUE,
            request_hash TEXT
        );
        -- What is still to be sent to central. Personal data is kept here only:
        -- sealed to central's key (or, before enrollment, plain until it can be),
        -- and deleted with the row once central acknowledges it.
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY,
            submission_id TEXT NOT NULL UNIQUE REFERENCES submissions (id),
            record BLOB NOT NULL,
            personal BLOB,
            sealed BLOB,
            created_at TEXT NOT NULL
        );
        CREATE INDEX submissions_submitted_at ON submissions (submitted_at);
        -- The active catalogue's text, for accent- and case-insensitive search in
        -- every language at once. Derived data: rebuilt whenever content changes.
        CREATE VIRTUAL TABLE procedure_search USING fts5 (
            code UNINDEXED,
            category UNINDEXED,
            title,
            body,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        """
    )


@migrations()
def m002_print_jobs(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- One row per receipt to print (see printers/queue.py for the states).
        CREATE TABLE print_jobs (
            id INTEGER PRIMARY KEY,
            submission_id TEXT NOT NULL REFERENCES submissions (id),
            reason TEXT NOT NULL CHECK (reason IN ('receipt', 'reprint')),
            requested_by TEXT,
            created_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'printing', 'printed', 'uncertain', 'expired')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            last_error TEXT,
            printed_at TEXT
        );
        CREATE INDEX print_jobs_due ON print_jobs (state, next_attempt_at);
        CREATE INDEX print_jobs_submission ON print_jobs (submission_id);
        """
    )


@migrations()
def m003_screens(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- Front-desk accounts (argon2id hashes), made with `ventanilla kiosk user add`.
        CREATE TABLE desk_users (
            username TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        -- "Same problem": one row per citizen who backed an open complaint at this
        -- kiosk instead of filing it again (sent to central through support_outbox).
        CREATE TABLE supports (
            id INTEGER PRIMARY KEY,
            submission_id TEXT NOT NULL REFERENCES submissions (id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX supports_submission ON supports (submission_id);
        """
    )


@migrations()
def m004_shared_complaints(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- Supports still to be sent to central (deleted once acknowledged); the id
        -- is born here so a resent batch counts once.
        CREATE TABLE support_outbox (
            id TEXT PRIMARY KEY,
            tracking_code TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        -- Open complaints filed through the other kiosks of this sub-office, as central
        -- shares them (public fields only), replaced at every sync.
        CREATE TABLE shared_complaints (
            tracking_code TEXT PRIMARY KEY,
            code TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            status TEXT NOT NULL,
            fields TEXT NOT NULL,
            supports INTEGER NOT NULL DEFAULT 0
        );
        """
    )
