"""The soak's "host" program: plain SQL on the board's database, one change a second.

Run by ``bench/soak.py`` as a separate process, as the host patient-record software is: its
own engine, no Synoptux code, the statements of the host's macros (SYNOPTUX-FACTS.md) with
bound parameters.  In turn:

* UPDATE the comment of a seeded patient to ``Hôte n°N`` (the board must show it);
* INSERT a patient ``HOTE`` (GUID ``soak-hote-N``) and one task, as the admission macro does;
* DELETE the oldest patients added during the soak (by the host or the inbox), keeping the
  newest ``KEEP``: at least one a turn, so the board does not grow with the soak.

One line of JSON on standard output per change: ``{"kind": ..., "rows": patients changed}``.  Stops after
``--seconds`` or on SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from datetime import datetime

from sqlalchemy import bindparam, create_engine, text

KEEP = 10
SOAK_ADDED = "EC_GUIDPatient LIKE 'soak-hote-%' OR EC_GUIDPatient LIKE 'soak-entree-%'"
INSERT_PATIENT = text(
    "INSERT INTO synopt_encours (EC_CodeBox,EC_NomPatient,EC_PrenomPatient,EC_Medecin,"
    "EC_GUIDPatient,EC_Replier,EC_Commentaire,EC_HeureEntree,EC_ProgAnnexe,EC_ArgsAnnexe) "
    "VALUES ('ATT','HOTE',:first,'MARTIN',:guid,0,'Entrée par SQL',:now,'','')"
)
INSERT_TASK = text(
    "INSERT INTO synopt_encours_taches (EN_PK_encours,EN_Code_tache,EN_Comment,"
    "EN_HeureDebPrevue,EN_HeureFinPrevue,EN_Priorite) "
    "VALUES (:pk,'RX','poignet',:now,'1000-01-01 01:01:00',1)"
)
DELETE = text("DELETE FROM synopt_encours WHERE EC_PK IN :pks").bindparams(
    bindparam("pks", expanding=True)
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="hôte simulé du banc d'endurance")
    parser.add_argument("--db", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args(argv)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    engine = create_engine(args.db)
    with engine.connect() as conn:
        seeded = list(
            conn.execute(
                text(
                    "SELECT EC_PK FROM synopt_encours WHERE EC_GUIDPatient LIKE 'soak-seed-%' "
                    "ORDER BY EC_PK"
                )
            ).scalars()
        )
    deadline = time.monotonic() + args.seconds
    turn = 0
    counts = {"update": 0, "insert": 0, "delete": 0}
    while not stopping and time.monotonic() < deadline:
        started = time.monotonic()
        kind = ("update", "insert", "delete")[turn % 3]
        now = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        n = counts[kind] + 1  # the change's number
        rows = 1
        with engine.begin() as conn:
            if kind == "update":
                conn.execute(
                    text("UPDATE synopt_encours SET EC_Commentaire=:comment WHERE EC_PK=:pk"),
                    {"comment": f"Hôte n°{n}", "pk": seeded[(n * 7) % len(seeded)]},
                )
            elif kind == "insert":
                guid = f"soak-hote-{n}"
                conn.execute(INSERT_PATIENT, {"first": f"N{n}", "guid": guid, "now": now})
                pk = conn.execute(
                    text("SELECT EC_PK FROM synopt_encours WHERE EC_GUIDPatient=:guid"),
                    {"guid": guid},
                ).scalar_one()
                conn.execute(INSERT_TASK, {"pk": pk, "now": now})
            else:
                added = list(
                    conn.execute(
                        text(f"SELECT EC_PK FROM synopt_encours WHERE {SOAK_ADDED} ORDER BY EC_PK")
                    ).scalars()
                )
                old = added[: max(1, len(added) - KEEP)] if added else []
                if old:
                    conn.execute(DELETE, {"pks": old})
                rows = len(old)
        counts[kind] += 1
        print(json.dumps({"kind": kind, "rows": rows}), flush=True)
        turn += 1
        time.sleep(max(0.0, args.interval - (time.monotonic() - started)))
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
