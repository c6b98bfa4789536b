"""Logging for a server process: JSON lines on stderr for journald, plain text for a person.

A service's stderr goes to the journal, so each record is one JSON object on one
line (`journalctl -u ventanilla-kiosk -o cat | jq`): `time` (ISO 8601, UTC),
`level`, `logger`, `message`, every field the call passed with `extra=`, and
`exception` (the traceback as text) when there is one. On a terminal, or with
`--log-format text` / `VENTANILLA_LOG_FORMAT=text`, the same records read as
plain lines. Uvicorn's and Litestar's loggers go through the same handler.

Records carry no personal data: callers log codes, counts and sizes, never
what a citizen typed.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import sys
from collections.abc import Callable
from typing import IO, Any

import click

from ventanilla.clock import iso

ENV = "VENTANILLA_LOG_FORMAT"
FORMATS = ("auto", "json", "text")
# Loggers that other libraries give handlers of their own: theirs are removed so
# that every record leaves through the one configured here.
LIBRARY_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi", "litestar")

# What every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
    # uvicorn repeats each message with terminal colours for its own formatter.
    "color_message",
}


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The fields a logging call added with `extra=`."""
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD and k[0] != "_"}


class JSONFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": iso(_utc(record.created)),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in extra_fields(record).items():
            entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: an odd value in `extra=` must not lose the record.
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`2026-11-25T17:17:05.722Z INFO kiosk.submissions: accepted seq=5`, for a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        line = (
            f"{iso(_utc(record.created))} {record.levelname} {record.name}: {record.getMessage()}"
        )
        fields = extra_fields(record)
        if fields:
            line += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _utc(created: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(created, datetime.UTC)


def choose_format(requested: str | None = None, stream: IO[str] | None = None) -> str:
    """ "json" or "text": what was asked (option, then environment), else JSON unless
    `stream` is a terminal."""
    fmt = (requested or os.environ.get(ENV) or "auto").lower()
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "auto":
        stream = stream or sys.stderr
        fmt = "text" if stream.isatty() else "json"
    return fmt


def configure(
    fmt: str | None = None, *, level: int = logging.INFO, stream: IO[str] | None = None
) -> str:
    """Send every record of this process to `stream` (stderr) in `fmt`; the format chosen.

    Call it after the app is built (Litestar configures logging when an app is
    made) and run uvicorn with `log_config=None`, so nothing replaces it.
    """
    stream = stream or sys.stderr
    chosen = choose_format(fmt, stream)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter() if chosen == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        for old in list(logger.handlers):
            logger.removeHandler(old)
        logger.propagate = True
    return chosen


def uvicorn_options() -> dict[str, Any]:
    """What `uvicorn.run` needs so that it keeps the logging configured here."""
    return {"log_config": None, "log_level": "info", "access_log": False}


def log_format_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--log-format auto|json|text` (or VENTANILLA_LOG_FORMAT) for a `serve` command."""
    return click.option(
        "--log-format",
        type=click.Choice(FORMATS),
        envvar=ENV,
        default="auto",
        show_default=True,
        help="Logs on stderr: JSON lines (for journald), text, or auto (text on a terminal).",
    )(command)
