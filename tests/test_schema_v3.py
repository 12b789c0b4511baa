"""Schema 3 (administration) is additive: a schema-2 database and a fresh 2.16 dump upgrade
in place, keep every row, get the roles and default permissions once, and work with the
editors at once."""

from __future__ import annotations

import pytest
from conftest import NOW, LegacyDump, load_legacy_dump
from sqlalchemy import inspect, select

from synoptic.feed import ChangeFeed
from synoptic.people_admin import PeopleAdmin
from synoptic.permissions import DEFAULT_PERMISSIONS, DISCHARGE
from synoptic.reference_admin import InUseError, ReferenceAdmin
from synoptic.reference_io import export_reference
from synoptic.reference_rules import Kind
from synoptic.security import load_permissions
from synoptic.services import BoardServices, NewTask
from synoptic.stats.read import stats_indexes
from synoptic.store.db import SCHEMA_VERSION, Store, current_version, open_store, upgrade_schema
from synoptic.store.feed_schema import trigger_names

V3_TABLES = ("audit", "roles", "permissions", "utilisateurs", "commentaires")
V3_COLUMNS = {"box": ["BO_Actif"], "etats": ["ET_Ordre", "ET_Actif"], "taches": ["TA_Actif"],
              "destinations": ["DE_Ordre"], "historique": ["HI_HeureDebPrevue", "HI_Code_etat"]}
V3_TRIGGERS = ("synopt_trg1_encours_i_hist", "synopt_trg1_encours_d_hist")  # the archive's
# The statistics' covering indexes on the history, and their columns in order.
V3_INDEXES = {
    "ix_synopt_historique_flow": ["HI_Action", "HI_Date", "HI_NumEncours", "HI_Code_box",
                                  "HI_Commentaire"],
    "ix_synopt_historique_task_states": ["HI_Action", "HI_NumEncours", "HI_Num_tache",
                                         "HI_Code_tache", "HI_Date", "HI_Libelle_etat",
                                         "HI_Code_etat", "HI_HeureDebPrevue"],
}


def history_indexes(store: Store) -> dict[str, list[str]]:
    return {ix["name"]: [str(c) for c in ix["column_names"]]
            for ix in inspect(store.engine).get_indexes("synopt_historique")}


def make_schema_2(store: Store) -> None:
    """Back to what schema 2 had: no v3 table, column, index or trigger, version 2 recorded."""
    with store.engine.begin() as conn:
        for index in stats_indexes(store.models):
            index.drop(conn)
        for name in V3_TABLES:
            conn.exec_driver_sql(f"DROP TABLE synopt_{name}")
        for table, columns in V3_COLUMNS.items():
            for column in columns:
                conn.exec_driver_sql(f"ALTER TABLE synopt_{table} DROP COLUMN {column}")
        for name in V3_TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
        conn.exec_driver_sql("DELETE FROM synopt_schema_version")
        conn.exec_driver_sql("INSERT INTO synopt_schema_version (SV_Version) VALUES (2)")


