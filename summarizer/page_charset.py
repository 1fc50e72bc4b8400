"""The encoding of a saved web page, found as a browser finds it (WHATWG HTML, "prescan").

A byte-order mark decides first (UTF-8, UTF-16LE, UTF-16BE); then the first
``<meta charset=...>``, or ``<meta http-equiv="Content-Type" content="...; charset=...">``,
within the page's first 1024 bytes, skipping comments and other tags as the prescan does.
A label is mapped as the WHATWG Encoding Standard maps it: "latin1", "iso-8859-1" and
"us-ascii" mean windows-1252, "cp1251" means windows-1251, "utf8" means UTF-8, and a
UTF-16 label in an ASCII ``<meta>`` means UTF-8. Unlike a browser, which would ignore it,
an unknown label is refused, naming the label: guessing would give wrong text silently.
Nothing here applies to plain text files, which are UTF-8.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from .errors import InputError

__all__ = ["PRESCAN_BYTES", "PageEncoding", "page_encoding"]

PRESCAN_BYTES = 1024

# WHATWG name -> (Python codec, its labels). The single-byte and CJK encodings of the
# Encoding Standard; "replacement" labels (ISO-2022-KR, HZ) are refused with the unknown.
_ENCODINGS: dict[str, tuple[str, str]] = {
    "UTF-8": ("utf-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"),
    "IBM866": ("cp866", "866 cp866 csibm866 ibm866"),
    "ISO-8859-2": ("iso8859_2", "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2"),
    "ISO-8859-3": ("iso8859_3", "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3"),
    "ISO-8859-4": ("iso8859_4", "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4"),
    "ISO-8859-5": ("iso8859_5", "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 "
                                "iso_8859-5:1988"),
    "ISO-8859-6": ("iso8859_6", "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 "
                                "iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987"),
    "ISO-8859-7": ("iso8859_7", "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 "
                                "iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek"),
    "ISO-8859-8": ("iso8859_8", "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 "
                                "iso88598 iso_8859-8 iso_8859-8:1988 visual csiso88598i iso-8859-8-i logical"),
    "ISO-8859-10": ("iso8859_10", "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6"),
    "ISO-8859-13": ("iso8859_13", "iso-8859-13 iso8859-13 iso885913"),
    "ISO-8859-14": ("iso8859_14", "iso-8859-14 iso8859-14 iso885914"),
    "ISO-8859-15": ("iso8859_15", "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9"),
    "ISO-8859-16": ("iso8859_16", "iso-8859-16"),
    "KOI8-R": ("koi8_r", "cskoi8r koi koi8 koi8-r koi8_r"),
    "KOI8-U": ("koi8_u", "koi8-ru koi8-u"),
    "macintosh": ("mac_roman", "csmacintosh mac macintosh x-mac-roman"),
    "windows-874": ("cp874", "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"),
    "windows-1250": ("cp1250", "cp1250 windows-1250 x-cp1250"),
    "windows-1251": ("cp1251", "cp1251 windows-1251 x-cp1251"),
    "windows-1252": ("cp1252", "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 "
                               "iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 "
                               "x-cp1252 x-user-defined"),
    "windows-1253": ("cp1253", "cp1253 windows-1253 x-cp1253"),
    "windows-1254": ("cp1254", "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 "
                               "iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254"),
    "windows-1255": ("cp1255", "cp1255 windows-1255 x-cp1255"),
    "windows-1256": ("cp1256", "cp1256 windows-1256 x-cp1256"),
    "windows-1257": ("cp1257", "cp1257 windows-1257 x-cp1257"),
    "windows-1258": ("cp1258", "cp1258 windows-1258 x-cp1258"),
    "x-mac-cyrillic": ("mac_cyrillic", "x-mac-cyrillic x-mac-ukrainian"),
    "GBK": ("gb18030", "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk"),
    "gb18030": ("gb18030", "gb18030"),
    "Big5": ("big5hkscs", "big5 big5-hkscs cn-big5 csbig5 x-x-big5"),
    "EUC-JP": ("euc_jp", "cseucpkdfmtjapanese euc-jp x-euc-jp"),
    "ISO-2022-JP": ("iso2022_jp", "csiso2022jp iso-2022-jp"),
    "Shift_JIS": ("cp932", "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis"),
    "EUC-KR": ("cp949", "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 "
                        "ksc_5601 windows-949"),
    # a <meta> is ASCII, so a page that declares UTF-16 in one is not UTF-16: the prescan reads UTF-8
    "UTF-16": ("utf-8", "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le unicodefffe utf-16be"),
}
_LABELS = {label: ("UTF-8" if name == "UTF-16" else name, codec)
           for name, (codec, labels) in _ENCODINGS.items() for label in labels.split()}


@dataclass(frozen=True)
class PageEncoding:
    """How to decode a page: WHATWG ``name``, Python ``codec``, and the length of its byte-order mark."""

    name: str
    codec: str
    bom: int = 0


_BOMS = ((codecs.BOM_UTF8, PageEncoding("UTF-8", "utf-8", 3)),
         (codecs.BOM_UTF16_LE, PageEncoding("UTF-16LE", "utf-16-le", 2)),
         (codecs.BOM_UTF16_BE, PageEncoding("UTF-16BE", "utf-16-be", 2)))

_SPACE = b" \t\n\x0c\r"
_ATTRIBUTE = re.compile(rb"[\t\n\x0c\r /]*([^\t\n\x0c\r />][^\t\n\x0c\r /=>]*)[\t\n\x0c\r ]*"
                        rb"(?:=[\t\n\x0c\r ]*(?:\"([^\"]*)\"|'([^']*)'|([^\t\n\x0c\r >]*)))?")
_CONTENT_CHARSET = re.compile(rb"charset[\t\n\x0c\r ]*=[\t\n\x0c\r ]*(?:\"([^\"]*)\"|'([^']*)'|([^\t\n\x0c\r ;]+))",
                              re.IGNORECASE)


def page_encoding(data: bytes, source: str) -> PageEncoding | None:
    """The encoding a browser would use for page ``data``, or ``None`` when nothing declares one.

    A UTF-32 mark is left to the caller (which names it), as is the ``None`` case (UTF-8).
    An unknown label is an :class:`InputError` naming ``source`` and the label.
    """
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return None
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return encoding
    label = _prescan(data[:PRESCAN_BYTES])
    if label is None:
        return None
    key = label.strip(_SPACE.decode()).lower()
    if key not in _LABELS:
        raise InputError(f"{source}: the page declares charset {label!r}, which is not a known encoding; "
                         "convert the page to UTF-8 (e.g. with iconv) and declare <meta charset=\"utf-8\">")
    name, codec = _LABELS[key]
    return PageEncoding(name, codec)


def _attributes(head: bytes, position: int) -> tuple[list[tuple[bytes, bytes]], int] | None:
    """The attributes of the tag whose name ends at ``position``, and where the tag ends; ``None`` if cut off."""
    found = []
    while True:
        while position < len(head) and head[position] in b"\t\n\x0c\r /":
            position += 1
        if position >= len(head):
            return None
        if head[position] == ord(">"):
            return found, position + 1
        match = _ATTRIBUTE.match(head, position)
        if match is None or match.end() >= len(head):
            return None  # an attribute the first 1024 bytes cut off declares nothing
        value = next((g for g in match.groups()[1:] if g is not None), b"")
        found.append((match.group(1).lower(), value))
        position = match.end()


def _prescan(head: bytes) -> str | None:
    """The charset label the first ``<meta>`` of ``head`` declares, as written; ``None`` if none does."""
    position = 0
    lower = head.lower()
    while position < len(head):
        if lower.startswith(b"<!--", position):
            end = head.find(b"-->", position + 2)
            if end < 0:
                return None
            position = end + 3
            continue
        if lower.startswith(b"<meta", position) and position + 5 < len(head) and head[position + 5] in b"\t\n\x0c\r /":
            parsed = _attributes(head, position + 5)
            if parsed is None:
                return None
            attributes, position = parsed
            label = _meta_charset(dict(reversed(attributes)))  # the first of a repeated attribute counts
            if label is not None:
                return label
            continue
        if head.startswith(b"<", position) and position + 1 < len(head):
            following = head[position + 1 : position + 3]
            if following[:1].isalpha() or (following[:1] == b"/" and following[1:2].isalpha()):
                end = position + 1
                while end < len(head) and head[end] not in _SPACE + b">":
                    end += 1
                parsed = _attributes(head, end)
                if parsed is None:
                    return None
                position = parsed[1]
                continue
            if following[:1] in (b"!", b"/", b"?"):
                end = head.find(b">", position)
                if end < 0:
                    return None
                position = end + 1
                continue
        position += 1
    return None


def _meta_charset(attributes: dict[bytes, bytes]) -> str | None:
    """The label one ``<meta>`` declares: ``charset``, or ``content``'s charset under ``http-equiv``."""
    if b"charset" in attributes:
        return attributes[b"charset"].decode("ascii", "replace")
    if attributes.get(b"http-equiv", b"").lower() != b"content-type" or b"content" not in attributes:
        return None
    match = _CONTENT_CHARSET.search(attributes[b"content"])
    if match is None:
        return None
    return next(g for g in match.groups() if g is not None).decode("ascii", "replace")
