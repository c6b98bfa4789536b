"""Translations of user-facing text: Spanish source strings, Quechua and English catalogues.

Message ids are the Spanish text itself, so a string nobody has translated yet is
shown in Spanish: the fallback DESIGN.md asks for comes for free. The catalogues
are plain ``.po`` files under ``ventanilla/locale/``, compiled in memory on first
use, so there is no build step to forget.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGS = ("es", "qu", "en")
DEFAULT_LANG = "es"
LOCALE_DIR = Path(__file__).parent / "locale"


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; translate it where it is shown."""
    return message


@functools.cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue for `lang` (Spanish, or an unknown language, translates nothing)."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "ventanilla.po"
    if lang == DEFAULT_LANG or not po.exists():
        return _gettext.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return _gettext.GNUTranslations(mo)


def gettext(lang: str, message: str, **values: object) -> str:
    """`message` in `lang`, with ``{name}`` placeholders filled from `values`."""
    text = translations(lang).gettext(message)
    return text.format(**values) if values else text
