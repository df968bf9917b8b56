"""Content streams: our tokenizer gives pdfminer's tokens, the reader reads what pdfminer's
interpreter reads, and what the tokenizer is unsure of is left to pdfminer."""

from __future__ import annotations

import contextlib
import time
from io import BytesIO
from typing import Any

import pytest
from pdfminer import cmapdb, pdffont
from pdfminer.cmapdb import FileUnicodeMap
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, PDFStream
from pdfminer.psparser import PSEOF, PSBaseParser, PSSyntaxError

from recruit.core.reading import Limits, content, pdf
from recruit.core.reading.result import Timeout
from tests import cvgen
from tests.conftest import SHARED
from tests.fuzz import hostile

# Every kind of token a CV's content stream holds, in the spellings writers use: signs and
# bare decimal points, names with #xx escapes, nested and escaped strings (octal, a line
# continuation, an escape pdfminer drops), hex strings with spaces, nested arrays and
# dictionaries (marked content), comments, the quote operators, NUL between tokens.
SAMPLE = b"".join(
    (
        rb"BT /F1 12 Tf 72 720.5 Td -3 .5 -.25 +4 5. Tz",
        rb" (Hello \(world\) \101\102C \n\\ x) Tj",
        rb" [(A) -120 (B) 33.5 <48 65 6c6C6f>] TJ /Name#20with#2Fhex /Spaced",
        b"% a comment\r\n",
        b" (nested (paren) string) ' 1 2 (q) \" T* true false",
        rb" /Span << /MCID 3 /Alt (x) /A [1 [2] << /B 3 >>] >> BDC EMC",
        b" (line \\\r\ncontinued \\\nhere) Tj (\\q dropped) Tj \x00 Q ET",
    )
)


def pdfminer_tokens(data: bytes) -> list[Any]:
    parser = PSBaseParser(BytesIO(data))
    found = []
    while True:
        try:
            found.append(parser.nexttoken()[1])
        except PSEOF:
            return found


def typed(tokens: list[Any]) -> list[tuple[type, Any]]:
    return [(type(t), t) for t in tokens]  # True == 1, but a bool is no number here


def test_the_tokens_are_pdfminers() -> None:
    ours = content.tokens(SAMPLE)
    assert typed(ours) == typed(pdfminer_tokens(SAMPLE))
    assert b"Hello (world) ABC \n\\ x" in ours  # \101\102: A and B
    assert b"line continued here" in ours


@pytest.mark.parametrize(
    "data",
    [
        b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI",  # an inline image: binary data
        b"{ 1 } exec",  # a procedure
        b"<414> Tj",  # an odd hex string
        rb"(\777) Tj",  # an octal escape over 255
        b"[ 1 >> TJ",  # mismatched brackets
        b"<< /A >> BDC",  # a key without a value
        b"[ (open",  # an unterminated string
        b"1.2.3 Tc",  # a number pdfminer splits in two
        b"] Tj",  # a bracket that closes nothing
        b"/A#G Do",  # a name escape that is no escape
    ],
)
def test_what_it_is_unsure_of_is_left_to_pdfminer(data: bytes) -> None:
    with pytest.raises(content.Unusual):
        content.tokens(data)


def test_a_stream_of_millions_of_tokens_stops_at_the_deadline() -> None:
    with pytest.raises(Timeout):
        content.tokens(b"1 " * 10_000, deadline=time.monotonic() - 1)


def _both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    limits = Limits(isolate=False)
    ours = pdf.parse_pdf(data, limits)
    with monkeypatch.context() as m:
        m.setattr(pdf, "_Interpreter", PDFPageInterpreter)
        m.setattr(pdf, "fast_objects", lambda doc, data: None)
        theirs = pdf.parse_pdf(data, limits)
    return ours, theirs


