"""The central database's schema, one migration per change, never edited once released."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("ventanilla.central")


@migrations()
def m001_sync(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE central_settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        -- Enrolled kiosks, known by the prefix of the tracking codes they issue.
        CREATE TABLE kiosks (
            prefix TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            public_key TEXT NOT NULL,
            enrolled_at TEXT NOT NULL,
            last_sync_at TEXT
        );
        -- One-time enrollment codes; only their hash is kept.
        CREATE TABLE enrollment_codes (
            code_hash TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            prefix TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        -- Every submission received. The channel that accepted it is the only
        -- writer of its content; central writes only its status (invariant 3).
        CREATE TABLE submissions (
            id TEXT PRIMARY KEY,
            kiosk TEXT NOT NULL,
            seq INTEGER NOT NULL,
            tracking_code TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            code TEXT NOT NULL,
            unit TEXT NOT NULL,
            lang TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            received_at TEXT NOT NULL,
            token TEXT NOT NULL,
            fields TEXT NOT NULL,
            personal_digest TEXT,
            sealed BLOB,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            chain_error TEXT,
            status TEXT NOT NULL DEFAULT 'recibido',
            status_changed_at TEXT,
            UNIQUE (kiosk, seq)
        );
        -- Status changes, numbered: the cursor kiosks pull from.
        CREATE TABLE status_changes (
            cursor INTEGER PRIMARY KEY AUTOINCREMENT,
            submission_id TEXT NOT NULL REFERENCES submissions (id),
            kiosk TEXT NOT NULL,
            tracking_code TEXT NOT NULL,
            status TEXT NOT NULL,
            public_note TEXT,
            internal_note TEXT,
            changed_at TEXT NOT NULL,
            changed_by TEXT NOT NULL
        );
        CREATE INDEX status_changes_kiosk ON status_changes (kiosk, cursor);
        -- Nonces of signed requests seen in the last minutes: a replay is refused.
        CREATE TABLE nonces (
            kiosk TEXT NOT NULL,
            nonce TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (kiosk, nonce)
        );
        -- Every refused sync request, for whoever looks after security.
        CREATE TABLE auth_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            kiosk TEXT,
            status INTEGER NOT NULL,
            reason TEXT NOT NULL,
            method TEXT NOT NULL,
            path TEXT NOT NULL,
            remote TEXT
        );
        -- Signed content bundles; the newest is the one kiosks pull.
        CREATE TABLE bundles (
            id INTEGER PRIMARY KEY,
            version TEXT NOT NULL,
            created_at TEXT NOT NULL,
            data BLOB NOT NULL
        );
        """
    )


@migrations()
def m002_audit(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- Every staff action and every view of personal data (invariant 8): appended,
        -- never changed. Each row carries the hash of the one before, so an edit or a
        -- deletion breaks the chain that `ventanilla central audit verify` walks.
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT,
            details TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        -- Refuse edits and deletions through SQL; the hash chain catches the rest
        -- (someone editing the file by other means, or dropping these triggers).
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        """
    )


@migrations()
def m003_api_keys(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- Keys of the systems allowed to POST Open311 requests; only hashes are kept.
        CREATE TABLE api_keys (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            key_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX submissions_kind_submitted ON submissions (kind, submitted_at);
        """
    )


@migrations()
def m004_webhooks(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- Other municipal systems following along: where to POST, and the HMAC secret.
        CREATE TABLE webhooks (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_at TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1
        );
        -- One row per event per webhook, written with the event itself (an outbox):
        -- a delivery is never lost, and is retried with backoff until it lands.
        CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY,
            webhook_id INTEGER NOT NULL REFERENCES webhooks (id),
            event TEXT NOT NULL,
            payload BLOB NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'delivered', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_status INTEGER,
            last_error TEXT,
            created_at TEXT NOT NULL,
            delivered_at TEXT
        );
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
        """
    )


@migrations()
def m005_supports(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- Citizens who backed an open complaint instead of filing it again, at any
        -- kiosk. The id is born at the kiosk, so a resent batch counts once.
        CREATE TABLE supports (
            id TEXT PRIMARY KEY,
            tracking_code TEXT NOT NULL,
            kiosk TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX supports_code ON supports (tracking_code);
        """
    )


@migrations()
def m006_staff(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- Central staff (argon2id hashes), made with `ventanilla central user add`.
        CREATE TABLE staff_users (
            username TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('reviewer', 'supervisor', 'admin')),
            created_at TEXT NOT NULL,
            disabled_at TEXT
        );
        -- The units whose submissions a reviewer works on.
        CREATE TABLE staff_units (
            username TEXT NOT NULL REFERENCES staff_users (username),
            unit TEXT NOT NULL,
            PRIMARY KEY (username, unit)
        );
        -- The unit working on a submission: the one its channel routed it to (from the
        -- catalogue) until a supervisor reassigns it. Kept apart from `unit`, which is
        -- the channel's content and covered by its hash chain.
        ALTER TABLE submissions ADD COLUMN assigned_unit TEXT;
        UPDATE submissions SET assigned_unit = unit;
        CREATE INDEX submissions_assigned ON submissions (assigned_unit, submitted_at);
        CREATE INDEX audit_log_subject ON audit_log (subject, action);
        -- Accent-insensitive full-text search over what staff may search: the code,
        -- the procedure or category, and the non-personal fields (descriptions).
        CREATE VIRTUAL TABLE submissions_search USING fts5 (
            tracking_code, code, fields,
            content = '', tokenize = 'unicode61 remove_diacritics 2'
        );
        INSERT INTO submissions_search (rowid, tracking_code, code, fields)
            SELECT rowid, tracking_code, code, fields FROM submissions;
        CREATE TRIGGER submissions_search_insert AFTER INSERT ON submissions
        BEGIN
            INSERT INTO submissions_search (rowid, tracking_code, code, fields)
            VALUES (new.rowid, new.tracking_code, new.code, new.fields);
        END;
        """
    )
