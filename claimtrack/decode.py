"""Turn the bytes of an article file into text, or refuse them with a reason.

Order of the checks, each linear in the size of the input:

1. empty or whitespace-only -> refused ("file is empty");
2. a byte order mark (UTF-32, UTF-16, UTF-8) decides the encoding; the mark is stripped;
3. a binary signature (PDF, PNG, JPEG, GIF, ZIP...) -> refused, naming the format;
4. NUL bytes: in an even/odd pattern they are BOM-less UTF-16 (ASCII spaces and digits carry a
   zero high byte); anywhere else the file is binary -> refused;
5. valid UTF-8 -> UTF-8 (a multi-byte sequence cut off by the end of the file becomes U+FFFD,
   and so do a few bad bytes among many valid multi-byte characters: see :func:`_damaged_utf8`);
6. otherwise a single-byte code page, chosen by :func:`_single_byte`.

Choosing between Windows-1256 and ISO-8859-6 (the two Arabic code pages) needs no detector, and
detectors guess badly on a sentence or two. Both put the Arabic letters at 0xC1-0xDA, then part
ways: ISO-8859-6 leaves 0xDB-0xDF undefined, where cp1256 keeps غ ـ ف ق ك, and cp1256 puts the
Latin letters à â ç è é ê ë î ï ô ù û ü between its Arabic letters, where ISO-8859-6 has ف ق ك ل م
ن ه و ى ي and its vowel marks. So each decoding that succeeds is scored by the share of its
non-ASCII characters that read as Arabic (see :func:`_arabic_share`); the higher share wins, and
a near tie goes to the decoding with more "ال", then to the commoner cp1256. When neither reads as
Arabic the text is taken for Windows-1252 (Latin-1 if that fails).
"""

from __future__ import annotations

import codecs
import re

# Binary formats recognised by their first bytes.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"\x1f\x8b\x08", "gzip"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an MS Office document"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (  # UTF-32 first: its LE mark starts like the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 1 << 16  # bytes looked at by the statistical checks
_CONTROL_SHARE = 0.03  # more control characters than this: not a text file
_UTF16_NUL_SHARE = 0.05  # zero high bytes expected in UTF-16 text (spaces, digits, newlines)
_ARABIC_MIN_SHARE = 0.5  # non-ASCII characters that must read as Arabic for an Arabic code page
_NEAR_TIE = 0.02
_UTF8_GOOD_PER_BAD = 3  # valid multi-byte characters needed per bad byte to read damaged UTF-8
_CONTROLS = frozenset(chr(c) for c in [*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), *range(0x7F, 0xA0)])
_CONTROL_RE = re.compile("[" + "".join(sorted(_CONTROLS)) + "]")  # counts them at C speed
_ARABIC_PUNCT = frozenset("،؛؟")
_SHARED_PUNCT = frozenset("“”‘’–—…«»")


class InputError(Exception):
    """The file cannot be read as text; the message is one line naming the reason."""


