"""Traditional Mongolian set vertically on paper: the text broken into columns here, each column
then printed as one horizontal line turned 90° clockwise.

WeasyPrint, which prints our PDFs, has no ``writing-mode`` (Kozea/WeasyPrint#577), so a page
cannot ask for vertical lines. Unicode encodes Mongolian so that its horizontal forms are the
vertical ones turned a quarter to the left: a horizontal line turned 90° clockwise reads top to
bottom with the right glyphs, and the columns are then placed left to right as the script
wants. The breaking has to be done before the page is laid out (a turned line must not wrap
again), so it is done here, word by word, measured with the advance widths of the font file
(fontTools, which WeasyPrint depends on).

The shaper picks a joining form for each letter (initial, medial, final, isolated: the font's
``GSUB`` features), much narrower joined than the nominal letter, so each letter is measured in
the form its place in the word gives it; the further contextual variants the shaper may pick
are covered by filling a column to at most :data:`SAFETY` of its length (the tests check on the
printed page that no column overflows).

Pure (the font file is found by ``content.fonts.family_file``): no Flask.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SAFETY",
    "Column",
    "Metrics",
    "break_columns",
    "font_metrics",
]

#: The share of a column's length a line may fill (room for the shaper's choices).
SAFETY = 0.9
#: The advance of a character the font lacks (drawn by a fallback face: digits, Latin, CJK
#: punctuation), in ems: a wide (CJK) character is one em.
FALLBACK_NARROW = 0.62
FALLBACK_WIDE = 1.0

_SPACES = re.compile(r"[ \t]+")


#: The joining forms the shaper chooses by a letter's place in a word (OpenType features).
FORMS = ("isol", "init", "medi", "fina")
#: A letter of the Mongolian block joins its neighbours; anything else (a space, a digit, the
#: narrow no-break space before a suffix, the vowel separator) ends the joined run.
_JOINING = re.compile("[\u1820-\u18aa\u180b-\u180d\u200c\u200d]+")
#: Drawn as nothing of their own: free variation selectors, joiners.
_ZERO = frozenset("\u180b\u180c\u180d\u200c\u200d")


@dataclass(frozen=True)
class Metrics:
    """How wide a font sets each character in each joining form, in ems."""

    #: Per character: its advance isolated, initial, medial and final (:data:`FORMS`).
    advances: dict[int, tuple[float, float, float, float]]
    #: The width of a space, in ems.
    space: float

    def width(self, text: str) -> float:
        """Return the width of ``text`` in ems, each letter in the form its place in its
        joined run gives it (the font's contextual variants are covered by :data:`SAFETY`)."""
        total = 0.0
        position = 0
        for run in _JOINING.finditer(text):
            total += self._plain(text[position : run.start()])
            letters = [c for c in run.group() if c not in _ZERO]
            for index, char in enumerate(letters):
                last = len(letters) - 1
                form = 0 if last == 0 else 1 if index == 0 else 3 if index == last else 2
                total += self._advance(char, form)
            position = run.end()
        return total + self._plain(text[position:])

    def _plain(self, text: str) -> float:
        return sum(self._advance(char, 0) for char in text)

    def _advance(self, char: str, form: int) -> float:
        code = ord(char)
        if code in self.advances:
            return self.advances[code][form]
        if unicodedata.category(char) in ("Mn", "Cf"):
            return 0.0
        return FALLBACK_WIDE if unicodedata.east_asian_width(char) in "WF" else FALLBACK_NARROW


@functools.cache
def font_metrics(path: str | Path) -> Metrics:
    """Return the :class:`Metrics` of the font file at ``path`` (read once per process)."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(path, lazy=True)
    units = float(font["head"].unitsPerEm)
    hmtx = font["hmtx"]
    forms = _form_substitutions(font)
    advances: dict[int, tuple[float, float, float, float]] = {}
    for code, glyph in font.getBestCmap().items():
        widths = [hmtx[forms[tag].get(glyph, glyph)][0] / units for tag in FORMS]
        advances[code] = (widths[0], widths[1], widths[2], widths[3])
    space = advances.get(0x20, (0.25,) * 4)[0]
    return Metrics(advances=advances, space=space)


def _form_substitutions(font: object) -> dict[str, dict[str, str]]:
    """Return, for each joining form, the single substitutions (GSUB type 1, also inside
    extension lookups) its feature makes: nominal glyph to the glyph of that form."""
    found: dict[str, dict[str, str]] = {tag: {} for tag in FORMS}
    if "GSUB" not in font:  # type: ignore[operator]
        return found
    table = font["GSUB"].table  # type: ignore[index]
    if not table.FeatureList or not table.LookupList:
        return found
    lookups = table.LookupList.Lookup
    for record in table.FeatureList.FeatureRecord:
        if record.FeatureTag not in found:
            continue
        for index in record.Feature.LookupListIndex:
            lookup = lookups[index]
            for sub in lookup.SubTable:
                if lookup.LookupType == 7:  # extension: the real subtable inside
                    sub = sub.ExtSubTable
                if getattr(sub, "LookupType", lookup.LookupType) == 1 and sub.mapping:
                    for source, target in sub.mapping.items():
                        found[record.FeatureTag].setdefault(source, target)
    return found


@dataclass(frozen=True)
class Column:
    """One column of vertical text: a line to be turned 90° clockwise."""

    text: str
    #: The first column of a paragraph (set with its indent).
    first: bool = False


def break_columns(
    text: str, metrics: Metrics, length: float, *, indent: float = 0.0
) -> list[Column]:
    """Break ``text`` into columns of at most ``length`` ems (times :data:`SAFETY`), word by
    word; a paragraph (a line of ``text``) starts a new column, its first one ``indent`` ems
    shorter. A word longer than a column is cut between characters (never before a joiner or
    a variation selector, which belong to the letter before them).

    :raise ValueError: a column too short to hold one character.
    """
    room = length * SAFETY
    if room < 2 * FALLBACK_WIDE + indent:
        raise ValueError(f"a column of {length} ems is too short")
    columns: list[Column] = []
    for paragraph in text.split("\n"):
        words = [w for w in _SPACES.split(paragraph.strip()) if w]
        if not words:
            continue
        line: list[str] = []
        used = 0.0
        first = True

        def close() -> None:
            nonlocal line, used, first
            columns.append(Column(" ".join(line), first=first))
            line, used, first = [], 0.0, False

        for word in words:
            for piece in _pieces(word, metrics, room - indent):
                width = metrics.width(piece)
                limit = room - (indent if first else 0.0)
                needed = width + (metrics.space if line else 0.0)
                if line and used + needed > limit:
                    close()
                    needed = width
                line.append(piece)
                used += needed
        if line:
            close()
    return columns


def _pieces(word: str, metrics: Metrics, room: float) -> list[str]:
    """Return ``word`` cut into pieces no wider than ``room`` (itself when it fits)."""
    if metrics.width(word) <= room:
        return [word]
    pieces: list[str] = []
    current = ""
    for char in word:
        attached = unicodedata.category(char) in ("Mn", "Cf")
        if current and not attached and metrics.width(current + char) > room:
            pieces.append(current)
            current = ""
        current += char
    if current:
        pieces.append(current)
    return pieces
