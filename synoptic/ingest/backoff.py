"""When to try the database again during an outage, and the two lines the log gets about it.

After a failure the next attempt waits ``base_s`` (``Periodicite_controle_des_entrees``),
then twice as long after each further failure, up to ``ceiling_s``; the first success resets
it. The ceiling, 60 s by default (never below the base), bounds how long a patient stays off
the board once the database is back, while one attempt a minute costs nothing (a refused
connection is a few milliseconds; an unanswered one ``connect_timeout``, 5 s).

The log gets one line when an outage starts (its reason, no traceback) and one when it ends
(how long, how many entry files waited, how many attempts): hours of outage, two lines. An
installation problem (the default box missing, a schema older than the program's) is told
as such: files wait just the same, but the log says what to fix rather than "unavailable".

Pure: times are passed in (monotonic seconds), nothing here sleeps or logs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["DEFAULT_CEILING_S", "RetryBackoff"]

DEFAULT_CEILING_S = 60.0


@dataclass
class RetryBackoff:
    base_s: float
    ceiling_s: float = DEFAULT_CEILING_S
    failures: int = 0  # in a row
    since: float | None = None  # start of the outage (monotonic), None when none
    reason: str = ""
    waited: set[str] = field(default_factory=set)  # entry files seen waiting
    installation: bool = False  # the outage is an installation problem, not the server

    @property
    def in_outage(self) -> bool:
        return self.since is not None

    def delay(self) -> float:
        """Seconds from the last attempt to the next one."""
        if self.failures == 0:
            return self.base_s
        ceiling = max(self.ceiling_s, self.base_s)
        return min(ceiling, self.base_s * 2.0 ** min(self.failures - 1, 32))

    def failed(
        self, now: float, reason: str, waiting: Iterable[str] = (), *, installation: bool = False
    ) -> str | None:
        """A transient failure; the line to log when it starts an outage, else ``None``.

        ``installation``: the cause is something to fix in the installation (the
        default box, the schema), not the server's state."""
        self.failures += 1
        self.waited.update(waiting)
        if self.since is not None:
            return None
        self.since, self.reason, self.installation = now, reason, installation
        what = "Installation à corriger" if installation else "Base de données indisponible"
        return (
            f"{what} : {reason}. Les fichiers d'entrée attendent ; "
            f"nouvel essai dans {self.delay():g} s, puis de plus en plus espacé "
            f"(au plus toutes les {max(self.ceiling_s, self.base_s):g} s)"
        )

    def succeeded(self, now: float, processed: Iterable[str] = ()) -> str | None:
        """The database answered; the line to log when that ends an outage, else ``None``."""
        attempts, self.failures = self.failures, 0
        if self.since is None:
            return None
        waited = len(self.waited | set(processed))
        seconds = max(0.0, now - self.since)
        what = (
            "Installation corrigée"
            if self.installation
            else "Base de données de nouveau disponible"
        )
        self.since, self.reason, self.waited, self.installation = None, "", set(), False
        return (
            f"{what} après {seconds:.0f} s d'indisponibilité : "
            f"{waited} fichier(s) d'entrée en attente repris ({attempts} essai(s) en échec)"
        )
