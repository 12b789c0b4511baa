"""Where exports go, chosen with a finger: the user's Documents folder by default, and a
touch folder browser (big buttons, no path to type, no file dialog).

:class:`ExportBar` is the bottom row of the statistics and history windows: the folder,
"Changer de dossier", the window's export buttons and a message line saying what was
written (or, in French, why not).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import platformdirs
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from synoptic.db_messages import french_database_error
from synoptic.error_text import first_line
from synoptic.errors import InvalidValueError
from ui.admin.look import message_label, say
from ui.dialogs.base import CANCEL_NAME, OK_NAME, TouchDialog, dialog_button
from ui.dialogs.touch_list import TouchList
from ui.metrics import Metrics
from ui.plain import plain_label

__all__ = ["ExportBar", "FolderChooser", "default_export_folder", "failure_text", "free_path"]


def default_export_folder() -> Path:
    """The user's Documents folder (its home when there is none)."""
    documents = Path(platformdirs.user_documents_dir())
    return documents if documents.is_dir() else Path.home()


def free_path(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem.suffix``, or ``stem (2).suffix``... when a file has that name: an
    export never replaces an earlier one."""
    path = folder / f"{stem}{suffix}"
    number = 2
    while path.exists():
        path = folder / f"{stem} ({number}){suffix}"
        number += 1
    return path


def subfolders(folder: Path) -> list[Path]:
    """The folders in ``folder`` a user would pick (no hidden ones), sorted by name."""
    try:
        found = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name.casefold())


class FolderChooser(TouchDialog):
    """Browse folders by touch: the current folder's path, its sub-folders as big buttons,
    "Dossier parent", shortcuts to Documents and the home folder, "Choisir ce dossier"."""

    def __init__(self, metrics: Metrics, start: Path, parent: QWidget | None = None) -> None:
        super().__init__(metrics, "Dossier des exports", "FolderChooser", parent)
        self.folder = start if start.is_dir() else default_export_folder()
        self.path_label = self.text_label("", "FolderPath")
        self.body.addWidget(self.path_label)
        shortcuts = QHBoxLayout()
        self.up_button = self.button("⬆ Dossier parent", "FolderUp")
        self.up_button.clicked.connect(lambda: self.open_folder(self.folder.parent))
        shortcuts.addWidget(self.up_button)
        for label, target in (("Documents", default_export_folder()),
                              ("Dossier personnel", Path.home())):
            button = self.button(label, "FolderShortcut")
            button.clicked.connect(lambda _c=False, t=target: self.open_folder(t))
            shortcuts.addWidget(button)
        self.body.addLayout(shortcuts)
        self.list = TouchList(metrics)
        self.body.addWidget(self.list, 1)
        self.ok_button = self.button("Choisir ce dossier", OK_NAME)
        self.ok_button.clicked.connect(self.accept)
        cancel = self.button("Annuler", CANCEL_NAME)
        cancel.clicked.connect(self.reject)
        self.add_actions(self.ok_button, cancel)
        if parent is not None:
            area = parent.window().size()
            self.resize(area.width() * 7 // 10, area.height() * 9 // 10)
        self.open_folder(self.folder)

    def open_folder(self, folder: Path) -> None:
        self.folder = folder
        self.path_label.setText(str(folder))
        self.up_button.setEnabled(folder.parent != folder)
        for button in self.list.buttons:
            button.deleteLater()
        self.list.buttons.clear()
        for child in subfolders(folder):
            button = self.list.add_button(f"📁 {child.name}", "FolderButton")
            button.clicked.connect(lambda _c=False, c=child: self.open_folder(c))


class ExportBar(QWidget):
    """The folder and the export buttons; ``folder`` is where the next file goes."""

    def __init__(self, metrics: Metrics, buttons: Sequence[tuple[str, str]],
                 folder: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ExportBar")
        self.metrics = metrics
        self.folder = folder or default_export_folder()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(metrics.spacing)
        self.message = message_label()
        column.addWidget(self.message)
        row = QHBoxLayout()
        row.setSpacing(metrics.spacing * 2)
        self.folder_label = plain_label("", "ExportFolder")
        self.folder_label.setWordWrap(True)
        self.folder_label.setSizePolicy(QSizePolicy.Policy.Expanding,
                                        QSizePolicy.Policy.Preferred)
        row.addWidget(self.folder_label, 1)
        self.change_button = dialog_button(metrics, "Changer de dossier", "ExportFolderButton")
        self.change_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.change_button.clicked.connect(self.change_folder)
        row.addWidget(self.change_button)
        self.buttons: dict[str, QPushButton] = {}
        for key, label in buttons:
            button = dialog_button(metrics, label, "ExportButton")
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            row.addWidget(button)
            self.buttons[key] = button
        column.addLayout(row)
        self.set_folder(self.folder)

    def set_folder(self, folder: Path) -> None:
        self.folder = folder
        self.folder_label.setText(f"Exporter dans : {folder}")

    def change_folder(self) -> None:
        chooser = FolderChooser(self.metrics, self.folder, self.window())
        if chooser.exec():
            self.set_folder(chooser.folder)

    def tell(self, text: str, kind: str = "ok") -> None:
        say(self.message, text, kind)


def failure_text(err: BaseException) -> str:
    """Why a read or an export failed, in French: a refused value's own message, a file
    that cannot be written, else what the database said (``synoptic.db_messages``)."""
    if isinstance(err, InvalidValueError):
        return str(err)
    if isinstance(err, OSError):
        return f"Écriture impossible : {first_line(err)}"
    return french_database_error(err)
