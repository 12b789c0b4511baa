"""Touch dialogs of the board, behind one facade: :class:`Dialogs`.

One dialog per module; object names for the stylesheet are listed in ``docs/dialogs.md``.
"""

from ui.dialogs.confirm import ConfirmDialog
from ui.dialogs.destination import DestinationChoice, DestinationDialog
from ui.dialogs.error import ErrorDialog
from ui.dialogs.facade import Dialogs
from ui.dialogs.history import ACTION_LABELS, HistoryDialog, action_label
from ui.dialogs.info import InfoDialog, LiveText
from ui.dialogs.responsable import ResponsableDialog
from ui.dialogs.text import TextDialog
from ui.dialogs.time_adjuster import TimeAdjuster
from ui.dialogs.time_picker import TimePickerDialog

__all__ = [
    "ACTION_LABELS",
    "ConfirmDialog",
    "DestinationChoice",
    "DestinationDialog",
    "Dialogs",
    "ErrorDialog",
    "HistoryDialog",
    "InfoDialog",
    "LiveText",
    "ResponsableDialog",
    "TextDialog",
    "TimeAdjuster",
    "TimePickerDialog",
    "action_label",
]
