"""While a touch is handled, changes from elsewhere wait.

A touch may open dialogs, and a dialog (or a drag) runs a nested event loop; a card rebuilt
by the change feed in that loop would be deleted under the very button whose click is
still being handled.  So what comes in meanwhile is held back, then applied in order when
the last touch in progress ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


class TouchHold:
    def __init__(self) -> None:
        self._busy = 0  # touches in progress (nested: a dialog opened by a dialog)
        self._held: list[Callable[[], None]] = []

    @property
    def holding(self) -> bool:
        """Something waits for the touch in progress to end."""
        return bool(self._held)

    @contextmanager
    def interaction(self) -> Iterator[None]:
        """One touch, from the tap to the last dialog closed."""
        self._busy += 1
        try:
            yield
        finally:
            self._busy -= 1
            if self._busy == 0 and self._held:
                held, self._held = self._held, []
                for apply in held:
                    apply()

    def when_idle(self, apply: Callable[[], None]) -> bool:
        """Hold ``apply`` back during a touch; True when it was held (else the caller
        applies it now)."""
        if self._busy:
            self._held.append(apply)
            return True
        return False
