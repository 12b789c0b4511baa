"""The style sheet editor (a sheet Qt cannot read is refused with the reason, nothing is
written, the board keeps its sheet) and the colour picker."""

from __future__ import annotations

from typing import Any

import pytest
from ui_admin_support import click
from ui_support import REPO_LEGACY_CSS, BoardEnv

from synoptic.reads import BoardReads
from ui.admin.colour_picker import PALETTE, ColourDialog, typed_colour
from ui.admin.css_editor import CssEditor, css_path
from ui.admin.css_preview import render_sample
from ui.admin.sheet_check import check_sheet
from ui.theme import StyleSheet

BROKEN = 'QLabel#ClockLabel { color: red; }\n\nQPushButton#TaskButton { background: url("x) }\n'


@pytest.mark.parametrize(("sheet", "problem"), [
    ("QPushButton { color: red; }", ""),
    ("QPushButton { color: red; ", ("la règle de la ligne 1 (« QPushButton { color: red; »), "
                                    "accolade { jamais fermée")),
    ("QLabel { color: blue; }\n\nQPushButton color: red; }",
     ("la règle de la ligne 3 (« QPushButton color: red; } »), accolade { manquante (ou } en "
      "trop)")),
    (BROKEN, ("la règle de la ligne 3 (« QPushButton#TaskButton { background: url(\"x) } »), "
              "guillemet \" jamais fermé")),
    ('QPushButton[late="true] { color: red; }',
     ('la règle de la ligne 1 (« QPushButton[late="true] { color: red; } »), guillemet " '
      'jamais fermé')),
])
def test_qt_itself_says_whether_it_reads_a_sheet(qtbot: Any, sheet: str, problem: str) -> None:
    check = check_sheet(sheet)
    assert check.ok is (not problem)
    if problem:
        assert check.problem == (f"Feuille de style refusée : Qt ne sait pas lire {problem}. "
                                 "Le tableau garde la feuille précédente.")


def test_unknown_properties_are_warnings_and_a_216_file_is_read_converted(qtbot: Any) -> None:
    check = check_sheet("QPushButton { colr: red; }")
    assert check.ok and check.warnings == ("Propriété inconnue de Qt (ignorée) : colr",)
    assert check_sheet(REPO_LEGACY_CSS.read_text(encoding="utf-8")).ok


def editor_of(qtbot: Any, env: BoardEnv) -> CssEditor:
    editor = CssEditor(env.context().metrics, env.config, BoardReads(env.store).reference)
    qtbot.addWidget(editor)
    editor.resize(1280, 720)
    editor.show()
    return editor


def test_a_broken_sheet_is_refused_and_the_board_keeps_the_last_good_one(
    qtbot: Any, env: BoardEnv,
) -> None:
    path = css_path(env.config)
    good = "QLabel#ClockLabel { color: #00ff00; }\n"
    path.write_text(good, encoding="utf-8")
    board = env.board(qtbot)
    sheet = StyleSheet(board, env.config, env.context().metrics, path)
    assert sheet.sheet().endswith(good)
    editor = editor_of(qtbot, env)
    assert editor.editor.toPlainText() == good
    editor.editor.setPlainText(BROKEN)
    qtbot.waitUntil(lambda: editor.message.isVisible(), timeout=3000)  # after the pause
    assert editor.message.text().startswith("Feuille de style refusée : Qt ne sait pas lire la "
                                            "règle de la ligne 3")
    assert editor.last_good == good  # the preview keeps the last sheet Qt could read
    click(qtbot, editor.save_button)
    assert path.read_text(encoding="utf-8") == good
    sheet.reload()
    assert sheet.sheet().endswith(good)
    fixed = BROKEN.replace('url("x)', 'url("x")')
    editor.editor.setPlainText(fixed)
    click(qtbot, editor.save_button)
    assert editor.message.text() == (f"Feuille de style enregistrée dans {path} : le tableau "
                                     "l'applique dès maintenant.")
    assert path.read_text(encoding="utf-8") == fixed
    sheet.reload()
    assert sheet.sheet().endswith(fixed)


