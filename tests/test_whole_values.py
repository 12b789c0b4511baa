"""Issue 7, items 5-7: two patients never merge, nothing is cut or dropped silently, and a
host's direct UPDATE is a conflict for a screen acting on what it showed before.

Each test runs on SQLite and, when available, on MariaDB (strict mode, utf8mb4).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW
from sqlalchemy import inspect, select, text

from synoptic.errors import ConflictError, InvalidValueError
from synoptic.ingest.inbox import InboxProcessor, Outcome
from synoptic.services import BoardServices, NewTask
from synoptic.store import feed_schema, queries
from synoptic.store.db import SCHEMA_VERSION, Store, current_version, upgrade_schema
from synoptic.store.feed_schema import feed_tables, trigger_names
from synoptic.views import BoardSnapshot, PatientView


def run_sql(store: Store, sql: str, params: dict[str, Any] | None = None) -> Any:
    """One autocommitted statement, as the host sends it."""
    with store.engine.begin() as conn:
        return conn.execute(text(sql), params or {})


def board(store: Store) -> BoardSnapshot:
    with store.read() as s:
        return queries.load_board(s, store.models)


def patient(store: Store, pk: int) -> PatientView:
    (found,) = [p for p in board(store).patients if p.pk == pk]
    return found


def host_pks(store: Store, guid: str) -> list[int]:
    """The host macro's own lookup, run verbatim (value bound)."""
    rows = run_sql(store, "SELECT EC_PK FROM synopt_encours WHERE EC_GUIDPatient=:g", {"g": guid})
    return sorted(int(pk) for (pk,) in rows)


# ---------------------------------------------------------------------- 5. never merged


def test_guids_equal_in_their_first_45_characters_are_two_patients(
    services: BoardServices, store: Store
) -> None:
    common = "{" + "0123456789-ABCDEF-" * 3  # 55 characters in common
    a = services.admit(
        box_code="ATT", last_name="ALPHA", guid=common + "A}", now=NOW, tasks=[NewTask("BIO")]
    )
    b = services.admit(
        box_code="ATT", last_name="BETA", guid=common + "B}", now=NOW, tasks=[NewTask("RX")]
    )
    assert not b.merged and a.patient_pk != b.patient_pk
    assert patient(store, a.patient_pk).guid == common + "A}"
    assert [t.code for t in patient(store, b.patient_pk).tasks] == ["RX"]
    assert host_pks(store, common + "B}") == [b.patient_pk]


@pytest.mark.parametrize(
    ("first", "second"),
    [("abc-def-é", "ABC-DEF-E"), ("abc-def-e", "abc-def-é"), ("g-1", "G-1"), ("g-1", "g-1 ")],
)
def test_guids_compare_exactly_on_both_databases(
    services: BoardServices, store: Store, first: str, second: str
) -> None:
    # The second one as the host writes it (a trailing space survives a raw INSERT).
    a = services.admit(box_code="ATT", last_name="UN", guid=first, now=NOW)
    run_sql(
        store,
        "INSERT INTO synopt_encours (EC_CodeBox,EC_NomPatient,EC_GUIDPatient) "
        "VALUES ('ATT','DEUX',:g)",
        {"g": second},
    )
    assert host_pks(store, first) == [a.patient_pk]
    (other,) = host_pks(store, second)
    assert other != a.patient_pk
    again = services.admit(
        box_code="ATT", last_name="UN", guid=first, now=NOW, tasks=[NewTask("ECG")]
    )
    assert again.merged and again.patient_pk == a.patient_pk
    assert patient(store, other).tasks == ()


def test_a_guid_of_255_characters_is_stored_whole(services: BoardServices, store: Store) -> None:
    guid = "urn:oid:1.2.250.1.213.1.4.10:" + "9" * 226
    assert len(guid) == 255
    first = services.admit(box_code="ATT", last_name="LONG", guid=guid, now=NOW)
    assert patient(store, first.patient_pk).guid == guid
    assert host_pks(store, guid) == [first.patient_pk]
    assert host_pks(store, guid[:-1]) == []


def test_a_guid_longer_than_its_column_is_refused_never_cut(
    services: BoardServices, store: Store
) -> None:
    with pytest.raises(InvalidValueError, match="GUID_Patient trop long : 256 caractères"):
        services.admit(
            box_code="ATT", last_name="TROP", guid="g" * 256, now=NOW, tasks=[NewTask("BIO")]
        )
    assert board(store).patients == ()


