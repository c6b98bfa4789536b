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
from litestar.openapi import ResponseSpec

from sync.messages import ErrorBody, FieldError


def from_state(name: str) -> Callable[[State], Any]:
    """A dependency provider that reads `app.state.<name>` at request time."""

    def provide(state: State) -> Any:
        return getattr(state, name)

    return provide


def error_response(
    status: int, detail: str, errors: dict[str, str] | None = None
) -> Response[ErrorBody]:
    body = ErrorBody(
        status_code=status,
        detail=detail,
        errors=[FieldError(field=f, message=m) for f, m in errors.items()] if errors else None,
    )
    return Response(body, status_code=status, media_type=MediaType.JSON)


ERROR_DESCRIPTIONS = {
    400: "Malformed request (unparseable body or parameters)",
    401: "Not authenticated (unsigned, tampered, replayed or skewed request; or no login)",
    403: "Forbidden (unknown kiosk, refused enrollment, or not allowed)",
    404: "Nothing with that code",
    409: "Conflicts with the current state",
    413: "Body too large",
    422: "Well-formed but invalid input: one message per field",
    503: "Temporarily unable (storage full, no printer configured)",
}


def documented_errors(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the error answers a handler can give, all of `ErrorBody` shape."""
    return {
        status: ResponseSpec(data_container=ErrorBody, description=ERROR_DESCRIPTIONS[status])
        for status in statuses
    }


def error_handler(status: int) -> Callable[[Request, Exception], Response[ErrorBody]]:
    """An exception handler answering `status` with the exception's message as detail."""

    def handle(_: Request, exc: Exception) -> Response[ErrorBody]:
        return error_response(status, str(exc))

    return handle


def validation_failed(_: Request, exc: ValidationException) -> Response[ErrorBody]:
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
