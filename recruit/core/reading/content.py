"""Content streams and CMaps read faster: pdfminer's parsers fed by a tokenizer of our own.

pdfminer parses a page's operators a byte-state at a time, with a debug log call per token:
on CV pages that was most of the reading (real resumes draw 15-20 thousand tokens a page).
Here one regular expression splits the whole stream into tokens, which are then run through
pdfminer's own operator methods exactly as its `execute` runs them (the same operand stack,
the same arrays and dictionaries). The tokens are pdfminer's, value for value; whatever this
tokenizer does not know for certain to read the same (inline images, procedures, octal
escapes over 255, stray characters) leaves that stream to pdfminer, whole. A font's
ToUnicode CMap, parsed again for every document, is tokenized the same way (`fast_cmaps`),
and so are a document's plain indirect objects, a font's widths above all (`fast_objects`).
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from io import BytesIO
from typing import Any

from pdfminer import cmapdb, pdffont
from pdfminer.casting import safe_int
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import PDFObjRef, PDFStream, stream_value
from pdfminer.psparser import KWD, LIT, PSKeyword, PSLiteral, PSSyntaxError, literal_name
from pdfminer.utils import nunpack

from recruit.core.reading.result import Timeout


class Unusual(Exception):
    """Raised for input this tokenizer leaves to pdfminer."""


# One token at a time, after the whitespace (and NUL) and comments before it, which match no
# group; the groups, in order: a float, an int, a name, a keyword, an operator of one quote,
# a literal string's "(", a hex string, "<<", ">>", "[", "]". Names and keywords end where
# pdfminer ends them (END_LITERAL, END_KEYWORD); a number followed by "." again ("1.2.3") or
# a sign alone, anything else, matches no group here.
_TOKEN = re.compile(
    rb"(?:[\s\x00]++|%[^\r\n]*+)*+(?:"
    rb"([-+]?(?:[0-9]++\.[0-9]*+|\.[0-9]++))(?![.0-9])"
    rb"|([-+]?[0-9]++)(?![.0-9])"
    rb"|/((?:[^#/%\[\]()<>{}\s]|#[0-9A-Fa-f]{2})*+)(?!#)"
    rb"|([A-Za-z][^#/%\[\]()<>{}\s]*+)(?!#)"
    rb"|(['\"])"
    rb"|(\()"
    rb"|<([0-9A-Fa-f\s]*)>(?!>)"
    rb"|(<<)|(>>)|(\[)|(\]))?"
)
_NAME_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_SPACE = re.compile(rb"\s")
_STRING_STOP = re.compile(rb"[()\\]")
_ESCAPES = {ord(k): bytes((v,)) for k, v in zip("btnfr()\\", b"\b\t\n\f\r()\\", strict=True)}

ARRAY_BEGIN, ARRAY_END = KWD(b"["), KWD(b"]")
DICT_BEGIN, DICT_END = KWD(b"<<"), KWD(b">>")
_REF, _NULL = KWD(b"R"), KWD(b"null")
# "12 0 obj", where the document's cross-reference table says object 12 starts.
_OBJECT_HEAD = re.compile(rb"[\s\x00]*([0-9]+)[\s\x00]+[0-9]+[\s\x00]+obj(?=[\s\x00<\[/(%]|$)")

Token = int | float | bool | bytes | PSLiteral | PSKeyword


def tokens(data: bytes, deadline: float = float("inf")) -> list[Token]:
    """Split PostScript-syntax `data` into the tokens pdfminer's PSBaseParser gives, or raise
    Unusual where this function is not sure to give the same (Timeout past `deadline`: a
    hostile stream of millions of tokens is cut short here too, as pdfminer's was).

    Arrays and dictionaries must close in order, and a dictionary have a value for each key:
    pdfminer's handling of the others (ignored, or an error for the whole page) stays its own.
    """
    out: list[Token] = []
    append = out.append
    keywords: dict[bytes, Token] = {b"true": True, b"false": False}
    opened: list[list[Any]] = []  # [the token that opened it, how many items so far]
    pos, end = 0, len(data)
    match = _TOKEN.match
    while pos < end:
        m = match(data, pos)
        if m is None or m.end() == pos:  # nothing to skip and no token here
            raise Unusual(data[pos : pos + 1])
        pos = m.end()
        kind = m.lastindex
        if kind is None:
            continue  # whitespace or a comment at the end, or before what no token matches
        if not len(out) & 4095 and time.monotonic() > deadline:
            raise Timeout
        if opened and kind < 8:
            opened[-1][1] += 1  # one more item in the array or dictionary being read
        if kind == 2:
            append(int(m.group(2)))
        elif kind == 4:
            word = m.group(4)
            token = keywords.get(word)
            if token is None:
                if word in (b"BI", b"ID"):
                    raise Unusual("an inline image")
                token = keywords[word] = KWD(word)
            append(token)
        elif kind == 1:
            append(float(m.group(1)))
        elif kind == 3:
            append(_name(m.group(3)))
        elif kind == 6:
            text, pos = _string(data, pos)
            append(text)
        elif kind == 7:
            append(_hex(m.group(7)))
        elif kind == 5:
            append(KWD(m.group(5)))
        elif kind in (8, 10):
            opened.append([ARRAY_BEGIN if kind == 10 else DICT_BEGIN, 0])
            append(opened[-1][0])
        else:
            if not opened:
                raise Unusual("a bracket closes nothing")
            begin, count = opened.pop()
            if (begin is ARRAY_BEGIN) != (kind == 11) or (kind == 9 and count % 2):
                raise Unusual("mismatched brackets or a key without a value")
            if opened:
                opened[-1][1] += 1
            append(ARRAY_END if kind == 11 else DICT_END)
    if opened:
        raise Unusual("an array or dictionary left open")
    return out


def _name(raw: bytes) -> PSLiteral:
    if b"#" in raw:
        raw = _NAME_HEX.sub(lambda m: bytes((int(m.group(1), 16),)), raw)
    try:
        return LIT(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return LIT(raw)


def _hex(raw: bytes) -> bytes:
    try:  # whitespace between pairs of digits only (or none): the same pairs as stripped
        return bytes.fromhex(raw.decode("ascii"))
    except ValueError:
        pass
    digits = _SPACE.sub(b"", raw)
    if len(digits) % 2:
        raise Unusual("odd hex string")  # pdfminer reads the last digit alone, as its value
    return bytes.fromhex(digits.decode("ascii"))


def _string(data: bytes, pos: int) -> tuple[bytes, int]:
    """Read a literal string from just after its "(" as pdfminer does; return it and the end."""
    parts: list[bytes] = []
    depth, start, n = 1, pos, len(data)
    while True:
        m = _STRING_STOP.search(data, pos)
        if m is None:
            raise Unusual("unterminated string")
        j = m.start()
        c = data[j]
        if c == 0x5C:  # a backslash
            parts.append(data[start:j])
            k = j + 1
            if k >= n:
                raise Unusual("unterminated string")
            e = data[k]
            if 0x30 <= e <= 0x37:
                stop = k + 1
                while stop < min(k + 3, n) and 0x30 <= data[stop] <= 0x37:
                    stop += 1
                code = int(data[k:stop], 8)
                if code > 255:
                    raise Unusual("octal escape over 255")  # pdfminer fails on it
                parts.append(bytes((code,)))
                pos = stop
            elif e in _ESCAPES:
                parts.append(_ESCAPES[e])
                pos = k + 1
            elif e == 0x0D and data[k + 1 : k + 2] == b"\n":
                pos = k + 2
            else:
                pos = k + 1  # pdfminer drops the character after an unknown escape
            start = pos
            continue
        pos = j + 1
        if c == 0x28:
            depth += 1
        else:
            depth -= 1
            if not depth:
                parts.append(data[start:j])
                return b"".join(parts), pos


class Interpreter(PDFPageInterpreter):  # type: ignore[misc]
    """pdfminer's page interpreter, executing content streams tokenized by `tokens`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # keyword -> (its operator method or None, how many operands it takes)
        self._operators: dict[PSKeyword, tuple[Callable[..., None] | None, int]] = {}

    def execute(self, streams: Sequence[object]) -> None:
        """Run the operators of `streams`, as pdfminer's `execute` does."""
        valid: list[PDFStream] = []
        ids: list[int] = []
        for obj in streams:
            stream = stream_value(obj)
            # As pdfminer: no inline streams, and no stream that is running already above us.
            if stream.objid is None or stream.objid in self.parent_stream_ids:
                return super().execute(streams)  # it logs the warnings
            valid.append(stream)
            ids.append(stream.objid)
        try:
            # Streams join as if a space separated them (pdfminer's fix of its #1157).
            data = b"\n".join(s.get_data() for s in valid)
            found = tokens(data, getattr(self.device, "deadline", float("inf")))
        except Unusual:
            return super().execute(streams)
        self.stream_ids.clear()
        self.stream_ids.update(ids)
        self._run(found)

    def _run(self, found: list[Token]) -> None:
        # Arrays and dictionaries being built: (kind, items so far); keywords inside them are
        # items, as in pdfminer's PSStackParser.
        context: list[tuple[PSKeyword, list[Any]]] = []
        operators = self._operators
        for token in found:
            if context:
                if token is ARRAY_END or token is DICT_END:
                    kind, items = context.pop()  # `tokens` saw that they match
                    value: Any = items if kind is ARRAY_BEGIN else _dict(items)
                    if context:
                        context[-1][1].append(value)
                    else:
                        self.argstack.append(value)
                elif token is ARRAY_BEGIN or token is DICT_BEGIN:
                    context.append((token, []))
                else:
                    context[-1][1].append(token)
                continue
            if not isinstance(token, PSKeyword):
                self.argstack.append(token)
                continue
            if token is ARRAY_BEGIN or token is DICT_BEGIN:
                context.append((token, []))
                continue
            known = operators.get(token)
            if known is None:
                known = operators[token] = self._operator(token)
            func, nargs = known
            if func is None:
                continue
            if nargs:
                args = self.pop(nargs)
                if len(args) == nargs:
                    func(*args)
            else:
                func()

    def _operator(self, token: PSKeyword) -> tuple[Callable[..., None] | None, int]:
        name = str(token.name, "utf-8", "ignore")
        method = "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
        func = getattr(self, method, None)
        if func is None:
            return None, 0
        return func, func.__code__.co_argcount - 1


def _dict(items: list[Any]) -> dict[str, Any]:
    return {
        literal_name(k): v for k, v in zip(items[::2], items[1::2], strict=True) if v is not None
    }


class CMapParser(cmapdb.CMapParser):  # type: ignore[misc]
    """pdfminer's CMap parser, its tokens read by `tokens` (or by itself where unusual)."""

    def run(self) -> None:
        """Read the CMap into its map, as pdfminer's `run` does.

        pdfminer's `nextobject` loop, without its per-token bookkeeping: values go on the
        operand stack, arrays and dictionaries are built in place, and every other keyword
        goes to pdfminer's own `do_keyword` (bfchar, bfrange, cidrange ...). A CMap never
        yields a result, so that loop only ever ends at the end of the data, as this one.
        A bfchar block of plain hex pairs, most of a ToUnicode CMap, is read by one regular
        expression and its pairs mapped as pdfminer's `endbfchar` maps them.
        """
        parts = None
        if isinstance(self.fp, BytesIO):
            with contextlib.suppress(Unusual):
                parts = _cmap_parts(self.fp.getvalue())
        if parts is None:
            super().run()
            return
        for part in parts:
            if isinstance(part, list):
                self._feed(part)
            elif self._in_cmap:
                self.popall()  # what "beginbfchar" does; "endbfchar" then maps its pairs
                add = self.cmap.add_cid2unichr
                for m in _BFCHAR_PAIR.finditer(part):
                    add(nunpack(bytes.fromhex(m[1].decode())), bytes.fromhex(m[2].decode()))
            else:  # outside begincmap/endcmap the keywords do nothing: the values stay
                for m in _BFCHAR_PAIR.finditer(part):
                    self.push((0, bytes.fromhex(m[1].decode())))
                    self.push((0, bytes.fromhex(m[2].decode())))

    def _feed(self, found: list[Token]) -> None:
        for token in found:
            if token is ARRAY_BEGIN:
                self.start_type(0, "a")
            elif token is ARRAY_END:
                self.push(self.end_type("a"))  # `tokens` saw that brackets match
            elif token is DICT_BEGIN:
                self.start_type(0, "d")
            elif token is DICT_END:
                pos, items = self.end_type("d")
                if len(items) % 2:  # a keyword inside took a value away, as in pdfminer
                    raise PSSyntaxError(f"Invalid dictionary construct: {items!r}")
                self.push((pos, _dict(items)))
            elif isinstance(token, PSKeyword):
                self.do_keyword(0, token)
            else:
                self.push((0, token))


# "beginbfchar", pairs of hex strings of whole bytes, "endbfchar", each keyword a whole token
# (a NUL does not end a keyword). Other blocks (hex with spaces inside, an odd digit, a glyph
# name) are tokenized with the rest.
_BFCHAR_BLOCK = re.compile(
    rb"(?<![^\s])beginbfchar"
    rb"((?:\s[\s\x00]*+<(?:[0-9A-Fa-f]{2})*+>[\s\x00]*+<(?:[0-9A-Fa-f]{2})*+>)*+)"
    rb"\s[\s\x00]*+endbfchar(?=[\s/\[\]()<>{}%]|$)"
)
_BFCHAR_PAIR = re.compile(rb"<([0-9A-Fa-f]*)>[\s\x00]*<([0-9A-Fa-f]*)>")


def _cmap_parts(data: bytes) -> list[list[Token] | bytes]:
    """Split a CMap into runs of tokens and the bodies of its plain bfchar blocks, in order.

    Raises Unusual where a block might not be what pdfminer reads (a "%" earlier on its line
    may make it a comment), and wherever `tokens` does (a block inside a string, array or
    dictionary leaves the run before it open).
    """
    parts: list[list[Token] | bytes] = []
    pos = 0
    for m in _BFCHAR_BLOCK.finditer(data):
        line = max(data.rfind(b"\n", pos, m.start()), data.rfind(b"\r", pos, m.start()))
        if b"%" in data[max(line, pos) : m.start()]:
            raise Unusual("a bfchar block after a % on its line")
        parts.append(tokens(data[pos : m.start()]))
        parts.append(m[1])
        pos = m.end()
    parts.append(tokens(data[pos:]))
    return parts


_PDFMINERS_CMAP_PARSER = pdffont.CMapParser
_cmaps_lock = threading.Lock()
_cmaps_users = [0]


@contextlib.contextmanager
def fast_cmaps() -> Iterator[None]:
    """Let pdfminer's fonts parse their ToUnicode CMaps with `CMapParser` meanwhile.

    pdfminer's fonts name the parser in their module; it is swapped back when the last
    reader in this process is done, so pdfplumber used on its own stays pdfplumber.
    """
    with _cmaps_lock:
        _cmaps_users[0] += 1
        pdffont.CMapParser = CMapParser  # type: ignore[misc]
    try:
        yield
    finally:
        with _cmaps_lock:
            _cmaps_users[0] -= 1
            if not _cmaps_users[0]:
                pdffont.CMapParser = _PDFMINERS_CMAP_PARSER  # type: ignore[misc]


def fast_objects(doc: PDFDocument, data: bytes) -> None:
    """Let `doc` (opened on `data`) parse its plain indirect objects with `tokens`.

    pdfminer reads each object a byte-state at a time; a CV's fonts alone hold thousands of
    numbers (their glyph widths), parsed again for every document. An object that is a stream,
    or holds anything `tokens` leaves to pdfminer, is still pdfminer's own reading. Only this
    document is changed: its `_getobj_parse`, where pdfminer parses one object of the file.
    """
    pdfminers = doc._getobj_parse

    def getobj_parse(pos: int, objid: int) -> object:
        try:
            return _plain_object(doc, data, pos, objid)
        except Unusual:
            return pdfminers(pos, objid)

    doc._getobj_parse = getobj_parse  # type: ignore[method-assign]


def _plain_object(doc: PDFDocument, data: bytes, pos: int, objid: int) -> object:
    head = _OBJECT_HEAD.match(data, pos)
    if head is None or int(head[1]) != objid:
        raise Unusual("no object header where the cross-references point")
    end = data.find(b"endobj", head.end())
    if end < 0:
        raise Unusual("an object without its end")
    body = data[head.end() : end]
    if b"stream" in body:
        raise Unusual("a stream")  # its bytes are read by length: pdfminer's
    found = _objects(tokens(body), doc)
    if len(found) != 1:
        raise Unusual("not one object")  # pdfminer keeps the first of the last four
    return found[0]


def _objects(found: list[Token], doc: PDFDocument) -> list[Any]:
    """Build the values of an object's tokens as pdfminer's PDFParser does."""
    stack: list[list[Any]] = [[]]
    kinds: list[PSKeyword] = []
    for token in found:
        items = stack[-1]
        if token is ARRAY_BEGIN or token is DICT_BEGIN:
            kinds.append(token)
            stack.append([])
        elif token is ARRAY_END or token is DICT_END:
            kinds.pop()  # `tokens` saw that they match
            done = stack.pop()
            if token is DICT_END and len(done) % 2:
                raise Unusual("a key without a value")
            stack[-1].append(done if token is ARRAY_END else _dict(done))
        elif token is _REF:
            # "12 0 R": the two numbers before it name the object; a stray R takes nothing.
            if len(items) >= 2:
                ref = safe_int(items[-2])
                del items[-2:]
                if ref is not None:
                    items.append(PDFObjRef(doc, ref))
        elif token is _NULL:
            items.append(None)
        elif isinstance(token, PSKeyword):
            raise Unusual("a keyword in an object")
        else:
            items.append(token)
    return stack[0]