# ---------------------------------------------------------------------- 6. nothing cut silently


def test_names_and_comments_of_real_length_are_stored_whole(
    services: BoardServices, store: Store
) -> None:
    last = "DE LA ROCHEFOUCAULD-LIANCOURT D'ESTISSAC DE MONTENDRE"  # 53
    first = "Marie-Bernadette Françoise Joséphine Anne-Sophie"  # 48
    comment = "Chute dans l'escalier, douleur hanche droite, sous AVK, INR à contrôler"
    task_comment = "x" * 255
    result = services.admit(
        box_code="ATT",
        last_name=last,
        first_name=first,
        comment=comment,
        now=NOW,
        tasks=[NewTask("BIO", comment=task_comment)],
    )
    assert result.warnings == ()
    p = patient(store, result.patient_pk)
    assert (p.last_name, p.first_name, p.comment) == (last, first, comment)
    assert p.tasks[0].comment == task_comment
    with store.read() as s:
        (row,) = queries.patient_history(s, store.models, result.patient_pk)[:1]
    assert (row.last_name, row.first_name) == (last, first)
    services.set_comment(result.patient_pk, "c" * 255, now=NOW)
    assert patient(store, result.patient_pk).comment == "c" * 255


def test_host_statements_with_long_values_are_accepted(store: Store) -> None:
    """MariaDB in strict mode refused a 71-character comment in a VARCHAR(45)."""
    comment = "Entrée par la macro avec un commentaire de soixante-et-onze caractères."
    assert len(comment) == 71
    run_sql(
        store,
        "INSERT INTO synopt_encours (EC_CodeBox,EC_NomPatient,EC_PrenomPatient,"
        "EC_GUIDPatient,EC_Commentaire) VALUES ('ATT',:n,:p,:g,:c)",
        {"n": "N" * 100, "p": "P" * 100, "g": "G" * 255, "c": comment},
    )
    (pk,) = host_pks(store, "G" * 255)
    run_sql(
        store,
        "INSERT INTO synopt_encours_taches (EN_PK_encours,EN_Code_tache,EN_Comment) "
        "VALUES (:pk,'BIO',:c)",
        {"pk": pk, "c": "t" * 255},
    )
    p = patient(store, pk)
    assert (p.last_name, p.first_name, p.comment) == ("N" * 100, "P" * 100, comment)
    assert p.tasks[0].comment == "t" * 255


def test_values_still_too_long_are_cut_with_a_warning_naming_the_key(
    services: BoardServices, store: Store
) -> None:
    result = services.admit(
        box_code="ATT",
        last_name="N" * 120,
        first_name="P" * 101,
        comment="c" * 300,
        responsable="R" * 50,
        annex_args=("a" * 300, "b" * 200),
        now=NOW,
        lenient=True,
        tasks=[NewTask("BIO", comment="t" * 256, note_file="f" * 201), NewTask("Z" * 70_000)],
    )
    assert result.warnings == (
        "Responsable inconnu « " + "R" * 50 + " » conservé tel quel.",
        "Nom_Patient : 120 caractères, coupé à 100.",
        "Prenom_Patient : 101 caractères, coupé à 100.",
        "Code_Responsable : 50 caractères, coupé à 45.",
        "Commentaire : 300 caractères, coupé à 255.",
        "Arguments_Annexe : 501 caractères, coupé à 400.",
        "Tâche « BIO », Commentaire : 256 caractères, coupé à 255.",
        "Tâche « BIO », Nom_Fichier_Note : 201 caractères, coupé à 200.",
        "Code de tâche inconnu « " + "Z" * 60 + "… » : tâche conservée avec ce code.",
        "Tâche « " + "Z" * 60 + "… », Code_Tache : 70000 caractères, coupé à 45.",
    )
    p = patient(store, result.patient_pk)
    assert (len(p.last_name), len(p.first_name), len(p.comment)) == (100, 100, 255)
    assert sorted(len(t.comment) for t in p.tasks) == [0, 255]
    assert sorted(t.code for t in p.tasks) == ["BIO", "Z" * 45]


# ---------------------------------------------------------------------- 6. the inbox log


@pytest.fixture
def processor(services: BoardServices, tmp_path: Path) -> Iterator[InboxProcessor]:
    with InboxProcessor(
        services, tmp_path / "inbox", "ATT", stability_delay_s=0, now=lambda: NOW
    ) as p:
        yield p


