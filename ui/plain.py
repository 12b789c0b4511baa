"""Data is shown as it is written, never read as markup: the one place that knows how.

Names, comments, codes and labels come from the database, entry files and the host's
records.  Qt would otherwise interpret them in four places:

* a ``QLabel`` guesses rich text (``Qt::mightBeRichText``): ``<b>X</b>`` shows a bold X,
  ``<img src=x>`` an image;  :func:`plain_label` fixes the format to plain text;
* a tooltip is always guessed, whatever the widget: :func:`set_plain_tooltip` escapes the
  text inside ``<p style='white-space:pre'>`` (rich text that shows the literal characters,
  with its spaces and line breaks, as Qt's QToolTip documentation describes);
* a button or menu text takes ``&`` for a keyboard mnemonic (``&amp;`` would show
  ``amp;``, and Alt+letter would press it): :func:`button_text` doubles it;
* a window title takes ``[*]`` for the "modified" placeholder: :func:`window_title`
  doubles it.

Item views (the history table) and line edits draw plain text by themselves.
``tests/test_ui_plain_text.py`` walks every widget of a board full of markup.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QLabel, QMenu, QWidget


def plain_label(text: str = "", name: str = "") -> QLabel:
    """A label that never interprets its text."""
    label = QLabel()
    make_plain(label)
    if name:
        label.setObjectName(name)
    label.setText(text)
    return label


def make_plain(label: QLabel) -> None:
    """For a label built elsewhere (a subclass): plain text from now on."""
    label.setTextFormat(Qt.TextFormat.PlainText)


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip shows it: escaped rich text, spaces and lines kept."""
    if not text:
        return ""
    return f"<p style='white-space:pre'>{html.escape(text, quote=False)}</p>"


def set_plain_tooltip(widget: QWidget, text: str) -> None:
    widget.setToolTip(plain_tooltip(text))


def button_text(text: str) -> str:
    """``text`` for a button or a menu action: an ``&`` shows, it is no mnemonic."""
    return text.replace("&", "&&")


def set_button_text(button: QAbstractButton, text: str) -> None:
    button.setText(button_text(text))


def add_plain_action(menu: QMenu, text: str) -> QAction:
    return menu.addAction(button_text(text))


def window_title(text: str) -> str:
    """``text`` for ``setWindowTitle``: a ``[*]`` in it shows, it is no placeholder."""
    return text.replace("[*]", "[*][*]")
