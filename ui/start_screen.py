"""The screen a wall shows while the board cannot start: never an empty screen.

Big and readable from a few metres: what is wrong, what to fix, when the next attempt
comes, and the raw detail in small print for whoever fixes it.  Its look is its own (the
configuration that would give the board's may be the thing that is wrong).  All its texts
are plain (``ui.plain``): a file name or a driver message is never markup.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from synoptic.start_problems import StartProblem
from ui.plain import plain_label, window_title

_STYLE = """
QWidget#StartScreen { background: #1e1e1e; }
QLabel { color: #f0f0f0; font-size: 20pt; }
QLabel#StartTitle { color: #ff6b5b; font-size: 34pt; font-weight: bold; }
QLabel#StartFix { color: #ffd866; }
QLabel#StartRetry { color: #9ad1ff; font-size: 18pt; }
QLabel#StartDetail { color: #a0a0a0; font-size: 11pt; }
QLabel#StartAdmin { color: #707070; font-size: 10pt; }
"""


class StartScreen(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StartScreen")
        self.setWindowTitle(window_title("Synoptux"))
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(_STYLE)
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
