"""Between an HTML form and the accept path: posted fields -> `SubmissionIn`, values -> text.

Field names in the HTML are the accept path's error paths (`fields.species`,
`applicant.name`), so each message lands beside its own field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from content.localize import complaint_form
from content.schema import Catalog, FormField
from kiosk import submissions
from kiosk.errors import InvalidSubmission
from sync.messages import Applicant, ApplicationIn, ComplaintIn, SubmissionIn
from ventanilla.i18n import N_, gettext

APPLICANT_KEYS = ("name", "ci", "phone")
CONTACT_KEYS = ("name", "phone")
# The input each field type gets: (HTML type, inputmode) for one-line fields.
INPUTS = {
    "text": ("text", "text"),
    "ci": ("text", "text"),
    "nit": ("text", "numeric"),
    "phone": ("tel", "tel"),
    "email": ("email", "email"),
    "date": ("date", None),
    "number": ("text", "decimal"),
}
YES_NO = (("si", N_("Sí")), ("no", N_("No")))


@dataclass(frozen=True)
class Widget:
    """One field as a screen draws it, in one language."""

    name: str  # the posted name and error path, e.g. "fields.species"
    id: str
    type: str
    label: str
    help: str | None
    required: bool
    value: str
    error: str | None
    choices: list[tuple[str, str]]
    input_type: str | None = None
    inputmode: str | None = None
    max_length: int | None = None

    @property
    def describedby(self) -> str:
        """The ids of this field's help and error texts, for aria-describedby."""
        ids = [f"{self.id}-help" if self.help else "", f"{self.id}-error" if self.error else ""]
        return " ".join(i for i in ids if i)


def draft_from_post(kind: str, code: str, data: Mapping[str, Any], form: list[FormField]) -> dict:
    """What a form POST said, as plain strings (only the names this form has)."""
    fields = {f.name: str(data.get(f"fields.{f.name}", "")).strip() for f in form}
    keys = APPLICANT_KEYS if kind == "application" else CONTACT_KEYS
    applicant = {k: str(data.get(f"applicant.{k}", "")).strip() for k in keys}
    return {"kind": "draft", "type": kind, "code": code, "fields": fields, "applicant": applicant}


def form_of(catalog: Catalog, draft_type: str, code: str) -> list[FormField] | None:
    if draft_type == "application":
        procedure = catalog.procedure(code)
        return list(procedure.form) if procedure else None
    category = catalog.complaint(code)
    return complaint_form(category) if category else None


def subject_title(catalog: Catalog, kind: str, code: str, lang: str) -> str:
    """The title of the procedure (an application) or complaint category it is about."""
    subject = catalog.procedure(code) if kind == "application" else catalog.complaint(code)
    return subject.title.get(lang) if subject else code


def payload(draft: dict, lang: str) -> SubmissionIn:
    """The draft as the accept path takes it; a complaint with no contact stays anonymous."""
    fields = {k: v for k, v in draft["fields"].items() if v != ""}
    given = {k: v for k, v in draft["applicant"].items() if v}
    if draft["type"] == "application":
        applicant = Applicant(
            name=given.get("name", ""), ci=given.get("ci"), phone=given.get("phone")
        )
        return ApplicationIn(procedure=draft["code"], fields=fields, applicant=applicant, lang=lang)  # type: ignore[arg-type]
    applicant = Applicant(name=given.get("name", ""), phone=given.get("phone")) if given else None
    return ComplaintIn(category=draft["code"], fields=fields, applicant=applicant, lang=lang)  # type: ignore[arg-type]


def check(catalog: Catalog, draft: dict, lang: str) -> tuple[submissions.Checked | None, dict]:
    """(checked submission, {}) or (None, {field path: message in `lang`})."""
    try:
        return submissions.check_submission(catalog, payload(draft, lang)), {}
    except InvalidSubmission as exc:
        return None, exc.errors


def widgets(
    form: list[FormField], draft: dict | None, errors: dict[str, str], lang: str
) -> list[Widget]:
    values = draft["fields"] if draft else {}
    out = []
    for field in form:
        name = f"fields.{field.name}"
        choices = []
        if field.type == "choice":
            choices = [(c.value, c.label.get(lang)) for c in field.choices or []]
        elif field.type == "yes_no":
            choices = [(value, gettext(lang, label)) for value, label in YES_NO]
        input_type, inputmode = INPUTS.get(field.type, (None, None))
        out.append(
            Widget(
                name=name,
                id=name.replace(".", "-"),
                type=field.type,
                label=field.label.get(lang),
                help=field.help.get(lang) if field.help else None,
                required=field.required,
                value=values.get(field.name, ""),
                error=errors.get(name),
                choices=choices,
                input_type=input_type,
                inputmode=inputmode,
                max_length=field.max_length,
            )
        )
    return out


def applicant_widgets(
    draft_type: str, draft: dict | None, errors: dict[str, str], lang: str
) -> list[Widget]:
    """Who applies (an application) or how to reach them, if they wish (a complaint)."""
    values = draft["applicant"] if draft else {}
    specs = {
        "name": ("text", "text", N_("Nombre completo")),
        "ci": ("text", "text", N_("Número de carnet (opcional)")),
        "phone": ("tel", "tel", N_("Teléfono o celular (opcional)")),
    }
    keys = APPLICANT_KEYS if draft_type == "application" else CONTACT_KEYS
    out = []
    for key in keys:
        input_type, inputmode, label = specs[key]
        name = f"applicant.{key}"
        required = key == "name" and draft_type == "application"
        out.append(
            Widget(
                name=name,
                id=name.replace(".", "-"),
                type="text",
                label=gettext(lang, label),
                help=None,
                required=required,
                value=values.get(key, ""),
                error=errors.get(name) or (errors.get("applicant") if key == "name" else None),
                choices=[],
                input_type=input_type,
                inputmode=inputmode,
                max_length=120,
            )
        )
    return out


def shown_value(field: FormField, value: Any, lang: str) -> str:
    """A cleaned value as the review screen says it."""
    if field.type == "yes_no":
        return gettext(lang, N_("Sí") if value else N_("No"))
    if field.type == "choice":
        return next((c.label.get(lang) for c in field.choices or [] if c.value == value), value)
    return str(value)


def review_rows(
    form: list[FormField], checked: submissions.Checked, lang: str
) -> list[tuple[str, str]]:
    rows = [
        (f.label.get(lang), shown_value(f, checked.fields[f.name], lang))
        for f in form
        if f.name in checked.fields
    ]
    labels = {
        "name": N_("Nombre completo"),
        "ci": N_("Número de carnet"),
        "phone": N_("Teléfono o celular"),
    }
    for key, value in (checked.applicant or {}).items():
        if key in labels:
            rows.append((gettext(lang, labels[key]), value))
    return rows
