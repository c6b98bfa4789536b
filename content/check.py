"""Checking a submission against the catalogue, the same for every channel.

A kiosk, the front desk and central's online channels (Open311) all accept
submissions; each calls `check_submission` so a form means the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from content.forms import Invalid, clean_ci, clean_email, clean_fields, clean_phone
from content.localize import complaint_form
from content.schema import Catalog
from sync.messages import Applicant, ApplicationIn, SubmissionIn
from ventanilla.i18n import N_, gettext


class InvalidSubmission(Exception):
    """The submission does not fit its form; `errors` maps field paths to messages."""

    def __init__(self, message: str, errors: dict[str, str]):
        super().__init__(message)
        self.message = message
        self.errors = errors


@dataclass(frozen=True)
class Checked:
    """A submission that fits its form, with its values normalised."""

    kind: str
    code: str
    unit: str
    lang: str
    fields: dict[str, Any]
    applicant: dict[str, str] | None


def check_submission(catalog: Catalog, payload: SubmissionIn) -> Checked:
    """Check `payload` against the catalogue; `InvalidSubmission` lists every problem."""
    lang = payload.lang
    errors: dict[str, str] = {}
    if isinstance(payload, ApplicationIn):
        procedure = catalog.procedure(payload.procedure)
        if procedure is None:
            message = gettext(lang, N_("No existe el trámite «{code}»."), code=payload.procedure)
            raise InvalidSubmission(message, {"procedure": message})
        kind, form, code, unit = "application", procedure.form, procedure.code, procedure.unit
        if payload.applicant is None:
            errors["applicant"] = gettext(
                lang, N_("Una solicitud necesita el nombre de quien la presenta.")
            )
    else:
        category = catalog.complaint(payload.category)
        if category is None:
            message = gettext(
                lang, N_("No existe la categoría de reclamo «{code}»."), code=payload.category
            )
            raise InvalidSubmission(message, {"category": message})
        kind, form, code, unit = "complaint", complaint_form(category), category.code, category.unit
    fields, field_errors = clean_fields(list(form), payload.fields, lang)
    errors |= field_errors
    applicant = None
    if payload.applicant is not None:
        applicant, applicant_errors = clean_applicant(payload.applicant, lang)
        errors |= applicant_errors
    if errors:
        raise InvalidSubmission(gettext(lang, N_("Revise los datos marcados.")), errors)
    return Checked(kind=kind, code=code, unit=unit, lang=lang, fields=fields, applicant=applicant)


def clean_applicant(applicant: Applicant, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    name = " ".join(applicant.name.split())
    if not name:
        errors["applicant.name"] = gettext(lang, N_("Este dato es obligatorio."))
    cleaned["name"] = name
    checks = {"ci": clean_ci, "phone": clean_phone, "email": clean_email}
    for key, clean in checks.items():
        value = getattr(applicant, key)
        if value is None or not value.strip():
            continue
        try:
            cleaned[key] = clean(value)
        except Invalid as exc:
            errors[f"applicant.{key}"] = gettext(lang, exc.message, **exc.values)
    return cleaned, errors