def drop(processor: InboxProcessor, name: str, text_: str) -> None:
    processor.inbox_dir.mkdir(parents=True, exist_ok=True)
    (processor.inbox_dir / name).write_bytes(text_.encode("utf-8"))


def log_messages(store: Store) -> list[str | None]:
    log = feed_tables(store.models.prefix).ingest_log
    with store.read() as s:
        return list(s.scalars(select(log.c.IL_Message).order_by(log.c.IL_PK)))


def test_a_huge_unknown_code_with_escapes_is_accepted_and_logged_short(
    processor: InboxProcessor,
) -> None:
    """MariaDB refused the log row (``Data too long for column 'IL_Message'``) and the
    code's terminal escapes went to the log as they were."""
    code = "\x1b[31m" + "X" * 70_000
    drop(
        processor,
        "enorme.txt",
        f"[Entree]\nNom_Patient=ENORME\nCode_Box=\x1b[2J\n[Tache_1]\nCode_Tache={code}\n",
    )
    [item] = processor.run_pass().results
    assert item.outcome is Outcome.ACCEPTED, item.message
    (message,) = log_messages(processor.services.store)
    assert message is not None
    assert "\x1b" not in message and "\x1b" not in item.line()
    assert "Box inconnu « \\x1b[2J »" in message
    assert "Code de tâche inconnu « \\x1b[31m" + "X" * 55 + "… »" in message
    assert "Code_Tache : 70005 caractères, coupé à 45." in message
    assert len(message) < 1000


def test_file_warnings_reach_the_log(processor: InboxProcessor) -> None:
    drop(
        processor,
        "presque.txt",
        "[Entrée]\nNom_Patient=PRESQUE\nGUID_Patient=p-1\n"
        "[Tâche 1]\nCode_Tache=BIO\nHeure_Debut_Prevue=1999-12-31 10:00\n"
        "[Tache_1a]\nCode_Tache=RX\n",
    )
    [item] = processor.run_pass().results
    assert item.outcome is Outcome.ACCEPTED
    assert item.warnings == (
        "En-tête [Entrée] (ligne 1) lu comme [Entree].",
        "En-tête [Tâche 1] (ligne 4) lu comme [Tache_1].",
        (
            "Section [Tache_1a] (ligne 7) ignorée : numéro de tâche illisible, attendu "
            "[Tache_N] (N un nombre) ; sa tâche « RX » n'est pas intégrée."
        ),
        (
            "Date « 1999-12-31 10:00 » antérieure à 2000 pour la clé Heure_Debut_Prevue "
            "(section [Tache_1], ligne 6) : heure prévue laissée vide."
        ),
    )
    assert log_messages(processor.services.store) == ["\n".join(item.warnings)]
    (p,) = board(processor.services.store).patients
    assert [(t.code, t.planned_start) for t in p.tasks] == [("BIO", None)]


def test_a_file_with_a_guid_too_long_is_rejected_with_the_reason(
    processor: InboxProcessor,
) -> None:
    drop(processor, "guid.txt", f"[Entree]\nNom_Patient=G\nGUID_Patient={'g' * 300}\n")
    [item] = processor.run_pass().results
    assert item.outcome is Outcome.REJECTED
    assert "GUID_Patient trop long : 300 caractères, au plus 255" in item.message
    assert board(processor.services.store).patients == ()