def test_the_preview_draws_the_candidate(qtbot: Any, env: BoardEnv) -> None:
    metrics = env.context().metrics
    reference = BoardReads(env.store).reference()
    plain, _ = render_sample("", reference, env.config, metrics)
    yellow, _ = render_sample("QPushButton#NameButton { background-color: #ffff00; }",
                              reference, env.config, metrics)

    def count(picture: Any) -> int:
        image = picture.toImage()
        yellow = [image.pixelColor(x, y) for x in range(0, image.width(), 3)
                  for y in range(0, image.height(), 3)]
        return sum(1 for c in yellow if c.red() > 230 and c.green() > 230 and c.blue() < 130)

    assert count(plain) == 0 and count(yellow) > 100
    editor = editor_of(qtbot, env)
    editor.editor.setPlainText("QPushButton#NameButton { background-color: #ffff00; }")
    assert editor.update_preview()
    assert count(editor.preview.sample) > 100


def test_a_new_file_starts_from_the_sheet_in_use_and_keeps_its_encoding(
    qtbot: Any, env: BoardEnv,
) -> None:
    path = css_path(env.config)
    assert not path.exists()
    editor = editor_of(qtbot, env)
    assert editor.editor.toPlainText().startswith("/*\n * synoptux.css")  # the project's
    editor.editor.setPlainText("/* Été */\nQLabel { color: black; }\n")
    click(qtbot, editor.save_button)
    assert path.read_bytes() == "/* Été */\nQLabel { color: black; }\n".encode()
    path.write_bytes("/* Été */\r\nQLabel { color: black; }\r\n".encode("cp1252"))
    click(qtbot, editor.revert_button)
    editor.editor.setPlainText(editor.editor.toPlainText() + "QFrame { color: red; }\n")
    click(qtbot, editor.save_button)
    assert path.read_bytes() == (
        "/* Été */\r\nQLabel { color: black; }\r\nQFrame { color: red; }\r\n".encode("cp1252"))


def test_the_colour_picker(qtbot: Any, env: BoardEnv) -> None:
    asked: list[tuple[str, str]] = []
    typed = iter(["bleuâtre", "1e88E5"])

    def ask(_parent: Any, title: str, initial: str, _max: int) -> str:
        asked.append((title, initial))
        return next(typed)

    dialog = ColourDialog(env.context().metrics, "Couleur de fond", "#D6EAF8", ask)
    qtbot.addWidget(dialog)
    dialog.show()
    assert len(dialog.swatches) == len(PALETTE) == 30
    assert dialog.custom.text() == "#d6eaf8"
    assert all(s.width() >= 64 and s.height() >= 64 for s in dialog.swatches)
    click(qtbot, dialog.swatches[4])
    assert dialog.swatches[4].isChecked() and dialog.chosen == PALETTE[4]
    dialog.custom.touched.emit()
    assert dialog.problem.text() == ("« bleuâtre » n'est pas une couleur : attendu une couleur "
                                     "#rgb, #rrggbb, #aarrggbb ou un nom de couleur SVG (red, "
                                     "orange, darkslategray...).")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible()  # refused: still open
    dialog.custom.touched.emit()
    assert asked == [("Autre couleur (#rrggbb ou nom)", PALETTE[4]),
                     ("Autre couleur (#rrggbb ou nom)", "bleuâtre")]
    assert not dialog.problem.isVisible()
    click(qtbot, dialog.ok_button)
    assert dialog.result_value() == "#1e88e5"
    assert typed_colour("ABC") == "#abc" and typed_colour("darkRed") == "darkred"
    none = ColourDialog(env.context().metrics, "Couleur", "#ff0000", ask)
    qtbot.addWidget(none)
    none.show()
    click(qtbot, none.none_button)
    assert none.result_value() == ""
