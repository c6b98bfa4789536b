"""What every public page of central needs: its language, and the helpers its templates use."""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar.response import Template

from ventanilla.i18n import gettext

LA_PAZ = ZoneInfo("America/La_Paz")
LANGUAGES = (("es", "Español"), ("qu", "Runasimi"), ("en", "English"))
# Pages are self-contained: styles from /static, no script at all, nothing from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def local_time(iso: str) -> str:
    """A stored UTC time as people in Cochabamba read it: 25/11/2026 13:05."""
    moment = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return moment.astimezone(LA_PAZ).strftime("%d/%m/%Y %H:%M")


def page(
    name: str, lang: str, query: dict[str, str], status_code: int = 200, **context: Any
) -> Template:
    """Render template `name` in `lang`; `query` keeps the page's parameters in language links."""

    def query_for(other: str) -> str:
        return urlencode({**query, "lang": other})

    return Template(
        template_name=name,
        context={
            "lang": lang,
            "languages": LANGUAGES,
            "query_for": query_for,
            "local_time": local_time,
            "_": partial(gettext, lang),
            **context,
        },
        status_code=status_code,
        headers=dict(SECURITY_HEADERS),
        media_type="text/html",
    )
