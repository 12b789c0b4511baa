"""Whether Qt can read a style sheet, and if not, why (in French, with the line).

Qt does not validate style sheets: given one it cannot parse, it prints "Could not parse
stylesheet" and drops the **whole** sheet, so a board given a broken ``synoptux.css``
would lose every rule, its generated ones included. ``ui/theme.py`` applies the file as
it reads it; the editor (``css_editor``) therefore checks a candidate here before writing
it, so the file on disk, and the board, keep the last good sheet. The check asks Qt
itself (a probe widget, Qt's messages caught); when Qt refuses, each top-level rule is
tried alone to name the first it cannot read, with a hint (an unclosed brace, comment,
string or bracket). A 2.16 file is checked as the board reads it: converted
(``ui.css.convert``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from ui.css import convert, looks_legacy
from ui.plain import plain_label

__all__ = ["SheetCheck", "check_sheet", "qt_messages", "sheet_as_applied"]

PARSE_FAILURE = "Could not parse"
UNKNOWN_PROPERTY = "Unknown property"


@dataclass(frozen=True)
class SheetCheck:
    """``problem``: why Qt refuses the sheet ("" when it reads it); ``warnings``: what it
    reads but ignores (an unknown property), as seen on the probe."""

    problem: str
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problem


def sheet_as_applied(text: str) -> str:
    """The sheet as the board applies the file (a 2.16 file converted)."""
    return convert(text) if looks_legacy(text) else text


@contextmanager
def qt_messages() -> Iterator[list[str]]:
    """Qt's warnings while the block runs (the previous handler is put back after)."""
    caught: list[str] = []

    def handler(_kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        caught.append(message)

    previous: Callable[..., None] | None = qInstallMessageHandler(handler)
    try:
        yield caught
    finally:
        qInstallMessageHandler(previous)


def _qt_reads(sheet: str) -> tuple[bool, list[str]]:
    probe = QWidget()
    column = QVBoxLayout(probe)
    children: list[QWidget] = [QPushButton("x"), plain_label("x")]
    for child in children:
        column.addWidget(child)
    with qt_messages() as caught:
        probe.setStyleSheet(sheet)
        for widget in (probe, *children):
            widget.ensurePolished()
    probe.deleteLater()
    return not any(PARSE_FAILURE in m for m in caught), caught


def check_sheet(text: str) -> SheetCheck:
    """Whether Qt reads ``text`` (a ``synoptux.css``), and why not."""
    sheet = sheet_as_applied(text)
    ok, caught = _qt_reads(sheet)
    warnings = tuple(sorted({m.replace(UNKNOWN_PROPERTY, "Propriété inconnue de Qt (ignorée) :")
                             for m in caught if UNKNOWN_PROPERTY in m}))
    if ok:
        return SheetCheck("", warnings)
    for line, block in top_level_rules(sheet):
        if not _qt_reads(block)[0]:
            first = next((s.strip() for s in block.splitlines() if s.strip()), block.strip())
            where = f"la règle de la ligne {line}" if not looks_legacy(text) else (
                "une règle (après conversion du format 2.16)")
            return SheetCheck(f"Feuille de style refusée : Qt ne sait pas lire {where} "
                              f"(« {first[:60]} »){hint(block)}. Le tableau garde la "
                              "feuille précédente.", warnings)
    return SheetCheck("Feuille de style refusée : Qt ne sait pas la lire. Le tableau garde "
                      "la feuille précédente.", warnings)


def top_level_rules(sheet: str) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of each top-level rule, up to its closing brace (the rest of the
    text as a last one); comments and strings are skipped over when braces are counted."""
    depth, start, i, n = 0, 0, 0, len(sheet)
    while i < n:
        if sheet.startswith("/*", i):
            end = sheet.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        char = sheet[i]
        if char in "\"'":
            end = sheet.find(char, i + 1)
            i = n if end < 0 else end + 1
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth <= 0:
                yield _line_of(sheet, start), sheet[start:i + 1]
                depth, start = 0, i + 1
        i += 1
    if sheet[start:].strip():
        yield _line_of(sheet, start), sheet[start:]


def _line_of(sheet: str, index: int) -> int:
    """The line of the first visible character at or after ``index`` (1 for the first)."""
    while index < len(sheet) and sheet[index].isspace():
        index += 1
    return sheet.count("\n", 0, index) + 1


def hint(block: str) -> str:
    """What looks wrong in a rule Qt refused (", " and the hint, or "")."""
    if block.count("/*") > block.count("*/"):
        return ", commentaire /* jamais fermé par */"
    if block.count('"') % 2:
        return ", guillemet \" jamais fermé"
    if block.count("[") != block.count("]"):
        return ", crochet [ ] mal fermé"
    if block.count("(") != block.count(")"):
        return ", parenthèse ( ) mal fermée"
    opened, closed = block.count("{"), block.count("}")
    if closed > opened:
        return ", accolade { manquante (ou } en trop)"
    if opened > closed:
        return ", accolade { jamais fermée"
    if opened == 0:
        return ", sélecteur sans bloc { ... }"
    return ""
