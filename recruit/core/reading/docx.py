"""DOCX bytes to text: paragraphs of the body, tables, text boxes and the first page header."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from recruit.core.normalise import BULLET, is_bullet, normalise_word
from recruit.core.reading.result import Limits

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def parse_docx(data: bytes, limits: Limits) -> dict[str, Any]:
    """Parse a DOCX's bytes into the fields of a ReadResult (or {\"error\": code})."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - python-docx raises many types on broken packages
        return {"error": "corrupt"}
    lines: list[str] = []
    # Contact details often sit in the page header of DOCX templates.
    for section in document.sections[:1]:
        lines.extend(_docx_lines(section.header._element))
    lines.extend(_docx_lines(document.element.body))
    cid = fffd = 0
    out_lines: list[str] = []
    for line in lines:
        words = []
        for raw in line.split():
            t, c, f = normalise_word(raw)
            cid += c
            fffd += f
            if t:
                words.append(t)
        if words and is_bullet(words[0]):
            words[0] = BULLET
        if words:
            out_lines.append(" ".join(words))
    text = "\n".join(out_lines)
    pages = 1
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            app = z.read("docProps/app.xml").decode("utf-8", "replace")
        m = re.search(r"<Pages>(\d+)</Pages>", app)
        pages = max(1, int(m[1])) if m else 1
    except (KeyError, zipfile.BadZipFile, ValueError):
        pass
    if pages > limits.max_pages:
        return {"error": "too_many_pages", "pages": pages, "limit": limits.max_pages}
    created = document.core_properties.created
    fields: dict[str, Any] = {
        "text": text,
        "pages": pages,
        "page_starts": (0,),
        "cid": cid,
        "fffd": fffd,
        "doc_date": created.date() if created else None,
    }
    if sum(ch.isalnum() for ch in text) < 40:
        fields["error"] = "corrupt"
        fields["message"] = (
            "This Word document has no text we can read. Please upload your CV as a PDF."
        )
    return fields


def _docx_lines(root: Any) -> list[str]:
    """Return the text of every paragraph (body, tables, text boxes) in document order."""
    lines = []
    for p in root.iter(f"{_W}p"):
        if any(anc.tag == _MC_FALLBACK for anc in p.iterancestors()):
            continue  # the VML copy of a text box already read from mc:Choice
        if p.find(f".//{_W}p") is not None:
            continue  # a paragraph holding a text box: its inner paragraphs come next
        buf = []
        for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
            if el.tag == f"{_W}t":
                buf.append(el.text or "")
            else:
                buf.append("\n" if el.tag in (f"{_W}br", f"{_W}cr") else " ")
        lines.extend("".join(buf).split("\n"))
    return lines