def decode(raw: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of ``raw`` and the name of the encoding used; ``encoding`` forces one."""
    if not raw.strip():
        raise InputError("file is empty")
    if encoding is not None:
        return _checked(*_forced(raw, encoding))
    for bom, name in _BOMS:
        if raw.startswith(bom):
            _refuse_truncated(raw, name)
            return _checked(_strict(raw, name).removeprefix("\ufeff"), name)
    _refuse_binary(raw)
    if b"\x00" in raw:
        utf16 = _utf16_without_bom(raw)
        if utf16 is None:
            raise InputError("not a text file (contains NUL bytes)")
        _refuse_truncated(raw, utf16)
        return _checked(_strict(raw, utf16), utf16)
    text = _utf8(raw)
    if text is not None:
        return _checked(text, "utf-8")
    name = _single_byte(raw[:_SAMPLE])
    return _checked(_strict(raw, name), name)


def _forced(raw: bytes, encoding: str) -> tuple[str, str]:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    _refuse_binary(raw)
    _refuse_truncated(raw, name)
    return _strict(raw, name).removeprefix("\ufeff"), name


def _strict(raw: bytes, name: str) -> str:
    try:
        return raw.decode(name)
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1].hex()
        raise InputError(f"cannot decode as {name}: byte 0x{bad} at offset {exc.start}") from None


def _checked(text: str, name: str) -> tuple[str, str]:
    """Refuse decoded text that is blank or mostly control characters."""
    if text.isspace() or not text:
        raise InputError("file is empty")
    sample = text[:_SAMPLE]
    controls = len(_CONTROL_RE.findall(sample))
    if controls > _CONTROL_SHARE * len(sample):
        raise InputError("not a text file (too many control characters)")
    return text, name


def _refuse_truncated(raw: bytes, name: str) -> None:
    """UTF-16/32 text whose length is not a whole number of code units was cut short."""
    unit = 4 if name.startswith("utf-32") else 2 if name.startswith("utf-16") else 1
    if len(raw) % unit:
        what = "odd number of bytes" if unit == 2 else "byte count not a multiple of 4"
        raise InputError(f"truncated {name[:6].upper()} ({what})")


def _refuse_binary(raw: bytes) -> None:
    for signature, kind in _SIGNATURES:
        if raw.startswith(signature):
            raise InputError(f"not a text file (looks like {kind})")


def _utf16_without_bom(raw: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when the NUL bytes sit at odd/even offsets only, else None."""
    sample = raw[: _SAMPLE & ~1]
    half = max(1, len(sample) // 2)
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= _UTF16_NUL_SHARE * half and even <= odd // 50:
        return "utf-16-le"
    if even >= _UTF16_NUL_SHARE * half and odd <= even // 50:
        return "utf-16-be"
    return None


def _utf8(raw: bytes) -> str | None:
    """``raw`` as UTF-8, or None when it is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        cut_short = exc.reason == "unexpected end of data" and exc.end == len(raw)
        head = raw[: exc.start]
        if cut_short and not head.isascii():  # ASCII and a lone high byte: likelier a code page
            return head.decode("utf-8") + "\ufffd"
    return _damaged_utf8(raw)


def _damaged_utf8(raw: bytes) -> str | None:
    """UTF-8 with a few bad bytes (a scraper's glitch), each read as U+FFFD; None if not mostly UTF-8.

    Arabic code-page text makes valid multi-byte sequences only by chance (about one per hundred
    bad bytes in the examples), while read as a code page a damaged UTF-8 file would be mojibake
    from end to end.
    """
    sample = raw[:_SAMPLE].decode("utf-8", errors="replace")
    bad = sample.count("\ufffd")
    good = len(sample) - len(sample.encode("ascii", errors="ignore")) - bad
    if good < _UTF8_GOOD_PER_BAD * bad:
        return None
    return raw.decode("utf-8", errors="replace")


def _single_byte(sample: bytes) -> str:
    """The code page of non-UTF-8 bytes: cp1256 or iso8859-6 for Arabic, else cp1252."""
    scored: list[tuple[float, int, str]] = []
    for name, preference in (("cp1256", 1), ("iso8859-6", 0)):
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        scored.append((_arabic_share(text), preference, name))
    if not scored or max(s[0] for s in scored) < _ARABIC_MIN_SHARE:
        return "cp1252" if _decodes(sample, "cp1252") else "latin-1"
    scored.sort(reverse=True)
    if len(scored) == 2 and scored[0][0] - scored[1][0] <= _NEAR_TIE:
        texts = {name: sample.decode(name) for _, _, name in scored}
        return max(scored, key=lambda s: (texts[s[2]].count("\u0627\u0644"), s[1]))[2]
    return scored[0][2]


def _arabic_share(text: str) -> float:
    """Share of the telling non-ASCII characters that read as Arabic.

    Arabic punctuation counts, and Arabic letters within an Arabic word: next to another Arabic
    letter and not glued to a Latin one (an accented Latin letter read as Arabic gives "cafى").
    Curly quotes, dashes and the ellipsis sit at the same bytes in cp1252 and cp1256 and tell
    nothing, so they are left out.
    """
    telling = good = 0
    for i, ch in enumerate(text):
        if ch.isascii() or ch in _SHARED_PUNCT:
            continue
        telling += 1
        if ch in _ARABIC_PUNCT:
            good += 1
        elif _is_arabic_letter(ch):
            before, after = text[i - 1 : i], text[i + 1 : i + 2]
            in_word = _is_arabic_letter(before) or _is_arabic_letter(after)
            good += in_word and not (_is_latin(before) or _is_latin(after))
    return good / telling if telling else 0.0


def _is_arabic_letter(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _decodes(sample: bytes, name: str) -> bool:
    try:
        sample.decode(name)
    except UnicodeDecodeError:
        return False
    return True
