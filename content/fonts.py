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
def font_file(code: str) -> Path | None:
    """Return the regular font file of the second language ``code`` (``None``: unknown
    language, no fontconfig, or its family is not installed: fontconfig's substitute for a
    missing family is refused)."""
    language = LANGUAGES.get(code)
    fc_match = shutil.which("fc-match")
    if language is None or fc_match is None:
        return None
    # The arguments come from the registry above, never from the request.
    found = subprocess.run(  # noqa: S603
        [fc_match, "-f", "%{family}\n%{file}", f"{language.font}:style=Regular"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    families, _, file = found.stdout.partition("\n")
    if language.font not in families.split(","):
        return None
    path = Path(file.strip())
    # A collection (.ttc: the CJK families) cannot be served as one TrueType font.
    return path if path.suffix.lower() in (".ttf", ".otf") and path.is_file() else None
