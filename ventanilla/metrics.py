"""Prometheus text exposition, small enough to need no client library.

`Metrics` renders gauges and counters the app computes when scraped, and
counts answers by status class in an ASGI middleware, so a scrape
shows errors (5xx) without any log parsing.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable

from litestar.types import ASGIApp, Message, Receive, Scope, Send

Sample = tuple[str, dict[str, str], float]  # name, labels, value


class Metrics:
    def __init__(self) -> None:
        self._responses: Counter[str] = Counter()
        self._lock = threading.Lock()

    def middleware(self, app: ASGIApp) -> ASGIApp:
        """ASGI middleware counting every answer by status class, error answers included."""

        async def count(scope: Scope, receive: Receive, send: Send) -> None:
            async def counting_send(message: Message) -> None:
                if message["type"] == "http.response.start":
                    with self._lock:
                        self._responses[f"{message['status'] // 100}xx"] += 1
                await send(message)

            await app(scope, receive, counting_send if scope["type"] == "http" else send)

        return count

    def responses(self) -> list[Sample]:
        with self._lock:
            return [
                ("ventanilla_http_responses_total", {"class": c}, n)
                for c, n in sorted(self._responses.items())
            ]


HELP = {
    "ventanilla_http_responses_total": ("counter", "HTTP answers given, by status class."),
    "ventanilla_submissions_total": ("counter", "Submissions stored."),
    "ventanilla_outbox_depth": ("gauge", "Submissions waiting to be sent to central."),
    "ventanilla_last_sync_age_seconds": (
        "gauge",
        "Seconds since the last complete sync (-1: never).",
    ),
    "ventanilla_sync_failures": ("gauge", "Sync rounds failed in a row (0 while the link is up)."),
    "ventanilla_print_jobs": ("gauge", "Receipt print jobs, by state."),
    "ventanilla_db_commits_total": ("counter", "Transactions committed by the writer thread."),
    "ventanilla_db_writes_total": ("counter", "Write tasks committed (several share a commit)."),
    "ventanilla_kiosks": ("gauge", "Enrolled kiosks."),
    "ventanilla_kiosk_submissions_total": ("counter", "Submissions received, by kiosk."),
    "ventanilla_kiosk_last_sync_age_seconds": (
        "gauge",
        "Seconds since a kiosk last synced (-1: never).",
    ),
    "ventanilla_kiosk_chain_problems": ("gauge", "Gaps and broken links in a kiosk's chain."),
    "ventanilla_refused_requests_total": ("counter", "Sync requests refused (401/403)."),
}


def render(samples: Iterable[Sample]) -> str:
    """The Prometheus text format (0.0.4) of `samples`, grouped by metric."""
    lines: list[str] = []
    seen: set[str] = set()
    for name, labels, value in sorted(samples, key=lambda s: s[0]):
        if name not in seen:
            kind, text = HELP.get(name, ("gauge", name))
            lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
            seen.add(name)
        label_text = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items()))
        lines.append(f"{name}{{{label_text}}} {value:g}" if labels else f"{name} {value:g}")
    return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
