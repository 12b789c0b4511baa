"""Which names this screen shows, and how a masked one reads.

Three settings meet: the screen masks every name (a public screen, "Masquer les noms"), a
touch on one masked name shows it here again (``revealed``, this screen only), and a
patient's own ``EC_Anonyme`` masks the name on every screen.  The masked name and the
initials come from :mod:`synoptic.display` (one rule for the glance, the opened card, the
dialogs and the move banner): initials told apart from the box mates'.
"""

from __future__ import annotations

from collections.abc import Sequence

from synoptic.display import full_name, masked_initials, patient_display_name
from synoptic.views import PatientView


class NameMasking:
    def __init__(self, screen_masked: bool, anonymous_label: str, *,
                 locked: bool = False) -> None:
        self.screen_masked = screen_masked or locked
        self.anonymous_label = anonymous_label
        self.locked = locked  # a public screen: masked for good, no name ever shown
        self.revealed: set[int] = set()  # masked screen: names shown again by a touch

    def hidden(self, view: PatientView) -> bool:
        return (view.pk not in self.revealed) if self.screen_masked else view.hidden

    def toggle_screen(self) -> None:
        """Mask every name on this screen, or show them again (one by one reveals go)."""
        if self.locked:
            return
        self.screen_masked = not self.screen_masked
        self.revealed.clear()

    def toggle_reveal(self, pk: int) -> None:
        if not self.locked:
            self.revealed ^= {pk}

    def forget(self, pk: int) -> None:
        """The patient left the board."""
        self.revealed.discard(pk)

    def names_of(
        self, view: PatientView, mates: Sequence[PatientView], box: str = ""
    ) -> tuple[str, str]:
        """The name shown for ``view`` and, masked, its initials (told apart from its box
        ``mates``); ``box``: the box named beside a masked name (dialogs, banner)."""
        if not self.hidden(view):
            return full_name(view), ""
        name = patient_display_name(
            view, True, self.anonymous_label, box_mates=mates, box=box
        )
        return name, masked_initials(view, mates)
