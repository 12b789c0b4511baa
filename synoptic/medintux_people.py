"""MedinTux's ``Personnes`` table -> responsables, with their colours.

Synoptux 2.16 had no table of its own for responsables: it read MedinTux's ``Personnes``
(``synoptuxBases.cfg``: code ``GUID``, name ``Login``, colour ``Couleur``), keeping the
signing doctors (``Droits`` holding both ``med`` and ``sgn``). Where that table shares the
database, this import turns those persons into responsables: code = GUID (what the host
writes in ``EC_Medecin``), name = first name and name when the table has them, else the
login, colour = ``Couleur`` when it is one the board can draw. Existing responsables get the
new name and colour; none is deleted. One transaction, each change audited; ``dry_run``
rolls back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import MetaData, Table, inspect, select

from synoptic.colours import normalise_colour
from synoptic.errors import SynoptuxError
from synoptic.messages import quote_value
from synoptic.reference_admin import ReferenceWriter
from synoptic.reference_io import write_transaction
from synoptic.reference_rules import Kind, ValidationError
from synoptic.store.db import Store

__all__ = ["MEDINTUX_TABLE", "import_medintux_responsables"]

MEDINTUX_TABLE = "Personnes"
CODE_LENGTH = 45


def _signer(rights: str | None) -> bool:
    folded = (rights or "").lower()
    return "med" in folded and "sgn" in folded  # 2.16: LIKE '%med%' AND LIKE '%sgn%'


def _read_persons(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        name = next((n for n in inspect(conn).get_table_names()
                     if n.lower() == MEDINTUX_TABLE.lower()), None)
        if name is None:
            raise SynoptuxError(f"Pas de table « {MEDINTUX_TABLE} » de MedinTux dans cette "
                                "base : aucun responsable à importer.")
        table = Table(name, MetaData(), autoload_with=conn)
        columns = {c.name.lower(): c for c in table.columns}
        if "guid" not in columns or "login" not in columns:
            raise SynoptuxError(f"La table « {name} » n'a pas les colonnes GUID et Login de "
                                "MedinTux : rien n'est importé.")
        wanted = [columns[c] for c in ("guid", "login", "nom", "prenom", "droits", "couleur")
                  if c in columns]
        rows = conn.execute(select(*wanted)).mappings().all()
    return [{key.lower(): value for key, value in row.items()} for row in rows]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def import_medintux_responsables(store: Store, *, actor: str, now: datetime,
                                 dry_run: bool = False) -> list[str]:
    """Create or update a responsable per signing doctor; the lines say what changed (or
    would, ``dry_run``) and which persons were left out and why."""
    persons = _read_persons(store)
    lines: list[str] = []
    with write_transaction(store, dry_run) as session:
        writer = ReferenceWriter(session, store.models, actor, now)
        existing = writer.records(Kind.RESPONSABLE)
        for person in persons:
            if "droits" in person and not _signer(person["droits"]):
                continue
            code, login = _text(person.get("guid")), _text(person.get("login"))
            who = f"« {quote_value(login or code)} »"
            if not code or len(code) > CODE_LENGTH:
                lines.append(f"Ignoré : {who}, GUID vide ou de plus de {CODE_LENGTH} caractères.")
                continue
            full = f"{_text(person.get('prenom'))} {_text(person.get('nom'))}".strip()
            colour = _text(person.get("couleur"))
            if colour and normalise_colour(colour) is None:
                lines.append(f"Couleur « {quote_value(colour)} » de {who} ignorée : "
                             "le tableau ne sait pas la dessiner.")
                colour = ""
            values = {"name": (full or login or code)[:90]}
            if colour:
                values["color"] = colour
            try:
                if code in existing:
                    writer.update(Kind.RESPONSABLE, code, values)
                else:
                    writer.create(Kind.RESPONSABLE, {"code": code, **values})
            except (ValidationError, SynoptuxError) as refused:
                lines.append(f"Ignoré : {who} : {refused}")
        lines = writer.log + lines
    return lines
