"""Load the procedure catalogue from a directory of YAML files, and check it.

A catalogue directory holds ``units.yaml``, ``categories.yaml``, ``complaints.yaml``
and one file per procedure under ``procedures/``. `check_catalog` reports every
problem it finds (file and field) instead of stopping at the first one, so a
content editor can fix a whole batch in one go.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import msgspec

from content.schema import (
    LANGS,
    TEXT_TYPES,
    UNIT_CODES,
    Catalog,
    CategoriesFile,
    ComplaintsFile,
    FormField,
    Procedure,
    Text,
    UnitsFile,
)

DEFAULT_CATALOG_DIR = Path(__file__).parent / "catalog"


@dataclass(frozen=True)
class Problem:
    """Something wrong (or, as a warning, untranslated) in a catalogue file."""

    file: str
    field: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning" if self.warning else "error"
        return f"{self.file}: {self.field}: {kind}: {self.message}"


class CatalogError(Exception):
    """The catalogue has errors; `problems` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _decode(path: Path, root: Path, type_: type, problems: list[Problem]):
    name = str(path.relative_to(root))
    try:
        return msgspec.yaml.decode(path.read_bytes(), type=type_)
    except FileNotFoundError:
        problems.append(Problem(name, "$", "file is missing"))
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).rpartition(" - at `")
        if not message:
            message, where = str(exc), "$`"
        problems.append(Problem(name, where.rstrip("`"), message))
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, "$", f"not valid YAML: {exc}"))
    return None


def check_catalog(root: Path = DEFAULT_CATALOG_DIR) -> tuple[Catalog | None, list[Problem]]:
    """Load the catalogue in `root`; return it (None on errors) and every problem found."""
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        return None, [Problem(str(root), "$", "not a directory")]
    units = _decode(root / "units.yaml", root, UnitsFile, problems)
    categories = _decode(root / "categories.yaml", root, CategoriesFile, problems)
    complaints = _decode(root / "complaints.yaml", root, ComplaintsFile, problems)
    procedures: list[tuple[str, Procedure]] = []
    for path in sorted((root / "procedures").glob("*.yaml")):
        procedure = _decode(path, root, Procedure, problems)
        if procedure is not None:
            procedures.append((str(path.relative_to(root)), procedure))
    if not procedures:
        problems.append(Problem("procedures/", "$", "no procedure files"))
    # Cross-file checks run on whatever did load, so one broken file hides nothing else.
    if units is not None:
        unit_codes = {u.code for u in units.units}
        for missing in sorted(set(UNIT_CODES) - unit_codes):
            problems.append(Problem("units.yaml", "units", f"unit {missing} is not listed"))
        _check_unique("units.yaml", "units", [u.code for u in units.units], problems)
        for i, unit in enumerate(units.units):
            _check_texts("units.yaml", f"$.units[{i}]", unit, problems)
    if categories is not None:
        codes = [c.code for c in categories.categories]
        _check_unique("categories.yaml", "categories", codes, problems)
        for i, category in enumerate(categories.categories):
            _check_texts("categories.yaml", f"$.categories[{i}]", category, problems)
        for file, procedure in procedures:
            if procedure.category not in codes:
                problems.append(
                    Problem(file, "$.category", f"unknown category {procedure.category!r}")
                )
    _check_unique("procedures/", "code", [p.code for _, p in procedures], problems)
    for file, procedure in procedures:
        _check_form(file, "$.form", procedure.form, problems)
        _check_texts(file, "$", procedure, problems)
    if complaints is not None:
        _check_unique(
            "complaints.yaml", "complaints", [c.code for c in complaints.complaints], problems
        )
        for i, complaint in enumerate(complaints.complaints):
            where = f"$.complaints[{i}]"
            reserved = {"description", "location"} & {f.name for f in complaint.fields}
            for name in sorted(reserved):
                problems.append(
                    Problem("complaints.yaml", f"{where}.fields", f"{name!r} is always present")
                )
            _check_form("complaints.yaml", f"{where}.fields", complaint.fields, problems)
            _check_texts("complaints.yaml", where, complaint, problems)

    if any(not p.warning for p in problems) or not (units and categories and complaints):
        return None, problems
    catalog = Catalog(
        units=units.units,
        categories=categories.categories,
        procedures=[p for _, p in procedures],
        complaints=complaints.complaints,
    )
    return catalog, problems


def load_catalog(root: Path = DEFAULT_CATALOG_DIR) -> Catalog:
    """Load the catalogue in `root` or raise `CatalogError` with every error."""
    catalog, problems = check_catalog(root)
    if catalog is None:
        raise CatalogError([p for p in problems if not p.warning])
    return catalog


def catalog_version(catalog: Catalog) -> str:
    """A short digest that changes whenever any content changes."""
    return hashlib.sha256(msgspec.msgpack.encode(catalog)).hexdigest()[:16]


def _check_unique(file: str, field: str, codes: list[str], problems: list[Problem]) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            problems.append(Problem(file, field, f"code {code!r} is used twice"))
        seen.add(code)


def _check_form(file: str, where: str, form: list[FormField], problems: list[Problem]) -> None:
    _check_unique(file, where, [f.name for f in form], problems)
    for i, field in enumerate(form):
        at = f"{where}[{i}]"
        if field.type == "choice" and not field.choices:
            problems.append(Problem(file, f"{at}.choices", "a choice field needs choices"))
        if field.type != "choice" and field.choices:
            problems.append(Problem(file, f"{at}.choices", f"a {field.type} field has no choices"))
        if field.type not in TEXT_TYPES and (field.max_length or field.min_length):
            problems.append(Problem(file, at, f"a {field.type} field takes no length limits"))
        if field.type != "number" and (field.min is not None or field.max is not None):
            problems.append(Problem(file, at, f"a {field.type} field takes no min/max"))
        if field.min is not None and field.max is not None and field.min > field.max:
            problems.append(Problem(file, at, "min is greater than max"))
        lengths = (field.min_length, field.max_length)
        if None not in lengths and lengths[0] > lengths[1]:  # type: ignore[operator]
            problems.append(Problem(file, at, "min_length is greater than max_length"))


def _check_texts(file: str, where: str, obj: object, problems: list[Problem]) -> None:
    """Warn about every text that lacks a translation (Spanish is shown instead)."""
    for path, text in _texts(obj, where):
        for lang in LANGS[1:]:
            if getattr(text, lang) is None:
                problems.append(Problem(file, path, f"no {lang} translation", warning=True))


def _texts(obj: object, where: str):
    if isinstance(obj, Text):
        yield where, obj
    elif isinstance(obj, msgspec.Struct):
        for name in obj.__struct_fields__:
            yield from _texts(getattr(obj, name), f"{where}.{name}")
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _texts(item, f"{where}[{i}]")
