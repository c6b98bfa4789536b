"""What the kiosk and central apps share on the HTTP side: error bodies and state.

Every error answer has one shape, `{"status_code", "detail", "errors"?}`, where
`errors` lists `{"field", "message"}` so a screen can show each beside its field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import MediaType, Request, Response
from litestar.datastructures import State
from litestar.exceptions import ValidationException


def from_state(name: str) -> Callable[[State], Any]:
    """A dependency provider that reads `app.state.<name>` at request time."""

    def provide(state: State) -> Any:
        return getattr(state, name)

    return provide


def error_response(
    status: int, detail: str, errors: dict[str, str] | None = None
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {"status_code": status, "detail": detail}
    if errors:
        body["errors"] = [{"field": field, "message": message} for field, message in errors.items()]
    return Response(body, status_code=status, media_type=MediaType.JSON)


def error_handler(status: int) -> Callable[[Request, Exception], Response[dict[str, Any]]]:
    """An exception handler answering `status` with the exception's message as detail."""

    def handle(_: Request, exc: Exception) -> Response[dict[str, Any]]:
        return error_response(status, str(exc))

    return handle


def validation_failed(_: Request, exc: ValidationException) -> Response[dict[str, Any]]:
    """Litestar's ValidationException: 400 for unparseable input, 422 for a body of the wrong shape."""
    details = [d for d in (exc.extra if isinstance(exc.extra, list) else []) if isinstance(d, dict)]
    # Litestar names the body itself "data" (the handler's parameter).
    body_errors = {
        ("body" if d.get("key") in (None, "", "data") else str(d["key"])): str(d.get("message"))
        for d in details
        if d.get("source") == "body"
    }
    if body_errors:
        return error_response(422, "The request body does not have the expected shape", body_errors)
    errors = {str(d.get("key")): str(d.get("message")) for d in details}
    return error_response(400, exc.detail, errors)