@pytest.mark.parametrize("layout", cvgen.LAYOUTS)
@pytest.mark.parametrize("order", ["flow", "rows", "words", "shuffled"])
def test_cvs_read_as_with_pdfminers_interpreter(
    layout: str, order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for doc in cvgen.sample_cvs().values():
        ours, theirs = _both(cvgen.render_pdf(doc, layout, file_order=order), monkeypatch)
        assert ours == theirs
        assert ours["text"]


def test_a_page_with_an_inline_image_reads_as_with_pdfminers_interpreter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    image = b"q 10 0 0 10 72 600 cm BI /W 2 /H 1 /BPC 8 /CS /G ID \x00\xff EI Q "
    data = hostile.one_page(hostile.stream(image + hostile.TEXT * 3))
    ours, theirs = _both(data, monkeypatch)
    assert ours == theirs
    assert "Account manager" in ours["text"]


TO_UNICODE = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <0000> <FFFF> endcodespacerange
3 beginbfchar <0003> <0020> <0011> <002E> <0024> <00610306> endbfchar
2 beginbfrange <0040> <0042> <0061> <0050> <0051> [<0219> <021B>] endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end"""


def test_a_tounicode_cmap_maps_as_with_pdfminers_parser() -> None:
    ours, theirs = FileUnicodeMap(), FileUnicodeMap()
    content.CMapParser(ours, BytesIO(TO_UNICODE)).run()
    cmapdb.CMapParser(theirs, BytesIO(TO_UNICODE)).run()
    assert ours.cid2unichr == theirs.cid2unichr
    assert [ours.cid2unichr[cid] for cid in (0x24, 0x41, 0x51)] == ["a\u0306", "b", "ț"]


HEAD = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
TAIL = b"\nCMapName currentdict /CMap defineresource pop end end"


@pytest.mark.parametrize(
    "body",
    [
        b"2 beginbfchar\n<41> <0042>\n<0043> <00440045>\nendbfchar",  # the common form
        b"1 beginbfchar <41> <0042> endbfchar 1 beginbfchar <41> <0043> endbfchar",  # later wins
        b"1 beginbfchar <20> <0020> endbfchar 1 beginbfchar <20> <00A0> endbfchar",  # NBSP kept out
        b"% 1 beginbfchar <41> <0042> endbfchar\n1 beginbfchar <42> <0043> endbfchar",  # a comment
        b"(50%) 1 beginbfchar <41> <0042> endbfchar",  # a % in a string on the line
        b"1 beginbfchar\x00<41> <0042> endbfchar",  # a NUL does not end the keyword
        b"1 beginbfchar <41> <0042> endbfchar\x00 1 beginbfchar <42> <0043> endbfchar",
        b"<< /A 1 beginbfchar <41> <0042> endbfchar >>",  # inside a dictionary
        b"[ beginbfchar <41> <0042> endbfchar ]",  # inside an array
        b"1 beginbfchar <4 1> <0042> <43> <0044> endbfchar",  # spaces inside a hex string
        b"1 beginbfchar <411> <0042> endbfchar",  # an odd digit
        b"1 beginbfchar <41> /B <42> <0043> endbfchar",  # a glyph name
        b"1 beginbfchar <> <0042> <41> <> endbfchar",  # empty hex strings
        b"(beginbfchar <41> <0042> endbfchar)",  # inside a string
        b"endcmap 1 beginbfchar <41> <0042> endbfchar",  # outside the CMap: no map
    ],
)
def test_bfchar_blocks_map_as_with_pdfminers_parser(body: bytes) -> None:
    ours, theirs = FileUnicodeMap(), FileUnicodeMap()
    parsers = [
        content.CMapParser(ours, BytesIO(HEAD + body + TAIL)),
        cmapdb.CMapParser(theirs, BytesIO(HEAD + body + TAIL)),
    ]
    for parser in parsers:
        parser.run()
    assert ours.cid2unichr == theirs.cid2unichr
    # What is left on the operand stack too (outside the CMap, the pairs stay there).
    stacks = [[value for _, value in parser.curstack] for parser in parsers]
    assert stacks[0] == stacks[1]


def test_a_plain_bfchar_block_is_read_whole_not_token_by_token() -> None:
    parts = content._cmap_parts(HEAD + b"2 beginbfchar\n<41> <0042>\n<43> <0044>\nendbfchar" + TAIL)
    assert [p for p in parts if isinstance(p, bytes)] == [b"\n<41> <0042>\n<43> <0044>"]


def test_a_cmap_pdfminer_fails_on_fails_the_same_way() -> None:
    # "def" inside a dictionary takes two values off it: pdfminer's odd dictionary error.
    broken = b"/CIDInit begincmap << /A 1 /B def >> endcmap"
    for parser in (content.CMapParser, cmapdb.CMapParser):
        with pytest.raises(PSSyntaxError):
            parser(FileUnicodeMap(), BytesIO(broken)).run()


def _cmaps_both_ways(data: bytes) -> int:
    """Map every ToUnicode CMap of `data` with pdfminer's parser and ours; return how many."""
    doc = PDFDocument(PDFParser(BytesIO(data)))
    streams = {}
    for xref in doc.xrefs:
        for objid in xref.get_objids():
            with contextlib.suppress(Exception):  # objects pdfminer cannot read are no fonts
                font = doc.getobj(objid)
                if isinstance(font, dict) and isinstance(font.get("ToUnicode"), PDFObjRef):
                    stream = font["ToUnicode"].resolve()
                    streams[id(stream)] = stream.get_data()
    for cmap in streams.values():
        ours, theirs = FileUnicodeMap(), FileUnicodeMap()
        content.CMapParser(ours, BytesIO(cmap)).run()
        cmapdb.CMapParser(theirs, BytesIO(cmap)).run()
        assert ours.cid2unichr == theirs.cid2unichr
    return len(streams)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not here")
def test_real_pdfs_tounicode_cmaps_map_as_with_pdfminers_parser() -> None:
    files = sorted((SHARED / "data").rglob("*.pdf"))
    # Every fifth, for time: 746 CMaps in all, the same from both parsers when written.
    assert sum(_cmaps_both_ways(f.read_bytes()) for f in files[::5]) > 100


def test_pdfminer_keeps_its_own_cmap_parser_outside_our_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    theirs = pdffont.CMapParser
    with content.fast_cmaps(), content.fast_cmaps():
        assert pdffont.CMapParser is content.CMapParser
    assert pdffont.CMapParser is theirs
    # And our CMaps read the generated CVs' embedded fonts as pdfminer's parser does.
    data = cvgen.render_pdf(cvgen.sample_cvs()["ro"], "two_column")
    ours = pdf.parse_pdf(data, Limits(isolate=False))
    monkeypatch.setattr(pdf, "fast_cmaps", contextlib.nullcontext)
    assert ours == pdf.parse_pdf(data, Limits(isolate=False))


def test_our_glyph_loop_places_every_glyph_where_pdfminers_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pdfminer.pdfdevice import PDFTextDevice

    # Character and word spacing, horizontal scaling, rise, kerning in TJ, a rotated line.
    spaced = (
        b"BT /F1 11 Tf 2 Tc 4 Tw 90 Tz 1 Ts 72 700 Td (Account manager, vanzari) Tj"
        b" [(Nego) -250 (ciere) 120 (Portofoliu)] TJ ET"
        b" BT /F1 9 Tf 0 1 -1 0 30 300 Tm (CURRICULUM VITAE) Tj ET "
    )
    pages = [
        hostile.one_page(hostile.stream(spaced + hostile.TEXT)),
        cvgen.render_pdf(cvgen.sample_cvs()["en"], "sidebar_left", file_order="words"),
    ]
    for data in pages:
        ours = pdf.parse_pdf(data, Limits(isolate=False))
        with monkeypatch.context() as m:
            m.setattr(
                pdf._CharDevice, "render_string_horizontal", PDFTextDevice.render_string_horizontal
            )
            assert ours == pdf.parse_pdf(data, Limits(isolate=False))
        assert "CURRICULUM" not in ours["text"]  # rotated: decoration
    assert "ortofoliu" in pdf.parse_pdf(pages[0], Limits(isolate=False))["text"]  # it is read


# Indirect objects as writers spell them, and the ones our object reader must leave to
# pdfminer: a reference as the whole object, nulls, a stray R, a string holding "endobj", a
# stream, a procedure, two objects where one belongs, a key without a value.
OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [] /Count 0 >>",
    b"<< /Type /Font /Widths [600 500.5 -3 .5 +7] /Name (a\\)b) /Hex <41 42> /N null"
    b" /Ref 3 0 R /Nested << /A [1 [2] << /B /C#20D >>] >> >>",
    b"[1 0 R null 2 0 R /A#20B true false % a comment\r\n 4]",
    b"5 0 R",
    b"42",
    b"/Name",
    b"[1 R 2 (x) 0 R 3]",
    b"(a string that says endobj inside)",
    b"<< /Length 5 >>\nstream\nhello\nendstream",
    b"{ 1 2 add }",
    b"1 2",
    b"<< /A 1 /B >>",
    b"[ (open",
    b"<</Compact/Spelling[1 2]/X<</Y 1 0 R>>>>",
]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, PDFObjRef):
        return isinstance(b, PDFObjRef) and a.objid == b.objid and a.doc is b.doc
    if isinstance(a, PDFStream):
        return isinstance(b, PDFStream) and _same(a.attrs, b.attrs) and a.rawdata == b.rawdata
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a is b if not isinstance(a, (int, float, bytes, str)) else a == b


