"""synoptic.decoding: one set of rules for the bytes of an ini, entry or css file."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from synoptic.decoding import DecodedText, decode_text

BOMS = (b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def test_utf8_with_and_without_bom() -> None:
    assert decode_text("é".encode()) == DecodedText("é", "utf-8")
    assert decode_text(codecs.BOM_UTF8 + "é".encode()) == DecodedText(
        "é", "utf-8", codecs.BOM_UTF8
    )
    assert decode_text(b"") == DecodedText("", "utf-8")


def test_not_utf8_is_windows_1252_byte_by_byte() -> None:
    assert decode_text(b"tr\xe8s end\xf4mmag\xe9") == DecodedText("très endômmagé", "cp1252")
    assert decode_text(b"\x80 \x9cuf \x92") == DecodedText("€ œuf ’", "cp1252")
    # The five undefined bytes stay Latin-1 characters, without spoiling the others.
    assert decode_text(b"\x81\x8d\x8f\x90\x9d \x80").text == "\x81\x8d\x8f\x90\x9d €"


def test_a_utf8_bom_before_text_that_is_not_utf8_is_dropped_all_the_same() -> None:
    assert decode_text(codecs.BOM_UTF8 + b"T\xeate") == DecodedText(
        "Tête", "cp1252", codecs.BOM_UTF8
    )


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_utf16_with_a_bom(bom: bytes, codec: str) -> None:
    decoded = decode_text(bom + "[Entree]\r\nNom=Œdème".encode(codec))
    assert decoded == DecodedText("[Entree]\r\nNom=Œdème", "utf-16", bom)
    assert decode_text(bom + b"\x00").text == "\ufffd"  # broken: replaced, never an error


def test_decoding_never_fails() -> None:
    decoded = decode_text(bytes(range(256)))
    assert decoded.encoding == "cp1252" and len(decoded.text) == 256


@given(st.binary())
def test_every_single_byte_or_utf8_file_encodes_back_to_the_same_bytes(data: bytes) -> None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = b"x" + data
    decoded = decode_text(data)
    assert decoded.encode(decoded.text) == data


@given(st.sampled_from(BOMS), st.text())
def test_text_written_by_encode_reads_back(bom: bytes, text: str) -> None:
    codec = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}.get(bom)
    if not bom and text.startswith("\ufeff"):
        text = "x" + text  # else it would be the file's byte-order mark
    data = bom + text.encode(codec or "utf-8")
    decoded = decode_text(data)
    assert decoded.text == text
    assert decoded.encode(decoded.text) == data


def test_encode_refuses_what_windows_1252_cannot_hold() -> None:
    decoded = decode_text(b"\xe9")
    assert decoded.encode("Œ €") == b"\x8c \x80"
    for text in ("\u4e00", "\x80"):  # U+0080 has no byte: 0x80 reads as €
        with pytest.raises(UnicodeEncodeError):
            decoded.encode(text)


@given(st.binary())
@example(codecs.BOM_UTF16_LE + "Œdème".encode("utf-16-le") + b"\x00")
@example(codecs.BOM_UTF16_BE + "Œdème".encode("utf-16-be"))
@example(codecs.BOM_UTF8 + b"T\xeate \x81\x80")
def test_entry_files_read_as_the_parser_reads_them_today(data: bytes) -> None:
    """The parser's own copy can give way to this module without changing a thing."""
    from synoptic.ingest.parser import decode_entry_bytes

    decoded = decode_text(data)
    assert (decoded.text, decoded.encoding) == decode_entry_bytes(data)
