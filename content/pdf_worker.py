"""Check and render one PDF in a process of its own (run by :class:`content.assets.PdfRenderer`).

``python -m content.pdf_worker WIDTH MAX_PAGES CPU_SECONDS`` reads the PDF on standard input and
writes one line of JSON, then the page images: ``{"inspected": {...}, "sizes": [n, ...]}``
followed by the PNG bytes of each page one after the other, or ``{"error": {"status", "code",
"message"}}``. The process limits its own CPU time and memory, so a render stuck in PDFium
dies even if its parent is gone, and a hostile file cannot exhaust the server's memory.
"""

from __future__ import annotations

import dataclasses
import json
import resource
import sys

#: Address space the worker may use, in bytes.
MEMORY_LIMIT = 3 * 1024**3


def main(argv: list[str]) -> int:
    width, max_pages, cpu_seconds = (int(a) for a in argv[:3])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds + 1, cpu_seconds + 2))
    # A hostile file must not take the server's memory either (a page bitmap is at most
    # 25 million pixels, about 100 MB).
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    from content.assets import AssetRejected
    from content.assets import check_and_render_pdf

    data = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    try:
        inspected, pages = check_and_render_pdf(data, max_pages, width)
    except AssetRejected as error:
        answer = {"status": error.status, "code": error.code, "message": error.message}
        out.write(json.dumps({"error": answer}).encode() + b"\n")
        return 0
    header = {"inspected": dataclasses.asdict(inspected), "sizes": [len(p) for p in pages]}
    out.write(json.dumps(header).encode() + b"\n")
    for page in pages:
        out.write(page)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
