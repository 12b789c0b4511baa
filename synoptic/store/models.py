"""SQLAlchemy models for the Synoptux tables, with their exact table and column names.

The table prefix is configurable (``synopt_`` in 2.16, ``ST_`` in old host macros), so
the mapped classes are built per prefix by :func:`models_for` from column mixins; each
prefix gets its own declarative base and metadata.  Python attribute names are readable;
the SQL names are Synoptux's.  Columns this project adds are additive and defaulted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Index, Integer, MetaData, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from synoptic.store.types import ExactString, LegacyDateTime, local_now

DEFAULT_PREFIX = "synopt_"
# Widths of the text columns hosts write (2.16 had 45 for names and comments, 200 for task
# comments).  A value still longer is stored cut with a warning naming its key; a GUID is
# never cut (services refuse it).  Upgrades widen in place, never narrow.
GUID_LENGTH = 255  # whole UUIDs, braced GUIDs, OIDs/URNs of other hosts; still indexable
NAME_LENGTH = 100  # birth, used and compound names, the list of first names
COMMENT_LENGTH = 255  # patient and task comments, the history's copy of them
ZERO = text("0")
EMPTY = text("''")
ONE = text("1")


class _Row:
    """Base of the column mixins; tells type checkers the mapped classes take keywords."""

    if TYPE_CHECKING:

        def __init__(self, **kwargs: Any) -> None: ...


class BoxColumns(_Row):
    code: Mapped[str] = mapped_column("BO_Code", String(45), primary_key=True)
    label: Mapped[str | None] = mapped_column("BO_Libelle", String(45))
    background_color: Mapped[str | None] = mapped_column("BO_CouleurBG", String(45))
    title_color: Mapped[str | None] = mapped_column("BO_CouleurTitre", String(45))
    capacity: Mapped[int | None] = mapped_column("BO_Nb_Maxi_Pat", Integer)
    type: Mapped[str | None] = mapped_column("BO_Type", String(45))
    # Added by this project (schema 3): a box taken out of service keeps its patients.
    active: Mapped[int] = mapped_column("BO_Actif", Integer, server_default=ONE, default=1)


class StateColumns(_Row):
    code: Mapped[str] = mapped_column("ET_Code_etat", String(45), primary_key=True)
    label: Mapped[str | None] = mapped_column("ET_Libelle_etat", String(45))
    color: Mapped[str | None] = mapped_column("ET_Couleur_etat", String(45))
    terminal: Mapped[int | None] = mapped_column("ET_Tache_terminee", Integer, server_default=ZERO)
    # Added by this project (schema 3): the order of the states (NULL: by code, as in 2.16)
    # and whether a state is still offered.
    order: Mapped[int | None] = mapped_column("ET_Ordre", Integer)
    active: Mapped[int] = mapped_column("ET_Actif", Integer, server_default=ONE, default=1)


class TaskTypeColumns(_Row):
    code: Mapped[str] = mapped_column("TA_Code_tache", String(45), primary_key=True)
    label: Mapped[str] = mapped_column("TA_Libelle_tache", String(45), server_default=EMPTY)
    color: Mapped[str | None] = mapped_column("TA_Couleur_tache", String(45))
    max_duration_min: Mapped[int | None] = mapped_column("TA_Duree_maxi", Integer)
    alarm_color: Mapped[str | None] = mapped_column("TA_Couleur_alarme", String(45))
    button_mode: Mapped[str] = mapped_column(
        "TA_BoutonMenu", String(45), server_default=text("'M'")
    )
    priority: Mapped[str | None] = mapped_column("TA_Priorite", String(10))
    comment: Mapped[str | None] = mapped_column("TA_Commentaire", String(256))
    # Added by this project (schema 3).
    active: Mapped[int] = mapped_column("TA_Actif", Integer, server_default=ONE, default=1)


class TaskStateColumns(_Row):
    task_code: Mapped[str] = mapped_column("ST_Code_tache", String(45), primary_key=True)
    state_code: Mapped[str] = mapped_column("ST_Code_etat", String(45), primary_key=True)


class DestinationColumns(_Row):
    pk: Mapped[int] = mapped_column("DE_PK", Integer, primary_key=True, autoincrement=True)
    label: Mapped[str] = mapped_column("DE_Destination", String(45))
    exit_type: Mapped[str] = mapped_column("DE_TypeSortie", String(45))
    # Added by this project (schema 3): the department's order (NULL: creation order).
    order: Mapped[int | None] = mapped_column("DE_Ordre", Integer)


class PatientColumns(_Row):
    pk: Mapped[int] = mapped_column("EC_PK", Integer, primary_key=True, autoincrement=True)
    box_code: Mapped[str] = mapped_column("EC_CodeBox", String(45))
    last_name: Mapped[str] = mapped_column("EC_NomPatient", String(NAME_LENGTH))
    entered_at: Mapped[datetime | None] = mapped_column(
        "EC_HeureEntree", LegacyDateTime, server_default=local_now()
    )
    responsable: Mapped[str | None] = mapped_column("EC_Medecin", String(45))
    guid: Mapped[str | None] = mapped_column("EC_GUIDPatient", ExactString(GUID_LENGTH))
    folded: Mapped[int | None] = mapped_column("EC_Replier", Integer, server_default=ZERO)
    moved_at: Mapped[datetime | None] = mapped_column("EC_HeureSortie", LegacyDateTime)
    comment: Mapped[str | None] = mapped_column("EC_Commentaire", String(COMMENT_LENGTH))
    first_name: Mapped[str | None] = mapped_column("EC_PrenomPatient", String(NAME_LENGTH))
    annex_program: Mapped[str | None] = mapped_column("EC_ProgAnnexe", String(200))
    annex_args: Mapped[str | None] = mapped_column("EC_ArgsAnnexe", String(400))
    destination: Mapped[str | None] = mapped_column("EC_Destination", String(45))
    hidden: Mapped[int | None] = mapped_column("EC_Anonyme", Integer, server_default=ZERO)
    # Added by this project: optimistic concurrency between screens.
    revision: Mapped[int] = mapped_column("EC_Revision", Integer, server_default=ZERO, default=0)


class TaskColumns(_Row):
    patient_pk: Mapped[int] = mapped_column("EN_PK_encours", Integer, index=True)
    num: Mapped[int] = mapped_column(
        "EN_Num_tache", Integer, primary_key=True, autoincrement=True
    )
    code: Mapped[str | None] = mapped_column("EN_Code_tache", String(45))
    comment: Mapped[str | None] = mapped_column("EN_Comment", String(COMMENT_LENGTH))
    state_code: Mapped[str | None] = mapped_column("EN_Etat_en_cours", String(45))
    planned_start: Mapped[datetime | None] = mapped_column("EN_HeureDebPrevue", LegacyDateTime)
    planned_end: Mapped[datetime | None] = mapped_column("EN_HeureFinPrevue", LegacyDateTime)
    started_at: Mapped[datetime | None] = mapped_column("EN_HeureDebut", LegacyDateTime)
    ended_at: Mapped[datetime | None] = mapped_column("EN_HeureFin", LegacyDateTime)
    priority: Mapped[int | None] = mapped_column("EN_Priorite", Integer)
    note: Mapped[str | None] = mapped_column("EN_Note_tache", Text)
    actor: Mapped[str | None] = mapped_column("EN_Code_acteur", String(45))
    blob_key: Mapped[int | None] = mapped_column("EN_PrimKey_blob", Integer)
    note_file: Mapped[str | None] = mapped_column("EN_NomFicNote", String(200))
    note_reader: Mapped[str | None] = mapped_column("EN_NomProgNote", String(200))
    # Added by this project.
    revision: Mapped[int] = mapped_column("EN_Revision", Integer, server_default=ZERO, default=0)


class HistoryColumns(_Row):
    pk: Mapped[int] = mapped_column("HI_PK", Integer, primary_key=True, autoincrement=True)
    box_code: Mapped[str | None] = mapped_column("HI_Code_box", String(45))
    last_name: Mapped[str | None] = mapped_column("HI_Nom_patient", String(NAME_LENGTH))
    responsable: Mapped[str | None] = mapped_column("HI_Code_resp", String(45))
    task_code: Mapped[str | None] = mapped_column("HI_Code_tache", String(45))
    date: Mapped[datetime | None] = mapped_column("HI_Date", LegacyDateTime, index=True)
    task_label: Mapped[str | None] = mapped_column("HI_Libelle_tache", String(45))
    action: Mapped[str | None] = mapped_column("HI_Action", String(45))
    patient_pk: Mapped[str | None] = mapped_column("HI_NumEncours", String(45), index=True)
    state_label: Mapped[str | None] = mapped_column("HI_Libelle_etat", String(45))
    first_name: Mapped[str | None] = mapped_column("HI_PrenomPatient", String(NAME_LENGTH))
    comment: Mapped[str | None] = mapped_column("HI_Commentaire", String(COMMENT_LENGTH))
    actor: Mapped[str | None] = mapped_column("HI_Code_acteur", String(45))
    # Added by this project: which task row the action was about.
    task_num: Mapped[int | None] = mapped_column("HI_Num_tache", Integer)
    # Schema 3: the task's planned start (TASK_ADD, TASK_STATE), the state code (TASK_STATE;
    # 2.16's rows: the label only).
    planned_start: Mapped[datetime | None] = mapped_column("HI_HeureDebPrevue", LegacyDateTime)
    state_code: Mapped[str | None] = mapped_column("HI_Code_etat", String(45))


class ResponsableColumns(_Row):
    """Not a Synoptux 2.16 table (it read MedinTux's ``Personnes``); the manual describes it."""

    code: Mapped[str] = mapped_column("RE_Code", String(45), primary_key=True)
    name: Mapped[str] = mapped_column("RE_Nom", String(90), server_default=EMPTY)
    color: Mapped[str | None] = mapped_column("RE_Couleur", String(45))
    active: Mapped[int] = mapped_column("RE_Actif", Integer, server_default=ONE)


class PresetCommentColumns(_Row):
    """Schema 3: the comments a nurse sets with one touch (the ini's list until filled)."""

    pk: Mapped[int] = mapped_column("CO_PK", Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column("CO_Texte", String(COMMENT_LENGTH))
    order: Mapped[int | None] = mapped_column("CO_Ordre", Integer)


class AuditColumns(_Row):
    """Schema 3: the values before and after one change, linked to its history row."""

    pk: Mapped[int] = mapped_column("AU_PK", Integer, primary_key=True, autoincrement=True)
    history_pk: Mapped[int] = mapped_column("AU_PK_historique", Integer, index=True)
    entity: Mapped[str] = mapped_column("AU_Entite", String(32))  # a table's short name
    key: Mapped[str] = mapped_column("AU_Cle", String(COMMENT_LENGTH))
    before: Mapped[str | None] = mapped_column("AU_Avant", Text)  # JSON object, NULL: created
    after: Mapped[str | None] = mapped_column("AU_Apres", Text)  # JSON object, NULL: deleted


class RoleColumns(_Row):
    """Schema 3: administrateur, medecin, infirmier, secretariat (synoptic.permissions)."""

    code: Mapped[str] = mapped_column("RO_Code", String(32), primary_key=True)
    label: Mapped[str] = mapped_column("RO_Libelle", String(90), server_default=EMPTY)


class PermissionColumns(_Row):
    """Schema 3: one row per action a role may do (administrateur may do all, always)."""

    role_code: Mapped[str] = mapped_column("PE_Code_role", String(32), primary_key=True)
    action: Mapped[str] = mapped_column("PE_Action", String(45), primary_key=True)


class UserColumns(_Row):
    """Schema 3: the persons who unlock protected actions with their PIN (salted hash).

    Not named "personnes": MedinTux's ``Personnes`` table may share the database, and
    MariaDB on Windows folds table names to lower case."""

    code: Mapped[str] = mapped_column("UT_Code", String(45), primary_key=True)
    name: Mapped[str] = mapped_column("UT_Nom", String(90), server_default=EMPTY)
    role_code: Mapped[str] = mapped_column("UT_Code_role", String(32))
    pin_hash: Mapped[str | None] = mapped_column("UT_PIN", String(255))
    active: Mapped[int] = mapped_column("UT_Actif", Integer, server_default=ONE, default=1)


class SchemaVersionColumns(_Row):
    version: Mapped[int] = mapped_column("SV_Version", Integer, primary_key=True)
    applied_at: Mapped[datetime | None] = mapped_column(
        "SV_Date", LegacyDateTime, server_default=local_now()
    )


@dataclass(frozen=True)
class Models:
    """The mapped classes of one table prefix."""

    prefix: str
    metadata: MetaData
    Box: type[BoxColumns]
    State: type[StateColumns]
    TaskType: type[TaskTypeColumns]
    TaskState: type[TaskStateColumns]
    Destination: type[DestinationColumns]
    Patient: type[PatientColumns]
    Task: type[TaskColumns]
    History: type[HistoryColumns]
    Responsable: type[ResponsableColumns]
    SchemaVersion: type[SchemaVersionColumns]
    PresetComment: type[PresetCommentColumns]
    Audit: type[AuditColumns]
    Role: type[RoleColumns]
    Permission: type[PermissionColumns]
    User: type[UserColumns]

    def table_name(self, short: str) -> str:
        return f"{self.prefix}{short}"


def table_args() -> dict[str, str]:
    """Every table's MySQL/MariaDB options (ignored by SQLite); a fresh dict each call, as
    SQLAlchemy may add to the one it is given."""
    return {
        "mysql_engine": "InnoDB",
        "mysql_charset": "utf8mb4",
        "mysql_collate": "utf8mb4_unicode_ci",
    }


@cache
def models_for(prefix: str = DEFAULT_PREFIX) -> Models:
    """Build (once per prefix) the mapped classes for tables named ``prefix + name``."""

    class Base(DeclarativeBase):
        metadata = MetaData()

    class Box(BoxColumns, Base):
        __tablename__ = f"{prefix}box"
        __table_args__ = table_args()

    class State(StateColumns, Base):
        __tablename__ = f"{prefix}etats"
        __table_args__ = table_args()

    class TaskType(TaskTypeColumns, Base):
        __tablename__ = f"{prefix}taches"
        __table_args__ = table_args()

    class TaskState(TaskStateColumns, Base):
        __tablename__ = f"{prefix}etats_taches"
        __table_args__ = table_args()

    class Destination(DestinationColumns, Base):
        __tablename__ = f"{prefix}destinations"
        __table_args__ = table_args()

    class Patient(PatientColumns, Base):
        __tablename__ = f"{prefix}encours"
        __table_args__ = (
            Index(f"ix_{prefix}encours_box", "EC_CodeBox"),
            Index(f"ix_{prefix}encours_guid", "EC_GUIDPatient"),
            table_args(),
        )

    class Task(TaskColumns, Base):
        __tablename__ = f"{prefix}encours_taches"
        __table_args__ = {"sqlite_autoincrement": True, **table_args()}  # noqa: RUF012
        # Legacy MyISAM databases numbered tasks per patient; the pair is always unique.
        # A patient's tasks may already be gone when the ORM deletes them: the AFTER DELETE
        # trigger on encours (store/feed_schema.py) removes them when the patient row goes.
        __mapper_args__ = {  # noqa: RUF012
            "primary_key": ["patient_pk", "num"],
            "confirm_deleted_rows": False,
        }

    class History(HistoryColumns, Base):
        __tablename__ = f"{prefix}historique"
        # Schema 3, for the statistics (synoptic.stats.read): the flow rows of a period,
        # covered (no row lookups); the task states in the order of their grouping per
        # task, covered (no sort, no temporary table for a year's 300,000 tasks).
        __table_args__ = (
            Index(f"ix_{prefix}historique_flow", "HI_Action", "HI_Date", "HI_NumEncours",
                  "HI_Code_box", "HI_Commentaire"),
            Index(f"ix_{prefix}historique_task_states", "HI_Action", "HI_NumEncours",
                  "HI_Num_tache", "HI_Code_tache", "HI_Date", "HI_Libelle_etat",
                  "HI_Code_etat", "HI_HeureDebPrevue"),
            table_args(),
        )

    class Responsable(ResponsableColumns, Base):
        __tablename__ = f"{prefix}responsables"
        __table_args__ = table_args()

    class SchemaVersion(SchemaVersionColumns, Base):
        __tablename__ = f"{prefix}schema_version"
        __table_args__ = table_args()

    class PresetComment(PresetCommentColumns, Base):
        __tablename__ = f"{prefix}commentaires"
        __table_args__ = table_args()

    class Audit(AuditColumns, Base):
        __tablename__ = f"{prefix}audit"
        __table_args__ = table_args()

    class Role(RoleColumns, Base):
        __tablename__ = f"{prefix}roles"
        __table_args__ = table_args()

    class Permission(PermissionColumns, Base):
        __tablename__ = f"{prefix}permissions"
        __table_args__ = table_args()

    class User(UserColumns, Base):
        __tablename__ = f"{prefix}utilisateurs"
        __table_args__ = table_args()

    Task.__mapper__  # noqa: B018  (configure now: mapper errors surface at build time)
    return Models(
        prefix=prefix,
        metadata=Base.metadata,
        Box=Box,
        State=State,
        TaskType=TaskType,
        TaskState=TaskState,
        Destination=Destination,
        Patient=Patient,
        Task=Task,
        History=History,
        Responsable=Responsable,
        SchemaVersion=SchemaVersion,
        PresetComment=PresetComment,
        Audit=Audit,
        Role=Role,
        Permission=Permission,
        User=User,
    )
