"""Check what a citizen typed against a form from the catalogue.

`clean_fields` returns the values normalised (trimmed text, phones as +591...,
CI in upper case, numbers as numbers) and a message per field in the citizen's
language, so the kiosk can show each one beside its field.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from content.schema import FormField, Text
from ventanilla.i18n import N_, gettext

FieldValue = str | int | float | bool | None

MAX_TEXT = 200
MAX_LONG_TEXT = 4000
DESCRIPTION_MAX = 4000
LOCATION_MAX = 300

# Every complaint has these two fields; a category may add more.
COMPLAINT_FIELDS = (
    FormField(
        name="description",
        type="long_text",
        max_length=DESCRIPTION_MAX,
        label=Text(
            es="Describa el problema", qu="Sasachakuyta willakuy", en="Describe the problem"
        ),
        help=Text(
            es="Qué pasa, desde cuándo y a quién afecta.",
            qu="Imataq kachkan, ima p'unchaymantapacha, pitataq llakichin.",
            en="What is happening, since when and who it affects.",
        ),
    ),
    FormField(
        name="location",
        type="text",
        max_length=LOCATION_MAX,
        label=Text(es="¿Dónde es?", qu="¿Maypitaq?", en="Where is it?"),
        help=Text(
            es="Calle, zona y una referencia (por ejemplo, frente al mercado).",
            qu="Ñan, zona, huk riqsichiypas (kaqlla, qhatu ñawpaqinpi).",
            en="Street, zone and a landmark (for example, opposite the market).",
        ),
    ),
)

DEPARTMENTS = ("LP", "CB", "SC", "OR", "PT", "CH", "TJ", "BN", "PD")
# A complement has a digit in it (1A, 2K, 01); two letters are an expedition department.
_CI_RE = re.compile(
    r"^(?P<number>\d{5,10})(?:[-\s]?(?P<complement>\d[A-Z]|[A-Z]\d))?"
    r"(?:\s?(?P<dept>" + "|".join(DEPARTMENTS) + r"))?$"
)
_EMAIL_RE = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$"
)


class Invalid(ValueError):
    """A value that does not fit its field; the message is a Spanish msgid."""

    def __init__(self, message: str, **values: object):
        super().__init__(message)
        self.message = message
        self.values = values


def clean_ci(value: str) -> str:
    """A Bolivian cédula de identidad: ``1234567``, ``1234567-1A``, ``1234567 CB``."""
    text = re.sub(r"\s+", " ", value.strip().upper().replace(".", ""))
    match = _CI_RE.match(text)
    if not match:
        raise Invalid(
            N_(
                "Escriba el número de carnet: de 5 a 10 dígitos, con complemento si tiene (ej. 1234567-1A)."
            )
        )
    ci = match["number"]
    if match["complement"]:
        ci += "-" + match["complement"]
    if match["dept"]:
        ci += " " + match["dept"]
    return ci


def clean_phone(value: str) -> str:
    """A Bolivian phone, as +591 and 8 digits: mobiles 6/7xxxxxxx, Cochabamba landlines 4xxxxxxx."""
    digits = re.sub(r"[\s\-().]", "", value.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("00591"):
        digits = digits[5:]
    elif digits.startswith("591") and len(digits) == 11:
        digits = digits[3:]
    if not digits.isdigit():
        raise Invalid(N_("Un teléfono solo lleva números."))
    if len(digits) == 7 and digits[0] not in "67":
        # A local Cochabamba number typed without its area code (6/7: a mobile
        # with a digit missing, more likely).
        digits = "4" + digits
    if len(digits) != 8 or digits[0] not in "467":
        raise Invalid(
            N_(
                "Escriba un celular de 8 dígitos que empiece con 6 o 7, o un teléfono fijo de Cochabamba."
            )
        )
    return "+591" + digits


def clean_email(value: str) -> str:
    text = value.strip()
    if len(text) > 254 or not _EMAIL_RE.match(text):
        raise Invalid(N_("Escriba un correo electrónico válido, como nombre@ejemplo.com."))
    return text


def clean_nit(value: str) -> str:
    digits = re.sub(r"[\s\-.]", "", value.strip())
    if not digits.isdigit() or not 5 <= len(digits) <= 15:
        raise Invalid(N_("El NIT solo lleva números (de 5 a 15 dígitos)."))
    return digits


def clean_text(value: str, field: FormField, default_max: int) -> str:
    text = value.strip()
    if field.type == "text":
        text = re.sub(r"\s+", " ", text)
    limit = field.max_length or default_max
    if len(text) > limit:
        raise Invalid(N_("Es demasiado largo: como máximo {limit} caracteres."), limit=limit)
    if field.min_length and len(text) < field.min_length:
        raise Invalid(
            N_("Es demasiado corto: al menos {limit} caracteres."), limit=field.min_length
        )
    return text


def clean_number(value: object, field: FormField) -> int | float:
    if isinstance(value, bool):
        raise Invalid(N_("Escriba un número."))
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            raise Invalid(N_("Escriba un número.")) from None
    if (
        not isinstance(value, int | float)
        or value != value
        or value in (float("inf"), float("-inf"))
    ):
        raise Invalid(N_("Escriba un número."))
    if field.min is not None and value < field.min:
        raise Invalid(N_("Debe ser al menos {limit}."), limit=_number(field.min))
    if field.max is not None and value > field.max:
        raise Invalid(N_("Debe ser como máximo {limit}."), limit=_number(field.max))
    return _number(value)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def clean_date(value: str) -> str:
    try:
        return datetime.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise Invalid(N_("Escriba una fecha válida (año-mes-día).")) from None


def clean_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in (
        "si",
        "sí",
        "yes",
        "true",
        "arí",
        "ari",
    ):
        return True
    if isinstance(value, str) and value.strip().lower() in ("no", "false", "mana"):
        return False
    raise Invalid(N_("Elija sí o no."))


def clean_value(field: FormField, value: FieldValue) -> FieldValue:
    """`value` normalised for `field`, or `Invalid`. Empty values are None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if field.required:
            raise Invalid(N_("Este dato es obligatorio."))
        return None
    kind = field.type
    if kind == "number":
        return clean_number(value, field)
    if kind == "yes_no":
        return clean_yes_no(value)
    if not isinstance(value, str):
        raise Invalid(N_("Escriba un texto."))
    if kind == "choice":
        allowed = [c.value for c in field.choices or []]
        if value not in allowed:
            raise Invalid(N_("Elija una de las opciones."))
        return value
    cleaners = {
        "ci": clean_ci,
        "nit": clean_nit,
        "phone": clean_phone,
        "email": clean_email,
        "date": clean_date,
    }
    if kind in cleaners:
        return cleaners[kind](value)
    return clean_text(value, field, MAX_LONG_TEXT if kind == "long_text" else MAX_TEXT)


def clean_fields(
    form: list[FormField], values: Mapping[str, Any], lang: str, prefix: str = "fields."
) -> tuple[dict[str, FieldValue], dict[str, str]]:
    """Check `values` against `form`: (cleaned values, {field path: message in `lang`})."""
    cleaned: dict[str, FieldValue] = {}
    errors: dict[str, str] = {}
    known = {f.name for f in form}
    for name in values:
        if name not in known:
            errors[prefix + name] = gettext(
                lang, N_("Este formulario no tiene el dato «{name}»."), name=name
            )
    for field in form:
        try:
            value = clean_value(field, values.get(field.name))
        except Invalid as exc:
            errors[prefix + field.name] = gettext(lang, exc.message, **exc.values)
        else:
            if value is not None:
                cleaned[field.name] = value
    return cleaned, errors
