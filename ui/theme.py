"""The board's one style sheet: generated rules, then the user's ``synoptux.css``.

Colours that come from the database (box, task type, state, responsable) cannot live in a
static file, and per-widget style strings would defeat the file.  So each widget carries
its code as a dynamic property (``taskCode="RX"``) and this module writes one rule per
code, e.g. ``QPushButton#TaskButton[taskCode="RX"] { background-color: #d6eaf8; }``.
Sizes of text come from the metrics (``Taille_Police`` x ``Echelle``).

The sheet is, in this order: generated sizes and board colours, generated data colours,
then ``synoptux.css``; for rules of equal specificity the later wins, so the file can
override anything, including one box (``QFrame#BoxPanel[boxCode="B1"]``).

:class:`StyleSheet` watches the file and applies it again when it changes (editors replace
files atomically, so the folder is watched too).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from synoptic.config import Config
from synoptic.views import Reference
from ui.admin.sheet_check import check_sheet
from ui.colours import RESPONSABLE_GREY, colour, text_on, tint
from ui.css import convert, looks_legacy
from ui.dialogs.style import dialog_rules
from ui.metrics import Metrics

log = logging.getLogger(__name__)

CSS_FILE_NAME = "synoptux.css"
REPO_ROOT = Path(__file__).resolve().parents[1]


def css_candidates(config: Config) -> list[Path]:
    """Where ``synoptux.css`` is looked for: beside the ini file, then the project root."""
    places = []
    if config.path is not None:
        places.append(config.path.parent / CSS_FILE_NAME)
    places.append(REPO_ROOT / CSS_FILE_NAME)
    return places


def find_css(config: Config) -> Path | None:
    return next((p for p in css_candidates(config) if p.is_file()), None)


def quote(value: str) -> str:
    """A property value as a quoted style-sheet string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def base_rules(config: Config, metrics: Metrics) -> str:
    """Text sizes and the board's own colours."""
    alarm = colour(config.display.alarm_color, "#ff0000")
    board = colour(config.display.board_background, "#2b2b2b")
    title = metrics.title_font_pt
    return f"""
/* Every widget gets its size here: with a style sheet on an ancestor, Qt does not pass a
   parent's setFont() on to a widget added later (its text would fall back to 9 pt). */
QWidget {{ font-size: {metrics.font_pt}pt; }}
/* The dialogs' own sizes (ui/dialogs sets them with setFont, which the rule above hides). */
QLabel#DialogTitle {{ font-size: {title}pt; font-weight: bold; }}
QLabel#InfoText, QLabel#TimeDateLabel {{ font-size: {title}pt; }}
QLabel#TimeLabel {{ font-size: {title * 2}pt; font-weight: bold; }}
QLabel#ExitTimeCaption {{ font-weight: bold; }}
QDialog#ResponsableDialog QPushButton#ResponsableButton[current="true"] {{ font-weight: bold; }}
QMainWindow#Board, QWidget#BoardCanvas, QScrollArea#BoardScroll {{ background-color: {board}; }}
QPushButton#BoxTitle {{ font-size: {metrics.title_font_pt}pt; font-weight: bold; }}
QPushButton#NameButton {{ font-size: {metrics.font_pt}pt; font-weight: bold; }}
QLabel#ClockLabel {{ font-size: {metrics.title_font_pt}pt; font-weight: bold; }}
QLabel#EntryTime, QLabel#MoveTime, QPushButton#ExitTime, QLabel#Duration,
QLabel#FirstNameLabel {{ font-size: {metrics.small_font_pt}pt; }}
QPushButton#BoxTitle[compact="true"] {{ font-size: {metrics.font_pt + 1}pt; }}
/* The state is read from a few metres: full size (the current one is filled). */
QPushButton#StateButton, QPushButton#StateMenuButton {{ font-size: {metrics.font_pt}pt; }}
QMenu#StateMenu::item, QMenu#FilterMenu::item {{
    padding: {max(2, (metrics.touch - round(metrics.font_pt * 96 / 72 * 1.2)) // 2)}px {metrics.px(24)}px; }}
QLabel#OutageBanner {{ font-weight: bold; }}
QFrame#OpenCard {{ background-color: #eeeeee; border: 2px solid #2c3e50; }}
QFrame#OpenCard QPushButton:pressed {{ border: 3px solid #000000; }}
QLabel#OpenCardTitle {{ font-weight: bold; }}
QLabel#MoreLabel {{ background-color: #2c3e50; color: #ffffff; font-weight: bold;
    border-radius: {metrics.px(4)}px; padding: 0 {metrics.px(4)}px; }}
QPushButton#NameButton[late="true"][blinkOn="true"],
QPushButton#TaskButton[late="true"][blinkOn="true"] {{
    background-color: {alarm}; color: {text_on(alarm)}; }}
""" + dialog_rules(metrics)


