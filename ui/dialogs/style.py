"""The dialogs' touch look: every button shows it is pressed, checked or disabled.

These rules go into the board's generated style sheet (:func:`ui.theme.base_rules`), before
``synoptux.css``, so a department's file still overrides them.  Qt picks the rule with the
highest specificity: an object name (``#DialogOk``) beats a pseudo-state (``:pressed``),
so the pressed rule names every styled button again.
"""

from __future__ import annotations

from ui.metrics import Metrics

PRESSED_BACKGROUND = "#0d47a1"
PRESSED_TEXT = "#ffffff"

# Buttons of the dialogs with a look of their own (their pressed look must win too).
_NAMED = (
    "DialogOk",
    "DialogCancel",
    "DestinationButton",
    "PresetComment",
    "KeyboardKey",
    "KeyboardShift",
    "KeyboardBackspace",
    "KeyboardSpace",
)


def _selectors(state: str) -> str:
    names = ["QDialog QPushButton" + state]
    names += [f"QDialog QPushButton#{name}{state}" for name in _NAMED]
    names += [f'QDialog QPushButton#DestinationButton[confirm="true"]{state}']
    return ",\n".join(names)


def dialog_rules(metrics: Metrics) -> str:
    """The dialogs' rules (sizes from ``metrics``)."""
    border, radius, pad = metrics.px(2), metrics.radius, metrics.spacing
    title = metrics.title_font_pt
    return f"""
/* Dialogs (ui/dialogs/style.py): plain touch buttons with a visible pressed state. */
QLabel#DialogTitle {{ font-size: {title}pt; font-weight: bold; }}
QLabel#InfoText, QLabel#TimeDateLabel {{ font-size: {title}pt; }}
QLabel#TimeLabel {{ font-size: {title * 2}pt; font-weight: bold; }}
QLabel#ExitTimeCaption, QLabel#DialogPatient {{ font-weight: bold; }}
QLineEdit#DialogLineEdit, QPushButton#KeyboardKey, QPushButton#KeyboardShift,
QPushButton#KeyboardBackspace {{ font-size: {title}pt; }}
QDialog QPushButton {{
    background-color: #f5f7fa; color: #1a1a1a; border: {border}px solid #8795a1;
    border-radius: {radius}px; padding: {pad}px {pad * 2}px; }}
QDialog QPushButton#DialogOk {{ background-color: #e6f2e6; border-color: #2e7d32;
    font-weight: bold; }}
QDialog QPushButton#DestinationButton, QDialog QPushButton#PresetComment {{
    background-color: #ffffff; }}
QDialog QPushButton#DestinationButton[confirm="true"] {{
    background-color: #eeeeee; border: {metrics.px(3)}px dashed #4e342e; }}
QDialog QPushButton#KeyboardKey, QDialog QPushButton#KeyboardSpace {{
    background-color: #ffffff; padding: 0px; }}
QDialog QPushButton#KeyboardShift, QDialog QPushButton#KeyboardBackspace {{
    background-color: #dfe4ea; padding: 0px; }}
{_selectors(":checked")} {{
    background-color: #d0e3fa; border: {metrics.px(4)}px solid #1565c0; font-weight: bold; }}
{_selectors(":disabled")} {{
    background-color: #ececec; color: #9e9e9e; border-color: #c8c8c8; }}
{_selectors(":pressed")} {{
    background-color: {PRESSED_BACKGROUND}; color: {PRESSED_TEXT}; border-color: #000000; }}
"""


def standalone_rules(metrics: Metrics) -> str:
    """For a dialog without the board around it (tests, screenshots): the board's font
    size, then the dialogs' rules."""
    return f"QWidget {{ font-size: {metrics.font_pt}pt; }}\n" + dialog_rules(metrics)
