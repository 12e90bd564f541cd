"""Where the fonts of the disclosure languages are on this machine (Debian's Noto packages).

Villagers' phones may lack a font for their script (an iPhone has none for traditional
Mongolian), so the public pages and the players load the one the language needs from the
server (``/fonts/<code>.ttf``) when the device has none of its own (``local()`` comes first in
``static/css/scripts.css``). The files are found with fontconfig, as WeasyPrint finds them for
the PDFs; the result is remembered for the life of the process.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from content.languages import LANGUAGES


@functools.cache
def family_file(family: str) -> Path | None:
    """Return the file fontconfig draws ``family``'s regular face with (``None``: no fontconfig,
    or the family is not installed: fontconfig's substitute for a missing family is refused).
    The PDFs' vertical Mongolian is measured with it (``content.vertical``), and the server
    serves the languages' files (:func:`font_file`)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    # The family comes from the registry of languages or the code, never from a request.
    try:
        found = subprocess.run(  # noqa: S603
            [fc_match, "-f", "%{family}\n%{file}", f"{family}:style=Regular"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    families, _, file = found.stdout.partition("\n")
    if family not in families.split(","):
        return None
    path = Path(file.strip())
    return path if path.is_file() else None


def font_file(code: str) -> Path | None:
    """Return the regular font file of the second language ``code`` as it can be served
    (``None``: unknown language, or its family is not installed)."""
    language = LANGUAGES.get(code)
    path = family_file(language.font) if language is not None else None
    # A collection (.ttc: the CJK families) cannot be served as one TrueType font.
    return path if path is not None and path.suffix.lower() in (".ttf", ".otf") else None
