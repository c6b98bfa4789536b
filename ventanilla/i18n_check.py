"""`python -m ventanilla.i18n_check`: list the msgids that lack a Quechua or English translation.

Extracts every message from the code (`N_("...")`, `gettext(lang, "...")`, read from
the syntax tree so only literal messages count) and the screens' templates (`_("...")`,
with Jinja's Babel extractor), and compares with the `.po` catalogues.
Exits 1 if anything is missing, so `make i18n-check` fails.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from ventanilla.i18n import DEFAULT_LANG, LANGS, LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ventanilla", "kiosk", "central", "sync", "printers", "content")
# Where the message is among a call's arguments: gettext(lang, "msgid", ...) and N_("msgid").
PY_KEYWORDS = {"N_": 0, "gettext": 1}
TEMPLATES = [("**/templates/**.html", "jinja2")]


def python_messages(source: str) -> list[str]:
    messages = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        position = PY_KEYWORDS.get(name or "")
        if position is None or len(node.args) <= position:
            continue
        arg = node.args[position]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
            messages.append(arg.value)
    return messages


def extracted(root: Path = ROOT) -> dict[str, set[str]]:
    """Every msgid in the code and templates, with the files it appears in."""
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        directory = root / package
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*.py")):
            for message in python_messages(path.read_text(encoding="utf-8")):
                found.setdefault(message, set()).add(str(path.relative_to(root)))
        for filename, _, message, _, _ in extract_from_dir(
            directory, TEMPLATES, keywords={"_": None}
        ):
            if isinstance(message, str) and message:
                found.setdefault(message, set()).add(f"{package}/{filename}")
    return found


def translated(lang: str, locale_dir: Path = LOCALE_DIR) -> set[str]:
    po = locale_dir / lang / "LC_MESSAGES" / "ventanilla.po"
    if not po.exists():
        return set()
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    return {m.id for m in catalog if m.id and m.string and not m.fuzzy}


def untranslated(root: Path = ROOT, locale_dir: Path = LOCALE_DIR) -> dict[str, list[str]]:
    """{lang: [msgid, ...]} of every message without a translation."""
    messages = extracted(root)
    missing = {}
    for lang in LANGS:
        if lang == DEFAULT_LANG:
            continue
        have = translated(lang, locale_dir)
        missing[lang] = sorted(m for m in messages if m not in have)
    return missing


def main() -> int:
    missing = untranslated()
    for lang, messages in missing.items():
        for message in messages:
            print(f"{lang}: {message!r}")
    total = sum(len(m) for m in missing.values())
    print(f"{total} untranslated message(s)" if total else "All messages are translated.")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
