"""The catalogue in one language, as the wire types in `sync.messages` carry it."""

from __future__ import annotations

from content.forms import COMPLAINT_FIELDS
from content.schema import Catalog, ComplaintCategory, FormField, Procedure
from sync.messages import (
    ChoiceOut,
    ComplaintCategoryOut,
    FieldOut,
    ProcedureOut,
    ProcedureSummary,
)


def field_out(field: FormField, lang: str) -> FieldOut:
    return FieldOut(
        name=field.name,
        type=field.type,
        label=field.label.get(lang),
        required=field.required,
        help=field.help.get(lang) if field.help else None,
        min_length=field.min_length,
        max_length=field.max_length,
        min=field.min,
        max=field.max,
        choices=[ChoiceOut(value=c.value, label=c.label.get(lang)) for c in field.choices]
        if field.choices
        else None,
    )


def procedure_summary(procedure: Procedure, lang: str) -> ProcedureSummary:
    return ProcedureSummary(
        code=procedure.code,
        category=procedure.category,
        title=procedure.title.get(lang),
        summary=procedure.summary.get(lang),
        fee_bs=procedure.fee_bs,
    )


def procedure_out(catalog: Catalog, procedure: Procedure, lang: str) -> ProcedureOut:
    category = catalog.category(procedure.category)
    unit = catalog.unit(procedure.unit)
    return ProcedureOut(
        code=procedure.code,
        category=procedure.category,
        category_title=category.title.get(lang) if category else procedure.category,
        title=procedure.title.get(lang),
        summary=procedure.summary.get(lang),
        requirements=[r.get(lang) for r in procedure.requirements],
        steps=[s.get(lang) for s in procedure.steps],
        fee_bs=procedure.fee_bs,
        fee_note=procedure.fee_note.get(lang) if procedure.fee_note else None,
        unit=procedure.unit,
        unit_name=unit.name.get(lang) if unit else procedure.unit,
        where=procedure.where.get(lang) if procedure.where else None,
        form=[field_out(f, lang) for f in procedure.form],
        source=procedure.source,
        verified_on=procedure.verified_on,
        lang=lang,  # type: ignore[arg-type]
    )


def complaint_out(catalog: Catalog, category: ComplaintCategory, lang: str) -> ComplaintCategoryOut:
    unit = catalog.unit(category.unit)
    return ComplaintCategoryOut(
        code=category.code,
        kind=category.kind,
        unit=category.unit,
        unit_name=unit.name.get(lang) if unit else category.unit,
        title=category.title.get(lang),
        summary=category.summary.get(lang),
        form=[field_out(f, lang) for f in complaint_form(category)],
        lang=lang,  # type: ignore[arg-type]
    )


def complaint_form(category: ComplaintCategory) -> list[FormField]:
    """Every complaint's description and location, then what its category adds."""
    return [*COMPLAINT_FIELDS, *category.fields]