def _objects_both_ways(data: bytes) -> int:
    """Parse every plain object of `data` with pdfminer and with ours; return how many."""
    doc = PDFDocument(PDFParser(BytesIO(data)))
    theirs = doc._getobj_parse
    content.fast_objects(doc, data)
    count = 0
    for xref in doc.xrefs:
        for objid in xref.get_objids():
            in_stream, pos, _ = xref.get_pos(objid)
            if in_stream is not None:
                continue
            outcomes = []
            for parse in (theirs, doc._getobj_parse):
                try:
                    outcomes.append(parse(pos, objid))
                except Exception as exc:  # pdfminer's own error must stay the same
                    outcomes.append(type(exc))
            assert _same(*outcomes), (objid, outcomes)
            count += 1
    return count


def test_plain_objects_parse_as_with_pdfminers_parser() -> None:
    data = cvgen._raw_pdf(OBJECTS)
    assert _objects_both_ways(data) == len(OBJECTS)
    doc = PDFDocument(PDFParser(BytesIO(data)))
    content.fast_objects(doc, data)
    font = doc.getobj(3)
    assert font["Widths"] == [600, 500.5, -3, 0.5, 7] and font["Name"] == b"a)b"
    assert "N" not in font and font["Ref"].objid == 3  # a null value is no key, as pdfminer
    assert doc.getobj(5).objid == 5  # an object that is a reference
    assert doc.getobj(8) == [1, 2, 3]  # a stray R takes nothing; "(x) 0 R" names no object
    assert doc.getobj(10).get_data() == b"hello"  # a stream: pdfminer's reading


def test_the_generated_cvs_objects_parse_as_with_pdfminers_parser() -> None:
    for layout in cvgen.LAYOUTS:
        assert _objects_both_ways(cvgen.render_pdf(cvgen.sample_cvs()["ro"], layout)) > 10


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not here")
def test_real_pdfs_objects_parse_as_with_pdfminers_parser() -> None:
    files = sorted((SHARED / "data").rglob("*.pdf"))
    assert len(files) > 100
    # Every seventh, for time: the real CVs and the Europass editor's samples alike.
    assert sum(_objects_both_ways(f.read_bytes()) for f in files[::7]) > 1000
