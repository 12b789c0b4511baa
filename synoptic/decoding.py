"""The text of a file written by hand or by another program: synoptux.ini, entry files, css.

One set of rules for every such file, so that a file one part of Synoptux reads is read the
same way by the others:

- a UTF-16 byte-order mark (Windows Notepad's "Unicode"): UTF-16 of that byte order, a broken
  sequence becoming U+FFFD;
- else, a UTF-8 byte-order mark is dropped, and the rest is UTF-8 when it is valid UTF-8;
- else Windows-1252, byte by byte: Latin-1 with 0x80-0x9F meaning what Windows gives them
  (``€``, ``œ``, ``’``...), and the five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F,
  0x90, 0x9D) kept as the Latin-1 control characters of the same number.

Decoding never fails and never replaces a byte of a single-byte file, so :meth:`DecodedText.
encode` gives back the very same bytes (byte-order mark included) for the text it decoded: a
program that rewrites one section of a file keeps every other byte of it.

No Qt import here: this module belongs to the core.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

__all__ = ["DecodedText", "decode_text"]

UTF8 = "utf-8"
UTF16 = "utf-16"
CP1252 = "cp1252"

# 0x80-0x9F: the character Windows-1252 gives each byte, or the Latin-1 one where it gives none.
_C1_BYTES = range(0x80, 0xA0)


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode(CP1252)
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D
        return chr(byte)


_TO_CP1252 = str.maketrans({chr(b): _cp1252_char(b) for b in _C1_BYTES})
# Back again: each of those characters to the Latin-1 character of its byte, so that encoding
# as Latin-1 then writes that byte. A C1 control character Windows-1252 gives another meaning
# to (U+0080 is 0x80, which reads as €) cannot be written: it maps to itself and is refused.
_FROM_CP1252 = {ord(_cp1252_char(b)): chr(b) for b in _C1_BYTES}
_UNWRITABLE = frozenset(chr(b) for b in _C1_BYTES if _cp1252_char(b) != chr(b))


@dataclass(frozen=True)
class DecodedText:
    """A file's text, the encoding it was read with and the byte-order mark it began with."""

    text: str
    encoding: str  # "utf-8", "utf-16" or "cp1252"
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        """``text`` as the file's bytes: same encoding, same byte-order mark.

        Raises ``UnicodeEncodeError`` for a character the file's encoding cannot hold.
        """
        if self.encoding == UTF8:
            return self.bom + text.encode(UTF8)
        if self.encoding == UTF16:
            order = "utf-16-be" if self.bom == codecs.BOM_UTF16_BE else "utf-16-le"
            return self.bom + text.encode(order)
        for index, char in enumerate(text):
            if char in _UNWRITABLE:
                raise UnicodeEncodeError(CP1252, text, index, index + 1, "no byte for it")
        return self.bom + text.translate(_FROM_CP1252).encode("latin-1")


def decode_text(data: bytes) -> DecodedText:
    """Decode a file's bytes by the rules of this module's docstring; never fails."""
    for bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if data.startswith(bom):
            order = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
            return DecodedText(data[len(bom) :].decode(order, errors="replace"), UTF16, bom)
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    body = data[len(bom) :]
    try:
        return DecodedText(body.decode(UTF8), UTF8, bom)
    except UnicodeDecodeError:
        return DecodedText(body.decode("latin-1").translate(_TO_CP1252), CP1252, bom)
