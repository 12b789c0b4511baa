"""synoptux.ini as a form: every key of the default file with its meaning, and a raw view.

Edits go to a :class:`synoptic.config.IniDraft` (only the lines of the keys changed are
rewritten, comments and unknown keys kept); "Enregistrer" checks the draft by the rules of
start-up and writes it atomically, or shows the start-up message under the key refused.
The raw view shows the whole file and can be edited too (with the on-screen keyboard of
``text_keys``). The board reads its settings when it starts: they apply from then on.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from synoptic.admin_password import new_password_hash
from synoptic.config import (
    KEY_CHOICE,
    KEY_COLOUR,
    KEY_SECRET,
    KEY_YES_NO,
    ConfigError,
    IniDraft,
    KeyDoc,
    documented_keys,
)
from synoptic.errors import SynoptuxError
from ui.admin.colour_picker import Swatch, typed_colour
from ui.admin.dialogs import AdminDialogsLike
from ui.admin.look import (
    ChoiceRow,
    TouchLineEdit,
    message_label,
    problem_label,
    save_row,
    say,
    show_problem,
    wrapped_label,
)
from ui.admin.text_keys import TextArea
from ui.dialogs.base import dialog_button
from ui.metrics import Metrics
from ui.widgets import make_kinetic

__all__ = ["KeyRow", "SettingsForm"]

FORM, RAW = "form", "raw"
MAX_VALUE = 2000


class KeyRow(QWidget):
    """One key: its name, its meaning, its editor and the message when refused."""

    def __init__(self, metrics: Metrics, doc: KeyDoc, form: SettingsForm) -> None:
        super().__init__()
        self.doc = doc
        self.form = form
        self.value = ""
        self._showing = False  # show_value sets the editors: no edit then
        column = QVBoxLayout(self)
        column.setContentsMargins(0, metrics.spacing, 0, metrics.spacing)
        column.setSpacing(metrics.spacing)
        column.addWidget(wrapped_label(doc.key, "FieldLabel"))
        default = f"Par défaut : {doc.default}." if doc.default else ""
        column.addWidget(wrapped_label(" ".join(filter(None, (doc.meaning.replace(
            "\n", " "), default))), "FieldHelp"))
        self.editor: QWidget
        if doc.kind in (KEY_YES_NO, KEY_CHOICE):
            self.choices = ChoiceRow(metrics, [(c, c) for c in doc.choices])
            self.choices.changed.connect(self._chosen)
            self.editor = self.choices
        elif doc.kind == KEY_COLOUR:
            self.swatch = Swatch(metrics, "", "ColourField")
            self.swatch.setCheckable(False)
            self.swatch.setMaximumSize(metrics.px(360), metrics.touch)
            self.swatch.clicked.connect(self._pick_colour)
            self.editor = self.swatch
        elif doc.kind == KEY_SECRET:
            self.editor = self._secret_row(metrics)
        else:
            self.line = TouchLineEdit(metrics)
            self.line.setMaxLength(MAX_VALUE)
            self.line.setPlaceholderText(f"vide : {doc.default or 'aucune valeur'}")
            self.line.touched.connect(self._type)
            self.line.textEdited.connect(self.set)
            self.editor = self.line
        column.addWidget(self.editor)
        self.problem = problem_label()
        column.addWidget(self.problem)

    def _secret_row(self, metrics: Metrics) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.secret_state = wrapped_label("", "FieldHelp")
        line.addWidget(self.secret_state, 1)
        change = dialog_button(metrics, "Changer le mot de passe…", "PasswordChange")
        change.clicked.connect(self._new_password)
        self.remove_button = dialog_button(metrics, "Retirer", "PasswordRemove")
        self.remove_button.clicked.connect(lambda: self.set(""))
        line.addWidget(change)
        line.addWidget(self.remove_button)
        return row

    def show_value(self, value: str) -> None:
        """The draft's value ("" when the key is absent or empty: the default)."""
        self.value = value
        if self.doc.kind in (KEY_YES_NO, KEY_CHOICE):
            match = next((c for c in self.doc.choices if c.casefold() == value.casefold()), "")
            self._showing = True
            self.choices.set_value(match)
            self._showing = False
        elif self.doc.kind == KEY_COLOUR:
            colour = typed_colour(value) if value else None
            self.swatch.set_colour(colour or "")
            self.swatch.setText(value or f"par défaut ({self.doc.default})")
        elif self.doc.kind == KEY_SECRET:
            self.secret_state.setText("Mot de passe défini (empreinte scrypt)." if value
                                      else "Aucun mot de passe administrateur.")
            self.remove_button.setEnabled(bool(value))
        elif self.line.text() != value:
            self.line.setText(value)

    def set(self, value: str) -> None:
        show_problem(self.problem, "")
        try:
            self.form.draft.set(self.doc.section, self.doc.key, value)
        except SynoptuxError as refused:
            show_problem(self.problem, str(refused))
            return
        self.show_value(value)
        self.form.edited()

    def _chosen(self, _value: str) -> None:
        chosen = self.choices.value()
        if not self._showing and chosen != self.value:
            self.set(chosen)

    def _type(self) -> None:
        typed = self.form.dialogs.edit_text(self, self.doc.key, self.line.text(), MAX_VALUE)
        if typed is not None:
            self.set(typed)

    def _pick_colour(self) -> None:
        chosen = self.form.dialogs.pick_colour(self, self.doc.key, self.value)
        if chosen is not None:
            self.set(chosen)

    def _new_password(self) -> None:
        typed = self.form.dialogs.new_password(self)
        if typed is None:
            return
        try:
            self.set(new_password_hash(*typed))
        except SynoptuxError as refused:
            show_problem(self.problem, str(refused))


