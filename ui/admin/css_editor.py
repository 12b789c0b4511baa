"""The editor of ``synoptux.css``: the text on the left, a live preview on the right.

Every pause in the typing redraws the sample board (``css_preview``) with the candidate
sheet; a sheet Qt cannot read (``sheet_check``) is refused with the reason and the line,
the preview keeps the last sheet Qt could read, and "Enregistrer" writes nothing. A sheet
Qt reads is written atomically, in the file's encoding: the board re-reads the file when
it changes (``ui/theme.py``), so it only ever gets a sheet Qt can read.

The file edited is the one beside ``synoptux.ini`` (the first place the board looks);
when there is none yet, the text starts from the file the board uses now.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from synoptic.config import Config, write_atomically
from synoptic.decoding import decode_text
from synoptic.views import Reference
from ui.admin.css_preview import render_sample
from ui.admin.look import message_label, save_row, say, wrapped_label
from ui.admin.sheet_check import check_sheet
from ui.admin.text_keys import TextArea
from ui.metrics import Metrics
from ui.plain import plain_label
from ui.theme import css_candidates, find_css

__all__ = ["CssEditor", "css_path"]

PREVIEW_DELAY_MS = 400


def css_path(config: Config) -> Path:
    """Where the editor writes: beside the ini file when there is one."""
    return css_candidates(config)[0]


class PreviewLabel(QLabel):
    """The sample's picture, scaled down to the room it has (it never widens the window)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("CssPreview")
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.sample = QPixmap()

    def set_picture(self, picture: QPixmap) -> None:
        self.sample = picture
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self.sample.isNull():
            return
        room = self.size()
        if self.sample.width() <= room.width() and self.sample.height() <= room.height():
            self.setPixmap(self.sample)
        else:
            self.setPixmap(self.sample.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation))


class CssEditor(QWidget):
    def __init__(self, metrics: Metrics, config: Config,
                 reference: Callable[[], Reference]) -> None:
        super().__init__()
        self.setObjectName("CssEditor")
        self.metrics = metrics
        self.config = config
        self.path = css_path(config)
        self.reference = reference()
        self.last_good = ""
        column = QVBoxLayout(self)
        column.setSpacing(metrics.spacing * 2)
        self.message = message_label()
        column.addWidget(self.message)
        row = QHBoxLayout()
        row.setSpacing(metrics.spacing * 2)
        self.text = TextArea(metrics, "CssText")
        self.editor = self.text.editor
        row.addWidget(self.text, 3)
        side = QVBoxLayout()
        side.addWidget(plain_label("Aperçu", "FieldLabel"))
        self.preview = PreviewLabel()
        side.addWidget(self.preview, 1)
        self.warnings = wrapped_label("", "FieldHelp")
        side.addWidget(self.warnings)
        row.addLayout(side, 2)
        column.addLayout(row, 1)
        actions, self.save_button, self.revert_button = save_row(metrics)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        column.addLayout(actions)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.update_preview)
        self.editor.textChanged.connect(self.timer.start)
        self.revert()

    def _read(self) -> None:
        source = self.path if self.path.is_file() else find_css(self.config)
        self._decoded = decode_text(source.read_bytes() if source is not None else b"")
        self.saved = self._decoded.text.replace("\r\n", "\n").replace("\r", "\n")

    def revert(self) -> None:
        """The file as it is on disk (drops the changes)."""
        self._read()
        self.editor.setPlainText(self.saved)
        self.update_preview()
        say(self.message, "")

    def update_preview(self) -> bool:
        """Draw the candidate; False (and why) when Qt cannot read it."""
        self.timer.stop()
        text = self.editor.toPlainText()
        check = check_sheet(text)
        if not check.ok:
            say(self.message, check.problem + " Aperçu : la dernière feuille lisible.")
            return False
        self.last_good = text
        picture, _messages = render_sample(text, self.reference, self.config, self.metrics)
        self.preview.set_picture(picture)
        self.warnings.setText("\n".join(check.warnings))
        say(self.message, "")
        return True

    def save(self) -> bool:
        if not self.update_preview():
            return False
        text = self.editor.toPlainText()
        eol = "\r\n" if "\r\n" in self._decoded.text else "\n"
        try:
            data = self._decoded.encode(text.replace("\n", eol))
        except UnicodeEncodeError:
            say(self.message, f"Feuille de style refusée : un caractère ne s'écrit pas dans "
                f"l'encodage du fichier ({self._decoded.encoding}).")
            return False
        try:
            write_atomically(self.path, data)
        except OSError as err:
            say(self.message, f"Impossible d'écrire {self.path} : {err.strerror or err}.")
            return False
        self._read()
        say(self.message, f"Feuille de style enregistrée dans {self.path} : le tableau "
            "l'applique dès maintenant.", "ok")
        return True
