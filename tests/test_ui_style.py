"""Style sheet (ours, the 2.16 one, reloading), translations, touch sizes, the screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import original_216
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QWidget
from ui_support import REPO_LEGACY_CSS, BoardEnv, card_of

from synoptic.services import NewTask
from ui.css import LEGACY_SELECTORS, convert, looks_legacy, parse
from ui.metrics import Metrics

ROOT_CSS = Path(__file__).resolve().parents[1] / "synoptux.css"


@pytest.fixture(params=["fixtures", "2.16"])
def legacy_css(request: pytest.FixtureRequest) -> Path:
    """A 2.16 style file: ours shaped like it, and the original when ../shared is there."""
    return REPO_LEGACY_CSS if request.param == "fixtures" else original_216("synoptux.css")


def test_root_stylesheet_uses_our_object_names() -> None:
    text = ROOT_CSS.read_text(encoding="utf-8")
    assert not looks_legacy(text)
    for name in (
        "QFrame#BoxPanel",
        "QPushButton#BoxTitle",
        "QPushButton#TaskButton",
        "QPushButton#StateButton",
        "QLabel#OutageBanner",
    ):
        assert name in text


def test_legacy_file_is_converted_to_our_selectors(legacy_css: Path) -> None:
    old = legacy_css.read_text(encoding="latin-1")
    assert looks_legacy(old)
    new = convert(old)
    assert not looks_legacy(new)
    assert "QPushButton#BoxTitle {\n    border: 1px solid #ff0000;" in new
    assert 'QPushButton#StateButton[current="true"] {' in new
    assert "QDialog#DestinationDialog QPushButton {" in new
    assert "font-size" not in new.replace("font-size: ", "").split("*/")[-1]
    assert "min-width: 30px;" not in new  # would shrink a touch target
    assert "width: 15px;" in new  # a scroll bar keeps its width
    assert not [line for line in new.splitlines() if ":hover" in line and "ignoré" not in line]
    kept = convert(old, keep_font_sizes=True)
    assert "font-size: 12px;" in kept
    assert {b.selector for b in parse(old)} <= set(LEGACY_SELECTORS)


def test_convert_css_command(tmp_path: Path, legacy_css: Path) -> None:
    from ui.main import main

    target = tmp_path / "nouveau.css"
    assert main(["convert-css", str(legacy_css), str(target)]) == 0
    assert "QPushButton#NameButton" in target.read_text(encoding="utf-8")
    assert main(["convert-css", str(legacy_css), str(target)]) == 2  # exists
    assert main(["convert-css", str(ROOT_CSS), str(tmp_path / "x.css")]) == 2  # not 2.16's


def test_board_applies_a_legacy_file_as_is(qtbot, env: BoardEnv, legacy_css: Path) -> None:
    assert env.config.path is not None
    css = env.config.path.parent / "synoptux.css"
    css.write_text(legacy_css.read_text(encoding="latin-1"), encoding="utf-8")
    pk = env.admit("B1")
    board = env.board(qtbot)
    assert board.stylesheet.path == css and board.stylesheet.legacy
    assert "QPushButton#NameButton" in board.styleSheet()
    button = card_of(board, pk).name_button
    assert button.palette().color(button.foregroundRole()).name() == "#ff0000"


def test_stylesheet_is_reloaded_when_the_file_changes(qtbot, env: BoardEnv) -> None:
    css = env.config.path.parent / "synoptux.css"
    css.write_text("QFrame#TopBar { background-color: #123456; }\n", encoding="utf-8")
    board = env.board(qtbot)
    assert "#123456" in board.styleSheet()
    with qtbot.waitSignal(board.stylesheet.reloaded, timeout=5000):
        css.write_text("QFrame#TopBar { background-color: #654321; }\n", encoding="utf-8")
    assert "#654321" in board.styleSheet() and "#123456" not in board.styleSheet()
    image = board.top_bar.grab().toImage()
    assert image.pixelColor(image.width() - 2, 2).name() == "#654321"


def test_a_sheet_qt_cannot_read_is_refused_and_the_last_good_one_kept(
    qtbot, env: BoardEnv
) -> None:
    css = env.config.path.parent / "synoptux.css"
    css.write_text("QFrame#TopBar { background-color: #123456; }\n", encoding="utf-8")
    board = env.board(qtbot)
    with qtbot.waitSignal(board.stylesheet.reloaded, timeout=5000):
        css.write_text("QFrame#TopBar { background-color: #654321; }\nQLabel { color: red\n",
                       encoding="utf-8")
    assert "#123456" in board.styleSheet() and "#654321" not in board.styleSheet()
    assert "Feuille de style refusée" in board.stylesheet.error
    assert "Le tableau garde la feuille précédente" in board.stylesheet.error
    label = board.status.style_label
    assert label.isVisibleTo(board) and label.text().startswith("⚠ Feuille de style refusée")
    image = board.top_bar.grab().toImage()
    assert image.pixelColor(image.width() - 2, 2).name() == "#123456"  # generated rules too


def test_data_colours_come_from_the_database(qtbot, env: BoardEnv) -> None:
    pk = env.admit("B1", responsable="MARTIN", tasks=(NewTask("RX"),))
    board = env.board(qtbot)
    sheet = board.styleSheet()
    assert 'QPushButton#TaskButton[taskCode="RX"] { background-color: #d6eaf8;' in sheet
    assert 'QPushButton#ResponsableButton[responsable="MARTIN"]' in sheet
    button = card_of(board, pk).responsable_button
    image = button.grab().toImage()
    assert image.pixelColor(image.width() // 2, 4).name() == "#2e86c1"


def test_qt_french_translations(qtbot) -> None:
    from ui.app import create_application, install_translations

    app = create_application()
    assert any(path.endswith("qtbase_fr.qm") for path in install_translations(app))
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Yes | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"Oui", "Annuler"}


@pytest.mark.parametrize(
    "env", [{"display": {"scale": 1.0}}, {"display": {"scale": 1.5}}], indirect=True,
    ids=["1.0", "1.5"],
)
def test_every_touch_target_is_big_enough(qtbot, env: BoardEnv) -> None:
    scale = env.config.display.scale
    pk = env.admit("B1", tasks=(NewTask("ECG"), NewTask("BIO")))
    env.admit("ATT", "AUTRE", tasks=(NewTask("RX"),))
    board = env.board(qtbot)
    minimum = Metrics(scale).touch
    assert minimum >= 48 * scale
    # A glance card is one touch target (it opens the card); the actions are in there.
    glances = [c for p in board.panels.values() for c in p.cards.values()]
    assert glances and all(c.height() >= 48 for c in glances)
    card_of(board, pk)
    buttons = [b for b in board.findChildren(QAbstractButton) if b.isVisible()]
    assert len(buttons) > 20
    small = [
        (b.objectName(), b.width(), b.height())
        for b in buttons
        if b.width() < minimum or b.height() < minimum
    ]
    assert small == []
    # No function hidden behind a right click, a hover or a key.
    widgets = board.findChildren(QWidget)
    assert not [
        w for w in widgets if w.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    ]


@pytest.mark.parametrize("size", ["1920x1080", "1280x800"])
def test_screenshot_command_renders_the_demo_board(tmp_path: Path, qtbot, size: str) -> None:
    from ui.main import main

    out = tmp_path / f"board-{size}.png"
    assert main(["screenshot", str(out), "--demo", "--size", size]) == 0
    image = QImage(str(out))
    assert f"{image.width()}x{image.height()}" == size
    # Not a blank picture: the demo's coloured boxes are there.
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 40)
        for y in range(0, image.height(), 40)
    }
    assert len(colours) > 10


def test_screenshot_rejects_a_bad_size(tmp_path: Path, capsys) -> None:
    from ui.main import main

    assert main(["screenshot", str(tmp_path / "x.png"), "--demo", "--size", "huge"]) == 2
    assert "taille invalide" in capsys.readouterr().err