def test_upgrade_from_schema_2(store: Store) -> None:
    patient = BoardServices(store, "t").admit(box_code="B1", last_name="ANCIEN", now=NOW)
    make_schema_2(store)
    assert current_version(store) == 2
    changes = upgrade_schema(store)
    for name in V3_TABLES:
        assert f"table synopt_{name} créée" in changes
    for table, columns in V3_COLUMNS.items():
        for column in columns:
            assert f"colonne synopt_{table}.{column} ajoutée" in changes
    assert "déclencheur synopt_trg1_commentaires_i créé" in changes
    for name in V3_TRIGGERS:
        assert f"déclencheur {name} créé" in changes
    assert "rôles et droits par défaut créés (4 rôles)" in changes
    for name in V3_INDEXES:
        assert f"index {name} créé" in changes
    assert f"version du schéma {SCHEMA_VERSION} enregistrée" in changes
    assert history_indexes(store).items() >= V3_INDEXES.items()
    assert current_version(store) == SCHEMA_VERSION == 3
    assert upgrade_schema(store) == []

    admin = ReferenceAdmin(store, "chef")
    boxes = admin.records(Kind.BOX)
    assert len(boxes) == 11 and all(b["active"] for b in boxes.values())
    assert all(s["order"] is None for s in admin.records(Kind.STATE).values())
    assert load_permissions(store).may("medecin", DISCHARGE)
    with pytest.raises(InUseError):
        admin.delete(Kind.BOX, "B1", now=NOW)
    assert admin.set_active(Kind.BOX, "B1", False, now=NOW)
    with store.read() as s:
        kept = s.get(store.models.Patient, patient.patient_pk)
        assert kept is not None and kept.last_name == "ANCIEN"
    # the upgraded archive: one entry row each, the task's planned start and state code
    services = BoardServices(store, "t")
    new = services.admit(box_code="ATT", last_name="NOUVEAU", now=NOW,
                         tasks=[NewTask("BIO", planned_start=NOW)])
    services.set_task_state(new.patient_pk, new.task_nums[0], "3EC", now=NOW)
    h = store.models.History
    with store.read() as s:
        rows = s.execute(select(h.action, h.actor, h.planned_start, h.state_code)
                         .where(h.patient_pk == str(new.patient_pk)).order_by(h.pk)).all()
    assert [tuple(r) for r in rows] == [("PATIENT_IN", "t", None, None),
                                        ("TASK_ADD", "t", NOW, None),
                                        ("TASK_STATE", "t", NOW, "3EC")]


def test_a_fresh_database_has_the_statistics_indexes(store: Store) -> None:
    assert history_indexes(store).items() >= V3_INDEXES.items()
    assert {str(ix.name) for ix in stats_indexes(store.models)} == set(V3_INDEXES)


def test_a_second_upgrade_keeps_the_administrators_permissions(store: Store) -> None:
    PeopleAdmin(store, "chef").set_permissions("medecin", [], now=NOW)
    assert upgrade_schema(store) == []
    assert PeopleAdmin(store, "chef").permissions()["medecin"] == frozenset()
    assert PeopleAdmin(store, "chef").permissions()["infirmier"] == DEFAULT_PERMISSIONS[
        "infirmier"]


def test_the_new_tables_are_in_the_change_feed(store: Store) -> None:
    with store.engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
    assert {f"synopt_{name}" for name in V3_TABLES} <= present
    names = trigger_names("synopt_", store.dialect)
    for name in ("commentaires", "roles", "permissions", "utilisateurs"):
        assert f"synopt_trg1_{name}_u" in names
    assert not any("_audit_" in n for n in names)  # the audit is no reference table
    feed = ChangeFeed(store)
    revision = feed.changes_since(0).revision
    PeopleAdmin(store, "chef").set_permissions("infirmier", [], now=NOW)
    assert feed.changes_since(revision).reference_changed


@pytest.mark.mariadb
def test_a_fresh_2_16_dump_upgrades_to_schema_3(legacy_dump: LegacyDump,
                                               mariadb_database: str) -> None:
    load_legacy_dump(mariadb_database, legacy_dump)
    store = open_store(mariadb_database)
    try:
        changes = upgrade_schema(store)
        assert "rôles et droits par défaut créés (4 rôles)" in changes
        assert "colonne synopt_box.BO_Actif ajoutée" in changes
        for name in V3_INDEXES:
            assert f"index {name} créé" in changes
        assert history_indexes(store).items() >= V3_INDEXES.items()
        assert current_version(store) == SCHEMA_VERSION
        assert upgrade_schema(store) == []
        with store.read() as s:
            actives = set(s.scalars(select(store.models.Box.active)))
            roles = list(s.scalars(select(store.models.Role.code)))
        assert actives == {1}
        assert sorted(roles) == ["administrateur", "infirmier", "medecin", "secretariat"]
        exported = export_reference(store, now=NOW)
        assert len(exported["boxes"]) == legacy_dump.counts["synopt_box"]
        admin = ReferenceAdmin(store, "chef")
        assert admin.rename(Kind.BOX, "SR", "Sorties du jour", now=NOW)
        if legacy_dump.patients:  # the fixture dump's patient 4400 is in L1
            with pytest.raises(InUseError):
                admin.delete(Kind.BOX, "L1", now=NOW)
    finally:
        store.dispose()
