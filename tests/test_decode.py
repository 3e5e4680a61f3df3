"""Decoding article files: encodings, the Arabic code pages, and what is refused."""

from __future__ import annotations

import codecs
import random
import time
from pathlib import Path

import pytest

from claimtrack.decode import InputError, decode

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"
AR = "وأعلن الجيش الإسرائيلي، الاثنين، استدعاء 300 ألف جندي احتياطي."
EN = "Israel has called up some 300,000 reservists, a spokesman said on Wednesday."


def test_utf8() -> None:
    assert decode(AR.encode("utf-8")) == (AR, "utf-8")
    assert decode(EN.encode("ascii")) == (EN, "utf-8")


def test_utf8_bom_is_stripped() -> None:
    assert decode(codecs.BOM_UTF8 + AR.encode("utf-8")) == (AR, "utf-8-sig")


@pytest.mark.parametrize(
    ("bom", "codec"), [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
)
def test_utf16_with_bom(bom: bytes, codec: str) -> None:
    assert decode(bom + AR.encode(codec)) == (AR, codec)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec: str) -> None:
    assert decode(AR.encode(codec)) == (AR, codec)
    assert decode(EN.encode(codec)) == (EN, codec)


def test_utf32_with_bom() -> None:
    assert decode(codecs.BOM_UTF32_LE + AR.encode("utf-32-le")) == (AR, "utf-32-le")


@pytest.mark.parametrize(
    "sentence",
    [
        AR,
        "قتل 13 شخصا في غارة على غزة.",
        "سلام على الناس",  # no غ ف ق ك: iso8859-6 decodes it too, into the wrong letters
        "في غزة",
    ],
)
def test_short_cp1256(sentence: str) -> None:
    assert decode(sentence.encode("cp1256")) == (sentence, "cp1256")


@pytest.mark.parametrize("sentence", [AR, "قتل 13 شخصا في غارة على غزة.", "سلام على الناس"])
def test_iso8859_6(sentence: str) -> None:
    assert decode(sentence.encode("iso8859-6")) == (sentence, "iso8859-6")


def test_latin_code_page_is_not_taken_for_arabic() -> None:
    text = "Café owner José said “hundreds” fled – señor"
    assert decode(text.encode("cp1252")) == (text, "cp1252")


def test_forced_encoding() -> None:
    raw = AR.encode("cp1256")
    assert decode(raw, "windows-1256") == (AR, "cp1256")
    assert decode(AR.encode("utf-8"), "utf-8") == (AR, "utf-8")
    assert decode(codecs.BOM_UTF8 + AR.encode("utf-8"), "utf-8") == (AR, "utf-8")


def test_forced_unknown_encoding() -> None:
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        decode(b"abc", "klingon")


def test_forced_undecodable() -> None:
    with pytest.raises(InputError, match=r"cannot decode as utf-8: byte 0xe6 at offset 0"):
        decode(AR.encode("cp1256"), "utf-8")


@pytest.mark.parametrize(
    "raw", [b"", b"   \n\t\r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")]
)
def test_empty(raw: bytes) -> None:
    with pytest.raises(InputError, match="^file is empty$"):
        decode(raw)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
    ],
)
def test_binary_signatures(raw: bytes, kind: str) -> None:
    with pytest.raises(InputError, match=rf"^not a text file \(looks like {kind}\)$"):
        decode(raw)
    with pytest.raises(InputError, match="not a text file"):
        decode(raw, "latin-1")


def test_random_bytes_refused() -> None:
    rng = random.Random(7)
    with pytest.raises(InputError, match="not a text file"):
        decode(rng.randbytes(4096))
    no_nul = bytes(rng.randrange(1, 256) for _ in range(4096))
    with pytest.raises(InputError, match="not a text file"):
        decode(no_nul)


def test_nul_bytes_outside_utf16_refused() -> None:
    with pytest.raises(InputError, match=r"contains NUL bytes"):
        decode(b"hello\x00\x00\x00world, this is text" * 3)


@pytest.mark.parametrize(
    "raw", [codecs.BOM_UTF16_LE + AR.encode("utf-16-le")[:-1], EN.encode("utf-16-le")[:-1]]
)
def test_truncated_utf16(raw: bytes) -> None:
    with pytest.raises(InputError, match=r"^truncated UTF-16 \(odd number of bytes\)$"):
        decode(raw)


def test_utf8_cut_mid_character() -> None:
    raw = "قتل".encode() + "ي".encode()[:1]  # the last letter lost its second byte
    assert decode(raw) == ("قتل\ufffd", "utf-8")


def test_corpus_cp1256_file() -> None:
    path = CORPUS / "ar-d03.txt"
    if not path.exists():
        pytest.skip(f"dev corpus not found at {CORPUS} (the repo checkout sits beside shared/)")
    text, encoding = decode(path.read_bytes())
    assert encoding == "cp1256"
    assert "القسام" in text and "وزارة الصحة" in text


def test_linear_on_large_input() -> None:
    raw = (AR + "\n").encode("cp1256") * 100_000  # ~6 MB
    start = time.perf_counter()
    text, encoding = decode(raw)
    assert encoding == "cp1256" and len(text) == len(raw)
    assert time.perf_counter() - start < 5
