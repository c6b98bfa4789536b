"""What every staff page needs: its language, the account, and the answers to
what can go wrong (a login page, 403, 404, 409, 422) as pages, not tracebacks."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.params import Body
from litestar.response import Redirect, Template

from central.errors import Conflict, NotFound
from central.pages import page
from central.staff.accounts import ROLE_LABELS, StaffUser
from central.staff.inbox import BadFilter
from ventanilla.i18n import DEFAULT_LANG, LANGS, N_, gettext

FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class InvalidForm(ValueError):
    """A staff form that cannot be carried out as sent (422); nothing was changed."""


def staff_lang(request: Request) -> str:
    """The staff member's language: chosen with ?lang= and kept in their session."""
    chosen = request.query_params.get("lang")
    if chosen in LANGS:
        if request.session:
            request.session["lang"] = chosen
        return chosen
    saved = request.session.get("lang") if request.session else None
    return saved if saved in LANGS else DEFAULT_LANG


def staff_user(request: Request) -> StaffUser | None:
    return getattr(request.state, "staff", None)


def staff_page(request: Request, name: str, status_code: int = 200, **context: Any) -> Template:
    lang = staff_lang(request)
    user = staff_user(request)
    return page(
        name,
        lang,
        {},
        status_code=status_code,
        user=user,
        role_label=gettext(lang, ROLE_LABELS[user.role]) if user else None,
        **context,
    )


def message_page(request: Request, status_code: int, message: str, **values: Any) -> Template:
    """A page saying `message` (a msgid, translated here) and nothing else."""
    text = gettext(staff_lang(request), message, **values)
    return staff_page(request, "staff/message.html", status_code=status_code, message=text)


def said(request: Request, status_code: int, text: str) -> Template:
    """A page saying `text`, already in the staff member's language."""
    return staff_page(request, "staff/message.html", status_code=status_code, message=text)


def to_login(_: Request, __: NotAuthorizedException) -> Response:
    return Redirect("/staff/login", status_code=303)


def forbidden(request: Request, exc: PermissionDeniedException) -> Template:
    return message_page(request, 403, exc.detail)


def not_found(request: Request, exc: NotFound) -> Template:
    return message_page(request, 404, N_("No existe «{what}»."), what=str(exc))


def conflict(request: Request, exc: Conflict) -> Template:
    return said(request, 409, str(exc))


def invalid_form(request: Request, exc: InvalidForm) -> Template:
    return said(request, 422, str(exc))


def bad_filter(request: Request, exc: BadFilter) -> Template:
    return message_page(request, 400, N_("Un filtro no es válido: {error}"), error=str(exc))


EXCEPTION_HANDLERS = {
    NotAuthorizedException: to_login,
    PermissionDeniedException: forbidden,
    NotFound: not_found,
    Conflict: conflict,
    InvalidForm: invalid_form,
    BadFilter: bad_filter,
}
