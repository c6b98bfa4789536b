"""The catalogue: the real one is complete and valid; a broken one is reported in full."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from content.catalog import DEFAULT_CATALOG_DIR, check_catalog
from content.schema import UNIT_CODES
from ventanilla.cli import cli


def test_the_shipped_catalogue_is_complete(catalog):
    assert len(catalog.procedures) >= 25
    assert len({p.category for p in catalog.procedures}) >= 5
    assert len(catalog.complaints) >= 8
    assert {c.kind for c in catalog.complaints} == {"reclamo", "queja", "denuncia", "sugerencia"}
    assert {u.code for u in catalog.units} == set(UNIT_CODES)
    for procedure in catalog.procedures:
        assert procedure.source and procedure.verified_on
        assert procedure.title.qu and procedure.title.en, procedure.code


def test_fees_are_never_invented(catalog):
    # The reference gives one fee: the pet register, Bs 22 in 2026. Every other is unknown.
    fees = {p.code: p.fee_bs for p in catalog.procedures if p.fee_bs is not None}
    assert fees == {"ZOO-RUM": 22}


def test_check_command_on_the_shipped_catalogue():
    result = CliRunner().invoke(cli, ["content", "check", "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK ")


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(DEFAULT_CATALOG_DIR, root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_every_error_is_reported_with_its_file_and_field(broken):
    edit(broken / "procedures/ZOO-RUM.yaml", "fee_bs: 22\n", "")
    edit(broken / "procedures/CON-PLANOS.yaml", "category: construccion", "category: nada")
    edit(broken / "procedures/LF-ALTA.yaml", "steps:", "stepz:")
    edit(broken / "complaints.yaml", "unit: ALUMBRADO", "unit: LUZ")
    (broken / "procedures/BAD.yaml").write_text("code: [unclosed\n")

    result = CliRunner().invoke(cli, ["content", "check", str(broken), "--quiet"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "procedures/ZOO-RUM.yaml: $: error: Object missing required field `fee_bs`" in lines
    assert "procedures/CON-PLANOS.yaml: $.category: error: unknown category 'nada'" in lines
    assert "procedures/LF-ALTA.yaml: $: error: Object contains unknown field `stepz`" in lines
    assert any(
        line.startswith("complaints.yaml: $.complaints[") and "LUZ" in line for line in lines
    )
    assert any(line.startswith("procedures/BAD.yaml: $: error: not valid YAML") for line in lines)
    assert lines[-1] == f"Error: 5 error(s) in {broken}"


def test_form_rules_are_checked(broken):
    edit(broken / "procedures/ZOO-RUM.yaml", "    type: choice\n", "    type: text\n")
    edit(broken / "procedures/ZOO-RUM.yaml", "name: breed", "name: pet_name")
    _, problems = check_catalog(broken)
    errors = {(p.file, p.field, p.message) for p in problems if not p.warning}
    assert ("procedures/ZOO-RUM.yaml", "$.form[1].choices", "a text field has no choices") in errors
    assert ("procedures/ZOO-RUM.yaml", "$.form", "code 'pet_name' is used twice") in errors


def test_missing_translations_are_warnings_not_errors(broken):
    edit(broken / "procedures/ZOO-RUM.yaml", "  qu: Wasi uywakunata qillqachiy (RUM)\n", "")
    catalog, problems = check_catalog(broken)
    assert catalog is not None
    assert [str(p) for p in problems] == [
        "procedures/ZOO-RUM.yaml: $.title: warning: no qu translation"
    ]
    assert catalog.procedure("ZOO-RUM").title.get("qu") == "Registro de mascotas (RUM)"
