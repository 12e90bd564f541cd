"""Keep the villagers' catalogs (``signage_server.i18n.VISITOR_LOCALES``: the pages of an
organisation's second language) usable while only part of them is translated.

Every message without its own translation gets the Chinese one, flagged ``fuzzy`` (so a
translator sees what is still to do), and is compiled with them (``use_fuzzy``): a Uyghur or
Korean page shows Chinese, never English, where its words are missing. A Chinese text that
changed is copied again. Run by ``make i18n`` after ``pybabel update``; it writes the ``.mo``
files too.

    python scripts/visitor_catalogs.py [json file of new translations, msgid -> text]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.messages.pofile import write_po

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from signage_server.i18n import VISITOR_LOCALES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "signage_server" / "translations"
CHINESE = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def _empty(text: object) -> bool:
    return not any(text) if isinstance(text, tuple | list) else not text


def _fallback(chinese: object, current: object) -> object:
    """The Chinese text in the catalog's shape (a plural has as many forms as the language)."""
    if isinstance(current, tuple | list):
        forms = chinese if isinstance(chinese, tuple | list) else (chinese,)
        return tuple(forms[min(i, len(forms) - 1)] for i in range(len(current)))
    return chinese


def main(argv: list[str]) -> None:
    added: dict[str, dict[str, str]] = (
        json.loads(Path(argv[1]).read_text(encoding="utf-8")) if argv[1:] else {}
    )
    with CHINESE.open("rb") as fh:
        chinese = {m.id: m.string for m in read_po(fh) if m.id}
    for locale in VISITOR_LOCALES:
        path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        own = fallback = 0
        for message in catalog:
            if not message.id:
                continue
            new = added.get(locale, {}).get(str(message.id))
            if new:
                message.string = new
                message.flags.discard("fuzzy")
            elif _empty(message.string) or message.fuzzy:
                message.string = _fallback(chinese.get(message.id, ""), message.string)
                message.flags.add("fuzzy")
            if message.fuzzy:
                fallback += 1
            else:
                own += 1
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=True)
        with path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=True)
        sys.stdout.write(f"{locale}: {own} messages translated, {fallback} shown in Chinese\n")


if __name__ == "__main__":
    main(sys.argv)