def test_a_huge_rejection_message_fits_the_log(
    processor: InboxProcessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A parse error quotes its value short; a message still over the column is cut whole.
    huge = "é" * 40_000  # 80,000 bytes in UTF-8
    store = processor.services.store
    log = feed_tables(store.models.prefix).ingest_log

    def failing(*_args: Any) -> Any:
        raise RuntimeError(huge)

    monkeypatch.setattr(processor, "_admit_or_reject", failing)
    drop(processor, "bug.txt", "[Entree]\nNom_Patient=X\n")
    [item] = processor.run_pass().results
    assert item.outcome is Outcome.REJECTED
    with store.read() as s:
        (message,) = s.scalars(select(log.c.IL_Message))
    assert len(message.encode("utf-8")) <= feed_schema.IL_MESSAGE_MAX_BYTES
    assert message.endswith("caractères au total]")


# ---------------------------------------------------------------------- 7. host UPDATE


def test_a_host_update_of_a_patient_is_a_conflict(services: BoardServices, store: Store) -> None:
    pk = services.admit(box_code="ATT", last_name="VU", now=NOW).patient_pk
    shown = patient(store, pk).revision
    run_sql(
        store,
        "UPDATE synopt_encours SET EC_Commentaire='Vu par la macro' WHERE EC_PK=:pk",
        {"pk": pk},
    )
    assert patient(store, pk).revision == shown + 1
    with pytest.raises(ConflictError):
        services.set_comment(pk, "écran", now=NOW, expected_revision=shown)
    assert patient(store, pk).comment == "Vu par la macro"
    # the board's own change bumps once, not twice: its next check still holds
    services.set_comment(pk, "écran", now=NOW, expected_revision=shown + 1)
    assert patient(store, pk).revision == shown + 2
    services.set_folded(pk, True, now=NOW, expected_revision=shown + 2)
    # a host that sets the revision itself is taken at its word
    run_sql(
        store, "UPDATE synopt_encours SET EC_Revision=40, EC_Replier=0 WHERE EC_PK=:pk", {"pk": pk}
    )
    assert patient(store, pk).revision == 40


def test_a_host_update_of_a_task_is_a_conflict(services: BoardServices, store: Store) -> None:
    admitted = services.admit(box_code="ATT", last_name="VU", now=NOW, tasks=[NewTask("BIO")])
    pk, num = admitted.patient_pk, admitted.task_nums[0]
    (task,) = patient(store, pk).tasks
    patient_revision = patient(store, pk).revision
    run_sql(
        store,
        "UPDATE synopt_encours_taches SET EN_Comment='refait' "
        "WHERE EN_PK_encours=:pk AND EN_Num_tache=:num",
        {"pk": pk, "num": num},
    )
    assert patient(store, pk).tasks[0].revision == task.revision + 1
    assert patient(store, pk).revision == patient_revision  # the patient row did not change
    with pytest.raises(ConflictError):
        services.set_task_state(pk, num, "2DE", now=NOW, expected_revision=task.revision)
    assert patient(store, pk).tasks[0].state_code is None
    services.set_task_state(pk, num, "2DE", now=NOW, expected_revision=task.revision + 1)
    assert patient(store, pk).tasks[0].revision == task.revision + 2
    services.set_task_state(pk, num, "3EC", now=NOW, expected_revision=task.revision + 2)


# ---------------------------------------------------------------------- upgrade


def test_upgrade_from_schema_1_widens_in_place_and_keeps_data(store: Store) -> None:
    """A database of schema 1 (2.16's widths, no revision trigger) upgrades additively."""
    pk = (
        BoardServices(store, "t")
        .admit(box_code="ATT", last_name="ANCIEN", guid="ancien-1", comment="c" * 45, now=NOW)
        .patient_pk
    )
    with store.engine.begin() as conn:
        for name in trigger_names("synopt_", store.dialect):
            if name.endswith("_rev"):
                conn.exec_driver_sql(f"DROP TRIGGER {name}")
        conn.exec_driver_sql("DELETE FROM synopt_schema_version")
        conn.exec_driver_sql("INSERT INTO synopt_schema_version (SV_Version) VALUES (1)")
        if store.dialect != "sqlite":
            conn.exec_driver_sql(
                "ALTER TABLE synopt_encours MODIFY EC_GUIDPatient VARCHAR(45) NULL, "
                "MODIFY EC_Commentaire VARCHAR(45) NULL, MODIFY EC_NomPatient VARCHAR(45) NOT NULL"
            )
    assert current_version(store) == 1
    changes = upgrade_schema(store)
    assert "déclencheur synopt_trg1_encours_u_rev créé" in changes
    assert f"version du schéma {SCHEMA_VERSION} enregistrée" in changes
    if store.dialect != "sqlite":
        assert "colonne synopt_encours.EC_Commentaire élargie à 255 caractères" in changes
        assert (
            "colonne synopt_encours.EC_GUIDPatient comparée exactement "
            "(utf8mb4_nopad_bin)" in changes
        )
        with store.engine.connect() as conn:
            sizes = {
                c["name"]: c["type"].length
                for c in inspect(conn).get_columns("synopt_encours")
                if c["name"] in ("EC_GUIDPatient", "EC_Commentaire", "EC_NomPatient")
            }
        assert sizes == {"EC_GUIDPatient": 255, "EC_Commentaire": 255, "EC_NomPatient": 100}
    assert upgrade_schema(store) == []
    assert current_version(store) == SCHEMA_VERSION == 3
    kept = patient(store, pk)
    assert (kept.last_name, kept.guid, kept.comment) == ("ANCIEN", "ancien-1", "c" * 45)
    assert host_pks(store, "ANCIEN-1") == []
