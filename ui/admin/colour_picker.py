"""Choosing a colour by touch: a grid of big swatches, or a colour typed on the keyboard.

``QColorDialog`` is not touch friendly (a small gradient, tiny spin boxes, no French
words a nurse knows), so: 30 swatches of at least 64 px (pale colours for backgrounds,
strong ones for titles and alarms, greys), an "Autre couleur" field that takes
``#rrggbb`` or the six digits without ``#`` (the on-screen keyboard has no ``#``) or an
SVG name, a preview with the text colour the board will use on it, and "Aucune couleur"
(the board's default).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QPushButton, QSizePolicy, QWidget

from synoptic.colours import COLOUR_EXPECTED, normalise_colour
from ui.admin.look import TouchLineEdit, problem_label, show_problem
from ui.colours import text_on
from ui.dialogs.base import CANCEL_NAME, OK_NAME, TouchDialog
from ui.metrics import Metrics
from ui.plain import plain_label

# Five rows of six: pale (backgrounds), strong (titles, alarms), greys.
PALETTE = (
    "#ffcdd2", "#f8bbd0", "#e1bee7", "#c5cae9", "#bbdefb", "#b2ebf2",
    "#c8e6c9", "#dcedc8", "#fff9c4", "#ffe0b2", "#d7ccc8", "#f5f5f5",
    "#e53935", "#d81b60", "#8e24aa", "#3949ab", "#1e88e5", "#00897b",
    "#43a047", "#7cb342", "#fdd835", "#fb8c00", "#6d4c41", "#f4511e",
    "#ffffff", "#bdbdbd", "#757575", "#546e7a", "#263238", "#000000",
)
COLUMNS = 6
_BARE_HEX_RE = re.compile(r"[0-9a-fA-F]{3}|[0-9a-fA-F]{6}")
AskText = Callable[[QWidget, str, str, int], "str | None"]


def typed_colour(text: str) -> str | None:
    """A colour typed by hand: ``#rrggbb``, ``rrggbb`` (no ``#`` on the keyboard), a name."""
    text = text.strip()
    if _BARE_HEX_RE.fullmatch(text):
        text = "#" + text
    return normalise_colour(text)


class Swatch(QPushButton):
    """A button painted with its colour (whatever the style sheet says of buttons); a
    thick ring when checked. ``colour`` "" paints the "no colour" pattern."""

    def __init__(self, metrics: Metrics, colour: str, name: str = "ColourSwatch") -> None:
        super().__init__()
        self.metrics = metrics
        self.colour = colour
        self.setObjectName(name)
        self.setCheckable(True)
        self.setAutoDefault(False)
        self.setMinimumSize(metrics.dialog_button, metrics.dialog_button)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(colour or "aucune couleur")

    def set_colour(self, colour: str) -> None:
        self.colour = colour
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        m = self.metrics
        inset = m.px(6) if self.isChecked() else m.px(3)
        area = self.rect().adjusted(inset, inset, -inset, -inset)
        colour = QColor(self.colour) if self.colour else QColor("#ffffff")
        painter.setBrush(colour)
        painter.setPen(QPen(QColor("#555555"), m.px(1)))
        painter.drawRoundedRect(area, m.radius, m.radius)
        if not self.colour:  # "none": a diagonal stroke, as a crossed-out box
            painter.setPen(QPen(QColor("#9e9e9e"), m.px(3)))
            painter.drawLine(area.bottomLeft(), area.topRight())
        elif self.text():
            painter.setPen(QColor(text_on(colour.name())))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.text())
        if self.isChecked() or self.isDown():
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor("#0d47a1"), m.px(4)))
            painter.drawRoundedRect(QRect(self.rect()).adjusted(2, 2, -2, -2), m.radius, m.radius)
        painter.end()


class ColourDialog(TouchDialog):
    """``result_value()``: the colour chosen, "" for none, ``None`` when cancelled."""

    def __init__(self, metrics: Metrics, title: str, current: str, ask_text: AskText,
                 parent: QWidget | None = None) -> None:
        super().__init__(metrics, title, "ColourDialog", parent)
        self.setMinimumWidth(metrics.px(720))
        self._ask_text = ask_text
        self.chosen = (normalise_colour(current) or current.strip()) if current else ""
        grid = QGridLayout()
        grid.setSpacing(metrics.spacing)
        self.group = QButtonGroup(self)
        self.swatches: list[Swatch] = []
        for index, colour in enumerate(PALETTE):
            swatch = Swatch(metrics, colour)
            swatch.clicked.connect(lambda _=False, c=colour: self.choose(c))
            self.group.addButton(swatch)
            self.swatches.append(swatch)
            grid.addWidget(swatch, *divmod(index, COLUMNS))
        self.body.addLayout(grid)

        row = QGridLayout()
        row.setSpacing(metrics.spacing)
        self.custom = TouchLineEdit(metrics, "ColourCustom")
        self.custom.setPlaceholderText("Autre couleur : #rrggbb, rrggbb ou un nom anglais")
        self.custom.setMaxLength(45)
        self.custom.touched.connect(self._type_custom)
        self.custom.textEdited.connect(self._custom_edited)  # a physical keyboard
        self.preview = Swatch(metrics, "", "ColourPreview")
        self.preview.setText("Aperçu")
        self.preview.setCheckable(False)
        self.preview.setEnabled(False)
        row.addWidget(plain_label("Autre couleur :", "FieldLabel"), 0, 0)
        row.addWidget(self.custom, 0, 1)
        row.addWidget(self.preview, 0, 2)
        row.setColumnStretch(1, 3)
        row.setColumnStretch(2, 1)
        self.body.addLayout(row)
        self.problem = problem_label()
        self.body.addWidget(self.problem)

        self.ok_button = self.button("Valider", OK_NAME)
        self.none_button = self.button("Aucune couleur", "ColourNone")
        self.cancel_button = self.button("Annuler", CANCEL_NAME)
        self.ok_button.clicked.connect(self._validate)
        self.none_button.clicked.connect(lambda: self._finish(""))
        self.cancel_button.clicked.connect(self.reject)
        self.add_actions(self.ok_button, self.none_button, self.cancel_button)
        self.custom.setText(self.chosen)
        self._show_choice()

    def choose(self, colour: str) -> None:
        self.chosen = colour
        self.custom.setText(colour)
        show_problem(self.problem, "")
        self._show_choice()

    def _show_choice(self) -> None:
        for swatch in self.swatches:
            swatch.setChecked(swatch.colour == self.chosen)
        valid = typed_colour(self.chosen) if self.chosen else None
        self.preview.set_colour(QColor(valid).name() if valid else "")

    def _type_custom(self) -> None:
        typed = self._ask_text(self, "Autre couleur (#rrggbb ou nom)", self.custom.text(), 45)
        if typed is not None:
            self.custom.setText(typed)
            self._custom_edited(typed)

    def _custom_edited(self, text: str) -> None:
        self.chosen = text.strip()
        colour = typed_colour(self.chosen)
        show_problem(self.problem, "" if colour or not self.chosen else
                     f"« {self.chosen} » n'est pas une couleur : attendu {COLOUR_EXPECTED}.")
        self._show_choice()

    def _validate(self) -> None:
        if not self.chosen:
            self._finish("")
            return
        colour = typed_colour(self.chosen)
        if colour is None:
            self._custom_edited(self.chosen)
            return
        self._finish(colour)

    def _finish(self, colour: str) -> None:
        self.chosen = colour
        self.accept()

    def result_value(self) -> str | None:
        if self.result() != TouchDialog.DialogCode.Accepted:
            return None
        return self.chosen