class SettingsForm(QWidget):
    def __init__(self, metrics: Metrics, path: Path, dialogs: AdminDialogsLike) -> None:
        super().__init__()
        self.setObjectName("SettingsForm")
        self.metrics = metrics
        self.dialogs = dialogs
        self.draft = IniDraft(path)
        column = QVBoxLayout(self)
        column.setSpacing(metrics.spacing * 2)
        self.message = message_label()
        column.addWidget(self.message)
        self.tabs = ChoiceRow(metrics, [(FORM, "Formulaire"), (RAW, "Texte brut")],
                              name="AdminTab")
        self.tabs.changed.connect(self._tab)
        column.addWidget(self.tabs)
        self.pages = QStackedWidget()
        column.addWidget(self.pages, 1)

        self.rows: dict[tuple[str, str], KeyRow] = {}
        content = QWidget()
        rows = QVBoxLayout(content)
        section = ""
        for doc in documented_keys():
            if doc.section != section:
                section = doc.section
                title = wrapped_label(f"[{section}]", "DialogTitle")
                rows.addWidget(title)
            row = KeyRow(metrics, doc, self)
            rows.addWidget(row)
            self.rows[(doc.section.lower(), doc.key.lower())] = row
        rows.addStretch(1)
        self.form_area = QScrollArea()
        self.form_area.setFrameShape(QFrame.Shape.NoFrame)
        self.form_area.setWidgetResizable(True)
        self.form_area.setWidget(content)
        make_kinetic(self.form_area)
        self.pages.addWidget(self.form_area)

        self.raw_area = TextArea(metrics, "RawIni")
        self.raw = self.raw_area.editor
        self.raw.textChanged.connect(self._raw_edited)
        self.pages.addWidget(self.raw_area)

        actions, self.save_button, self.revert_button = save_row(metrics)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        column.addLayout(actions)
        self._filling = False
        self.tabs.set_value(FORM)
        self.refresh()

    def row(self, section: str, key: str) -> KeyRow:
        return self.rows[(section.lower(), key.lower())]

    def refresh(self) -> bool:
        """Every editor from the draft; False (and why) when the draft is no ini file."""
        try:
            values = {k: self.draft.value(row.doc.section, row.doc.key)
                      for k, row in self.rows.items()}
        except ConfigError as err:
            say(self.message, str(err))
            return False
        for k, row in self.rows.items():
            row.show_value(values[k] or "")
        self.revert_button.setEnabled(self.draft.changed)
        return True

    def edited(self) -> None:
        say(self.message, "")
        self.revert_button.setEnabled(self.draft.changed)

    def _tab(self, key: str) -> None:
        if not self.tabs.buttons[key].isChecked():
            return
        if key == RAW:
            self._filling = True
            self.raw.setPlainText(self.draft.text.replace("\r\n", "\n").replace("\r", "\n"))
            self._filling = False
            self.pages.setCurrentIndex(1)
        elif self.refresh():
            self.pages.setCurrentIndex(0)
        else:
            self.tabs.set_value(RAW)  # the raw text is no ini file: stay to correct it

    def _raw_edited(self) -> None:
        if not self._filling:
            self.draft.replace_text(self.raw.toPlainText())
            self.edited()

    def save(self) -> bool:
        for row in self.rows.values():
            show_problem(row.problem, "")
        try:
            self.draft.save()
        except ConfigError as err:
            say(self.message, str(err))
            refused = self.rows.get((err.section.lower(), err.key.lower()))
            if refused is not None:
                show_problem(refused.problem, f"Attendu : {err.expected}.")
                if self.pages.currentIndex() == 0:
                    self.form_area.ensureWidgetVisible(refused)
            return False
        self.refresh()
        say(self.message, f"Réglages enregistrés dans {self.draft.path}. Le tableau les "
            "prend en compte à son prochain démarrage.", "ok")
        return True

    def revert(self) -> None:
        self.draft.reload()
        self.tabs.set_value(FORM)
        self.pages.setCurrentIndex(0)
        self.refresh()
        say(self.message, "Modifications abandonnées.", "info")

    def problem_of(self, section: str, key: str) -> QLabel:
        return self.row(section, key).problem
