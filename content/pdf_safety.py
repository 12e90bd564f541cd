"""Find active content in a PDF: scripts, launch actions, embedded files, rich media.

A PDF is kept as uploaded and may be opened by operators' browsers, whose PDF viewers run
scripts. Such PDFs are refused at upload (:func:`active_content`). The check works on the
bytes, not through a PDF library's object model, so that it sees what any reader could see:

- every name token anywhere in the file, including inside stream data, with ``#xx`` escapes
  decoded (``/J#61vaScript`` is ``/JavaScript``), is compared with the names that only active
  content uses (``/JavaScript``, ``/Launch``, ``/EmbeddedFile(s)``, ``/RichMedia…``,
  ``/ImportData``, ``/SubmitForm``);
- the same is done on the decompressed data of every Flate-compressed stream (object streams
  hide dictionaries there), with a bound on the decompressed size;
- the short keys ``/JS`` (a script), ``/AA`` (actions run on open, close, focus …) and ``/XFA``
  (scripted forms) are
  looked for outside stream data and in decompressed object streams only (three bytes occur by
  chance in compressed data);
- an object stream compressed with anything but Flate cannot be checked and is refused too.

Any JavaScript action names ``/S /JavaScript``, so a script anywhere (``/OpenAction``,
``/AA``, a link, the ``/Names`` tree) is found through that name even where ``/JS`` is not.
"""

from __future__ import annotations

import re
import zlib

__all__ = ["active_content"]

#: Names that only active content uses (prefixes: ``/EmbeddedFiles``, ``/RichMediaContent``).
_LONG = ("JavaScript", "Launch", "EmbeddedFile", "RichMedia", "ImportData", "SubmitForm")
#: Exact names, short enough to occur by chance in binary data.
_SHORT = ("JS", "AA", "XFA")
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r /%()<>\[\]{}]*)")
_STREAM = re.compile(rb"stream\r?\n")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
#: Decompressed bytes looked at, in all (a PDF may legitimately hold large images).
_OTHER_FILTERS = frozenset(
    {"ASCIIHexDecode", "AHx", "ASCII85Decode", "A85", "LZWDecode", "LZW", "RunLengthDecode", "RL"}
)
_INFLATE_BUDGET = 256 * 1024 * 1024
_DICT_BEFORE_STREAM = 4096


def _names(data: bytes) -> set[str]:
    found = set()
    for match in _NAME.finditer(data):
        raw = match.group(1)
        if b"#" in raw:
            raw = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
        found.add(raw.decode("latin-1"))
    return found


def _long_name(names: set[str]) -> str | None:
    for name in sorted(names):
        if any(name.startswith(bad) for bad in _LONG):
            return name
    return None


def _streams(data: bytes) -> list[tuple[bytes, int, int]]:
    """Return (dictionary before, start, end) of each stream's data (end: first endstream)."""
    spans: list[tuple[bytes, int, int]] = []
    position = 0
    while True:
        match = _STREAM.search(data, position)
        if match is None:
            return spans
        start = match.end()
        end = data.find(b"endstream", start)
        end = len(data) if end < 0 else end
        head = data[max(0, match.start() - _DICT_BEFORE_STREAM) : match.start()]
        head = head[head.rfind(b"obj") + 3 :] if b"obj" in head else head
        spans.append((head, start, end))
        position = start


def _inflate(data: bytes, budget: int) -> bytes | None:
    try:
        inflater = zlib.decompressobj()
        return inflater.decompress(data, budget)
    except zlib.error:
        return None


def active_content(data: bytes) -> str | None:
    """Return the first name that marks *data* as a PDF with active content, or None."""
    found = _long_name(_names(data))
    if found:
        return found
    outside = bytearray()
    position = 0
    budget = _INFLATE_BUDGET
    for head, start, end in _streams(data):
        outside += data[position:start]
        position = end
        head_names = _names(head)
        object_stream = "ObjStm" in head_names
        filters = {"FlateDecode", "Fl"} & head_names
        other_filter = bool(head_names & _OTHER_FILTERS)
        if object_stream and (other_filter or ("Filter" in head_names and not filters)):
            return "ObjStm"
        if not filters or budget <= 0:
            continue
        inflated = _inflate(data[start:end], budget)
        if inflated is None:
            continue
        budget -= len(inflated)
        names = _names(inflated)
        found = _long_name(names)
        if found:
            return found
        if object_stream and names & set(_SHORT):
            return sorted(names & set(_SHORT))[0]
    outside += data[position:]
    short = _names(bytes(outside)) & set(_SHORT)
    return sorted(short)[0] if short else None