def data_rules(reference: Reference, config: Config) -> str:
    """One rule per box, task type, state and responsable of the database."""
    out: list[str] = []
    for box in reference.boxes:
        code = quote(box.code)
        bg = colour(box.background_color, "#dddddd")
        title = colour(box.title_color, "#555555")
        out.append(f"QFrame#BoxPanel[boxCode={code}] {{ background-color: {bg}; }}")
        out.append(
            f"QPushButton#BoxTitle[boxCode={code}] "
            f"{{ background-color: {title}; color: {text_on(title)}; }}"
        )
    default_alarm = colour(config.display.alarm_color, "#ff0000")
    for task in reference.task_types.values():
        code = quote(task.code)
        bg = colour(task.color, "#eeeeee")
        alarm = colour(task.alarm_color, default_alarm)
        out.append(
            f"QPushButton#TaskButton[taskCode={code}] "
            f"{{ background-color: {bg}; color: {text_on(bg)}; }}"
        )
        out.append(
            f'QPushButton#TaskButton[taskCode={code}][late="true"][blinkOn="true"] '
            f"{{ background-color: {alarm}; color: {text_on(alarm)}; }}"
        )
    for state in reference.states.values():
        # The current state filled with its colour; the others only outlined with it, on
        # a pale tint, so that the current one stands out from across the room.
        code = quote(state.code)
        bg = colour(state.color, "#cccccc")
        out.append(
            f'QPushButton#StateButton[stateCode={code}][current="true"], '
            f'QPushButton#StateMenuButton[stateCode={code}][current="true"] '
            f"{{ background-color: {bg}; color: {text_on(bg)}; }}"
        )
        out.append(
            f'QPushButton#StateButton[stateCode={code}][current="false"] '
            f"{{ background-color: {tint(bg)}; border-color: {bg}; }}"
        )
    for resp in reference.responsables.values():
        bg = colour(resp.color, RESPONSABLE_GREY)
        out.append(
            f"QPushButton#ResponsableButton[responsable={quote(resp.code)}] "
            f"{{ background-color: {bg}; color: {text_on(bg)}; }}"
        )
    return "\n".join(out) + "\n"


class StyleSheet(QObject):
    """Builds the sheet, applies it to the board and re-applies it when the file changes."""

    reloaded = Signal(str)  # path of the file read ("" when none)

    def __init__(
        self,
        target: QWidget,
        config: Config,
        metrics: Metrics,
        path: Path | None = None,
        *,
        read: Callable[[Path], str] | None = None,
    ) -> None:
        super().__init__(target)
        self.target = target
        self.config = config
        self.metrics = metrics
        self.path = path if path is not None else find_css(config)
        self._read = read or (lambda p: p.read_text(encoding="utf-8-sig", errors="replace"))
        self._base = base_rules(config, metrics)
        self._data = ""
        self._user = ""
        self._last_good = ""  # the last file Qt could read: kept when a new one is refused
        self.error = ""
        self.legacy = False
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._changed)
        self.watcher.directoryChanged.connect(self._changed)
        # Editors write in several steps: wait for the burst to end, then read once.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.reload)
        if self.path is not None:
            self.watcher.addPath(str(self.path.parent))
        # File-system events do not cross network shares and can run out (inotify): a cheap
        # look at the file's date every few seconds catches what they miss.
        self._stamp: tuple[int, int] | None = None
        self.poll = QTimer(self)
        self.poll.setInterval(2000)
        self.poll.timeout.connect(self._check_stamp)
        self.poll.start()
        self.reload()

    def set_text_scale(self, factor: float) -> None:
        """Text sizes x ``factor`` (a screen bigger than 1080 lines: everything larger)."""
        m = self.metrics
        scaled = Metrics(m.scale * factor, m.base_font_pt)
        base = base_rules(self.config, scaled)
        if base != self._base:
            self._base = base
            self.apply()

    def set_reference(self, reference: Reference) -> None:
        data = data_rules(reference, self.config)
        if data != self._data:
            self._data = data
            self.apply()

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat() if self.path is not None else None
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size) if st else None

    def _check_stamp(self) -> None:
        if self._file_stamp() != self._stamp:
            self._debounce.start()

    def reload(self) -> None:
        self._stamp = self._file_stamp()
        self.error = ""
        self._user = ""
        self.legacy = False
        if self.path is not None:
            try:
                self._user = self._read(self.path)
                if looks_legacy(self._user):
                    # Synoptux 2.16's file (Titre_Box { ... }): taken as is, converted here.
                    self._user = convert(self._user, source=str(self.path))
                    self.legacy = True
            except OSError as err:
                self.error = f"Feuille de style {self.path} illisible : {err}"
                log.warning("%s", self.error)
            check = check_sheet(self._user)
            if check.ok:
                self._last_good = self._user
            else:  # one bad rule would make Qt drop the whole sheet, generated rules too
                self.error = f"{self.path} : {check.problem}"
                log.warning("%s", self.error)
                self._user = self._last_good
            if self.path.is_file() and str(self.path) not in self.watcher.files():
                self.watcher.addPath(str(self.path))
        self.apply()
        self.reloaded.emit(str(self.path or ""))

    def sheet(self) -> str:
        return self._base + self._data + self._user

    def apply(self) -> None:
        self.target.setStyleSheet(self.sheet())

    def _changed(self, _path: str) -> None:
        self._debounce.start()
