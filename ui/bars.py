"""The board's bars: the touch tool bar at the top, the move hint, the outage banner and the
status bar.  They only display and forward touches; the board decides."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStatusBar,
    QWidget,
)

from ui.metrics import Metrics
from ui.plain import make_plain, plain_label, set_button_text, set_plain_tooltip
from ui.profile import ScreenProfile
from ui.widgets import set_prop, touch_button

CLOCK_NAME = "ClockLabel"  # a long press on it toggles full screen (ui.startup)

NAMES_HIDE = "Masquer les noms"
NAMES_SHOW = "Afficher les noms"


class StableButton(QPushButton):
    """A button as wide as the longest of the texts it may show (:attr:`texts`, in bold
    too: the filter in use is bold), so that a new text moves no button beside it; it is
    narrower only when the bar lacks room (never below its minimum, a touch target)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if not self.texts:
            return hint
        padding = hint.width() - self.fontMetrics().horizontalAdvance(self.text())
        bold_font = QFont(self.font())
        bold_font.setBold(True)
        bold = QFontMetrics(bold_font)
        widest = max(bold.horizontalAdvance(t) for t in self.texts) + padding
        return QSize(max(hint.width(), widest), hint.height())


class TopBar(QFrame):
    """Filter, names, "Menu" and the clock; during a move, the move hint instead (in the
    same height: the boxes do not jump while a finger looks for its target).

    What shows depends on the screen's profile (``ui.profile``): a public screen has the
    clock only; an administration screen also has "Administration" at hand.  The layout
    tools (window mode, "Réorganiser", positions) are in the administration menu."""

    def __init__(
        self, metrics: Metrics, profile: ScreenProfile | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("TopBar")
        m = metrics
        profile = profile or ScreenProfile()
        row = QHBoxLayout(self)
        row.setContentsMargins(m.margin, m.px(4), m.margin, m.px(4))
        row.setSpacing(m.margin)
        self.filter_button = StableButton()
        touch_button(m, "Responsable : Tous ▾", "FilterButton", button=self.filter_button)
        self.names_button = StableButton()
        touch_button(m, "", "NamesButton", button=self.names_button)
        self.names_button.texts = [NAMES_SHOW, NAMES_HIDE]
        self.menu_button = touch_button(m, "☰ Menu", "MenuButton")
        self.admin_button = touch_button(m, "Administration", "AdminButton")
        self.clock_label = plain_label(name=CLOCK_NAME)
        offered = [] if profile.read_only else [self.filter_button, self.names_button,
                                                self.menu_button]
        if profile.admin_at_hand:
            offered.append(self.admin_button)
        self.tools = tuple(offered)
        for button in (self.filter_button, self.names_button, self.menu_button,
                       self.admin_button):
            button.setMinimumWidth(m.touch * 3)
            if button in self.tools:
                row.addWidget(button)
            else:  # not on this screen at all: no widget a touch could reach
                button.setParent(None)
                button.deleteLater()
        self.move_banner = MoveBanner(metrics)
        row.addWidget(self.move_banner, 1)
        self.spacer = QWidget()
        row.addWidget(self.spacer, 1)
        row.addWidget(self.clock_label)

    def show_move(self, text: str) -> None:
        for button in self.tools:
            button.hide()
        self.spacer.hide()
        self.move_banner.text.setText(text)
        self.move_banner.show()

    def hide_move(self) -> None:
        self.move_banner.hide()
        self.spacer.show()
        for button in self.tools:
            button.show()

    def show_state(
        self,
        filter_label: str,
        *,
        filter_labels: Sequence[str] = (),
        filter_active: bool,
        screen_masked: bool,
        now: datetime,
    ) -> None:
        """Each tool's text says what a touch does; the filter in use is marked.  Each
        button is as wide as the longest of its texts (``filter_labels``: every filter's),
        so that choosing a filter or masking the names moves no button: a finger going back
        to "Menu" finds it where it was."""
        if self.filter_button in self.tools:
            set_button_text(self.filter_button, filter_label)
            set_prop(self.filter_button, "active", filter_active)
            self.names_button.setText(NAMES_SHOW if screen_masked else NAMES_HIDE)
            texts = [filter_label, *filter_labels]
            if texts != self.filter_button.texts:
                self.filter_button.texts = texts
                self.filter_button.updateGeometry()
        self.set_clock(now)

    def set_touch_height(self, height: int) -> None:
        """A bigger screen: bigger targets (never below the metrics' touch size)."""
        for button in self.tools:
            button.setMinimumHeight(height)
        self.move_banner.cancel_button.setMinimumHeight(height)

    def set_clock(self, now: datetime) -> None:
        self.clock_label.setText(now.strftime("%d/%m/%Y  %H:%M"))


class MoveBanner(QFrame):
    """Shown while a patient is being moved: what to touch next, and a way out."""

    def __init__(self, metrics: Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MoveBanner")
        m = metrics
        row = QHBoxLayout(self)
        row.setContentsMargins(m.margin, 0, m.px(4), 0)
        self.text = plain_label(name="MoveBannerText")  # the patient's name
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.cancel_button = touch_button(m, "Annuler le déplacement", "MoveCancelButton")
        row.addWidget(self.text, 1)
        row.addWidget(self.cancel_button)
        self.hide()


class OutageBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OutageBanner")
        make_plain(self)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.hide()

    def show_since(self, since: datetime) -> None:
        self.setText(
            f"Base de données injoignable depuis {since:%H:%M} : dernier état connu "
            "affiché, reconnexion automatique"
        )
        self.show()


class BoardStatusBar(QStatusBar):
    """Late tasks, inbox and database listening, rejected entry files.  A touch on the
    late count emits :attr:`late_touched` (the board lists them)."""

    late_touched = Signal()

    def __init__(
        self, metrics: Metrics, parent: QWidget | None = None, *, read_only: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("StatusBar")
        self.setSizeGripEnabled(False)
        m = metrics
        self.late_label = plain_label(name="LateCount")
        self.database_label = plain_label(name="DatabaseStatus")
        self.inbox_label = plain_label(name="InboxStatus")  # a folder's name, an OS error
        self.rejected_button = QPushButton()
        self.rejected_button.setObjectName("RejectedFiles")
        self.rejected_button.setMinimumHeight(m.touch)
        self.rejected_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.rejected_button.hide()
        self.rejected_button.setEnabled(not read_only)  # a public screen: counted, not listed
        self.message_label = plain_label(name="StatusMessage")  # box codes, errors
        self.style_label = plain_label(name="StyleProblem")  # synoptux.css refused
        self.style_label.hide()
        for widget in (self.late_label, self.database_label, self.inbox_label, self.style_label):
            widget.setMinimumHeight(m.touch)
            self.addWidget(widget)
        self.addWidget(self.rejected_button)
        self.addPermanentWidget(self.message_label)
        if not read_only:  # a public screen: counted, not listed
            self.late_label.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        late = getattr(self, "late_label", None)  # QStatusBar filters events before it exists
        if (late is not None and watched is late
                and event.type() == QEvent.Type.MouseButtonRelease and late.property("alarm")):
            self.late_touched.emit()
            return True
        return super().eventFilter(watched, event)

    def set_late(self, count: int, total: int | None = None, who: str | None = None) -> None:
        """Late tasks shown; with a filter (``who``), out of every late task of the board."""
        total = count if total is None else total
        if who is not None:
            text = f"{count} en retard ({who}) sur {total}"
            self.late_label.setText(("⚠ " if count else "") + text)
        elif count == 0:
            self.late_label.setText("Aucune tâche en retard")
        else:
            self.late_label.setText(f"⚠ {count} tâche{'s' if count > 1 else ''} en retard")
        set_prop(self.late_label, "alarm", count > 0)

    def set_lost(self, box_codes: list[str]) -> None:
        """Patients in boxes the board does not know (one code per patient), or none."""
        if box_codes:
            codes = ", ".join(sorted(set(box_codes)))
            self.message_label.setText(
                f"⚠ {len(box_codes)} patient(s) dans un box inconnu : {codes}"
            )
        elif self.message_label.text().startswith("⚠"):
            self.message_label.setText("")

    def set_style(self, problem: str) -> None:
        """A ``synoptux.css`` refused (the whole reason in the tooltip and the log), or none."""
        self.style_label.setText("⚠ Feuille de style refusée : la précédente est gardée"
                                 if problem else "")
        set_plain_tooltip(self.style_label, problem)
        self.style_label.setVisible(bool(problem))

    def set_database(self, listening: bool, since: datetime | None = None) -> None:
        if listening:
            self.database_label.setText("Base : à l'écoute")
        elif since is not None:
            self.database_label.setText(f"Base : injoignable depuis {since:%H:%M}")
        else:
            self.database_label.setText("Base : non suivie")
        set_prop(self.database_label, "ok", listening)

    def set_inbox(self, listening: bool, detail: str) -> None:
        self.inbox_label.setText(detail)
        set_prop(self.inbox_label, "ok", listening)

    def set_rejected(self, count: int) -> None:
        self.rejected_button.setVisible(count > 0)
        self.rejected_button.setText(
            f"⚠ {count} fichier{'s' if count > 1 else ''} d'entrée refusé{'s' if count > 1 else ''}"
        )
        set_prop(self.rejected_button, "alarm", count > 0)
