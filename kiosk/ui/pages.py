"""What every screen shares: the page language, the language switch, security headers."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Annotated, Any

from litestar import Request
from litestar.datastructures import ResponseHeader
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from kiosk.errors import NotFound
from kiosk.ui import speech
from ventanilla.i18n import LANGS, N_, gettext

LANG_NAMES = {"es": "Español", "qu": "Runasimi", "en": "English"}

# Every script and style comes from our own files: no inline code, nothing from
# outside the kiosk (its browser cannot reach anything else anyway).
SECURITY_HEADERS = [
    ResponseHeader(
        name="Content-Security-Policy",
        value="default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    # Citizen data must not outlive its screen: no disk cache, no back-forward cache.
    ResponseHeader(name="Cache-Control", value="no-store"),
    ResponseHeader(name="Referrer-Policy", value="no-referrer"),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
]

# An HTML form's fields, as posted (CSRF token included; handlers ignore it).
FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def page_lang(lang: str) -> str:
    """`lang` if the screens speak it; otherwise the page does not exist."""
    if lang not in LANGS:
        raise NotFound(gettext("es", N_("Esta página no existe.")))
    return lang


def switch_links(request: Request, lang: str) -> list[dict[str, Any]]:
    """The same screen in each language (the rest of the path and query kept)."""
    rest = request.url.path[len(lang) + 1 :]
    query = f"?{request.url.query}" if request.url.query else ""
    return [
        {"lang": code, "name": name, "href": f"/{code}{rest}{query}", "current": code == lang}
        for code, name in LANG_NAMES.items()
    ]


def render(
    request: Request,
    template: str,
    lang: str,
    *,
    handles: Iterable[str] = (),
    status_code: int = 200,
    **context: Any,
) -> Template:
    """`template` in `lang`: `_()` translates into it, the header switches out of it.

    `handles` are the scratch entries this page shows; the idle reset drops them.
    """
    settings = request.app.state.settings
    return Template(
        template_name=template,
        status_code=status_code,
        context={
            "lang": lang,
            "_": functools.partial(gettext, lang),
            "langs": switch_links(request, lang) if _has_lang_prefix(request, lang) else [],
            "handles": " ".join(h for h in handles if h),
            "idle_seconds": settings.ui_idle_seconds,
            "countdown_seconds": settings.ui_countdown_seconds,
            "can_listen": speech.available(),
            **context,
        },
    )


def _has_lang_prefix(request: Request, lang: str) -> bool:
    path = request.url.path
    return path == f"/{lang}" or path.startswith(f"/{lang}/")


def not_found_page(request: Request, exc: NotFound) -> Template:
    """A screen, not a JSON body, for a page that does not exist."""
    first = request.url.path.split("/")[1]
    lang = first if first in LANGS else "es"
    return render(request, "not_found.html", lang, status_code=404, message=str(exc))
