"""The screen a wall shows while the board cannot start: never an empty screen.

Big and readable from a few metres: what is wrong, what to fix, when the next attempt
comes, and the raw detail in small print for whoever fixes it.  Its look is its own (the
configuration that would give the board's may be the thing that is wrong).  All its texts
are plain (``ui.plain``): a file name or a driver message is never markup.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from synoptic.start_problems import StartProblem
from ui.plain import plain_label, window_title

_STYLE = """
QWidget#StartScreen {{ background: #1e1e1e; }}
QLabel {{ color: #f0f0f0; font-size: {body}px; }}
QLabel#StartTitle {{ color: #ff6b5b; font-size: {title}px; font-weight: bold; }}
QLabel#StartFix {{ color: #ffd866; }}
QLabel#StartRetry {{ color: #9ad1ff; font-size: {retry}px; }}
QLabel#StartDetail {{ color: #a0a0a0; font-size: {detail}px; }}
QLabel#StartAdmin {{ color: #707070; font-size: {admin}px; }}
"""


def style_for_height(height: int) -> str:
    """Text sizes in proportion to the screen: read from a few metres on any wall."""
    unit = max(12.0, height / 60)
    sizes = {"title": 2.6, "body": 1.5, "retry": 1.3, "detail": 0.9, "admin": 0.75}
    return _STYLE.format(**{name: round(unit * k) for name, k in sizes.items()})


class StartScreen(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StartScreen")
        self.setWindowTitle(window_title("Synoptux"))
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._styled_for = 0
        self.setStyleSheet(style_for_height(720))
        column = QVBoxLayout(self)
        column.setContentsMargins(80, 60, 80, 40)
        column.setSpacing(24)
        self.title = plain_label("Démarrage du tableau…", "StartTitle")
        self.what = plain_label("", "StartWhat")
        self.fix = plain_label("", "StartFix")
        self.retry = plain_label("Connexion à la base de données…", "StartRetry")
        self.detail = plain_label("", "StartDetail")
        self.admin = plain_label(
            "Administrateur : appui long de 3 s sur cet écran pour passer en mode fenêtre.",
            "StartAdmin",
        )
        for label in (self.what, self.fix, self.detail):
            label.setWordWrap(True)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addStretch(1)
        for label in (self.title, self.what, self.fix, self.retry):
            column.addWidget(label)
        column.addSpacing(24)
        column.addWidget(self.detail)
        column.addStretch(2)
        column.addWidget(self.admin)
        self.problem: StartProblem | None = None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        height = event.size().height()
        if height != self._styled_for:  # on a new screen size only, never per frame
            self._styled_for = height
            self.setStyleSheet(style_for_height(height))

    def show_problem(self, problem: StartProblem) -> None:
        self.problem = problem
        self.title.setText(problem.title)
        self.what.setText(problem.what)
        self.fix.setText(f"À faire : {problem.fix}")
        self.detail.setText(f"Détail : {problem.detail}")

    def show_countdown(self, seconds: int) -> None:
        self.retry.setText(f"Nouvelle tentative dans {max(0, seconds)} s")

    def show_trying(self) -> None:
        self.retry.setText("Nouvelle tentative en cours…")
