"""Triggers that keep the archive (``<prefix>historique``) complete when the host writes.

The host inserts and deletes patients straight into ``<prefix>encours`` (seed 001 section
4.2); only triggers see those writes.  Two of them, installed with the change feed's
(:mod:`synoptic.store.feed_schema`, same versioned names):

- ``..._encours_i_hist``: every patient inserted gets its ``PATIENT_IN`` row, dated by
  ``EC_HeureEntree`` (the database's time when the host left it out or wrote 2.16's "no
  date"), its actor :data:`HOST_ACTOR`.  It is the only ``PATIENT_IN`` a patient gets: the
  services do not write their own, they put their actor on this one in the same
  transaction (:func:`synoptic.services.history.claim_entry_row`).  One writer, so exactly
  one row per patient, whoever inserts it and whatever the services' code path.
- ``..._encours_d_hist``: a patient deleted gets a ``PATIENT_OUT`` row (no destination, actor
  :data:`HOST_ACTOR`) unless the patient's newest history row already is one of the
  definitive exits: the services write theirs just before deleting the patient, in the same
  transaction, so the trigger leaves their removals alone.

Text is cut to the history's column widths (a host's wider value must not make its INSERT
fail in strict mode).  Every identifier and width comes from our models; the only literals
are the constants of this module; no data value is ever part of these statements.
"""

from __future__ import annotations

from collections.abc import Callable

from synoptic.store.models import Models, models_for

__all__ = ["HOST_ACTOR", "HOST_DELETE_COMMENT", "archive_triggers"]

HOST_ACTOR = "hôte"  # HI_Code_acteur of the rows the triggers write
HOST_DELETE_COMMENT = "supprimé par l'hôte"
ENTRY_ACTION = "PATIENT_IN"
EXIT_ACTIONS = ("PATIENT_OUT", "PATIENT_LIFEOUT")

Trigger = tuple[str, str, str, str, str]  # name, short table, op, when clause, body


def _literal(value: str) -> str:
    """One of this module's constants as an SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def archive_triggers(
    prefix: str, dialect: str, quote: Callable[[str], str],
    name: Callable[[str, str, str], str],
) -> list[Trigger]:
    """(name, table short name, op, WHEN clause, body) of the archive's triggers."""
    m: Models = models_for(prefix)
    widths = {c.name: getattr(c.type, "length", None)
              for c in m.History.__table__.columns}  # type: ignore[attr-defined]
    sqlite = dialect == "sqlite"
    history = quote(f"{prefix}historique")
    now = "datetime('now','localtime')" if sqlite else "NOW()"

    def cut(expr: str, column: str) -> str:
        width = widths[column]
        assert isinstance(width, int)
        return f"substr({expr}, 1, {width})" if sqlite else f"LEFT({expr}, {width})"

    def key(record: str) -> str:
        # As text, like HI_NumEncours; on MariaDB CONCAT's result is "coercible": compared
        # in the column's collation whatever the connection's (a CAST clashes: error 1267),
        # so HI_NumEncours's index serves.
        return f"CAST({record}.EC_PK AS TEXT)" if sqlite else f"CONCAT({record}.EC_PK)"

    def insert(record: str, date: str, action: str, comment: str) -> str:
        return (
            f"INSERT INTO {history} (HI_Code_box, HI_Nom_patient, HI_PrenomPatient, "
            "HI_Code_resp, HI_Date, HI_Action, HI_NumEncours, HI_Commentaire, HI_Code_acteur) "
            f"VALUES ({cut(f'{record}.EC_CodeBox', 'HI_Code_box')}, "
            f"{cut(f'{record}.EC_NomPatient', 'HI_Nom_patient')}, "
            f"{cut(f'{record}.EC_PrenomPatient', 'HI_PrenomPatient')}, "
            f"{cut(f'{record}.EC_Medecin', 'HI_Code_resp')}, {date}, {_literal(action)}, "
            f"{key(record)}, {comment}, {_literal(HOST_ACTOR)});"
        )

    entered = (f"CASE WHEN NEW.EC_HeureEntree >= '2000-01-01' THEN NEW.EC_HeureEntree "
               f"ELSE {now} END")
    entry = insert("NEW", entered, ENTRY_ACTION,
                   cut("NEW.EC_Commentaire", "HI_Commentaire"))
    newest_action = (f"(SELECT HI_Action FROM {history} WHERE HI_NumEncours = {key('OLD')} "
                     "ORDER BY HI_PK DESC LIMIT 1)")
    not_out = (f"COALESCE({newest_action}, '') NOT IN "
               f"({', '.join(_literal(a) for a in EXIT_ACTIONS)})")
    exit_row = insert("OLD", now, EXIT_ACTIONS[0], _literal(HOST_DELETE_COMMENT))
    triggers = [(name("encours", "I", "_hist"), "encours", "I", "", entry)]
    if sqlite:
        triggers.append((name("encours", "D", "_hist"), "encours", "D", f" WHEN {not_out}",
                         exit_row))
    else:
        triggers.append((name("encours", "D", "_hist"), "encours", "D", "",
                         f"IF {not_out} THEN {exit_row} END IF;"))
    return triggers
