"""What a citizen types is checked and normalised the way Bolivian data is written."""

import pytest

from content.forms import Invalid, clean_ci, clean_email, clean_fields, clean_nit, clean_phone
from content.schema import Choice, FormField, Text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1234567", "1234567"),
        ("12345", "12345"),
        ("1234567-1A", "1234567-1A"),
        ("1234567 1a", "1234567-1A"),
        ("1234567 CB", "1234567 CB"),
        ("1234567cb", "1234567 CB"),
        ("4.567.891 LP", "4567891 LP"),
        ("1234567-1A PD", "1234567-1A PD"),
    ],
)
def test_ci_forms_in_use_are_accepted(typed, stored):
    assert clean_ci(typed) == stored


@pytest.mark.parametrize("typed", ["1234", "12345678901", "ABC1234", "1234567 XX", "1234567-ABC"])
def test_wrong_ci_is_refused(typed):
    with pytest.raises(Invalid):
        clean_ci(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("71234567", "+59171234567"),
        ("6 123 4567", "+59161234567"),
        ("+591 71234567", "+59171234567"),
        ("00591-71234567", "+59171234567"),
        ("4251234", "+59144251234"),  # a local Cochabamba number: area code 4 assumed
        ("4 4251234", "+59144251234"),
    ],
)
def test_bolivian_phones_are_normalised(typed, stored):
    assert clean_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["81234567", "7123456", "712345678", "7123-456a", "+54 11 1234 5678"]
)
def test_wrong_phones_are_refused(typed):
    with pytest.raises(Invalid):
        clean_phone(typed)


def test_email_and_nit():
    assert clean_email(" ana@ejemplo.bo ") == "ana@ejemplo.bo"
    assert clean_nit("1020-304-025") == "1020304025"
    for bad in ("ana", "ana@", "ana@@x.bo", "ana@x"):
        with pytest.raises(Invalid):
            clean_email(bad)
    with pytest.raises(Invalid):
        clean_nit("12A45")


FORM = [
    FormField(name="name", type="text", label=Text(es="Nombre"), max_length=10),
    FormField(name="size", type="number", label=Text(es="Tamaño"), min=1, max=50, required=False),
    FormField(
        name="kind",
        type="choice",
        label=Text(es="Tipo"),
        choices=[Choice(value="a", label=Text(es="A")), Choice(value="b", label=Text(es="B"))],
    ),
    FormField(name="day", type="date", label=Text(es="Día"), required=False),
    FormField(name="ok", type="yes_no", label=Text(es="¿Sí?"), required=False),
]


def test_clean_fields_normalises_values():
    cleaned, errors = clean_fields(
        FORM, {"name": "  Ana   María ", "size": "12,5", "kind": "b", "ok": "sí"}, "es"
    )
    assert errors == {}
    assert cleaned == {"name": "Ana María", "size": 12.5, "kind": "b", "ok": True}


def test_clean_fields_reports_every_problem_in_the_chosen_language():
    values = {"name": "x" * 11, "size": 99, "kind": "z", "day": "2026-13-01", "extra": 1}
    _, errors = clean_fields(FORM, values, "en")
    assert set(errors) == {
        "fields.name",
        "fields.size",
        "fields.kind",
        "fields.day",
        "fields.extra",
    }
    _, errors = clean_fields(FORM, {}, "es")
    assert errors == {
        "fields.name": "Este dato es obligatorio.",
        "fields.kind": "Este dato es obligatorio.",
    }
