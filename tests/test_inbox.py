"""Inbox processing: claim, one transaction per file, archive, reject, crash recovery.

Tests that touch the database run on SQLite and, when available, on MariaDB.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pymysql
import pytest
from conftest import FIXTURES, NOW, REPO, original_216
from sqlalchemy import func, select
from sqlalchemy.exc import DataError, OperationalError

from synoptic.errors import InvalidValueError
from synoptic.ingest.filing import Filing
from synoptic.ingest.inbox import (
    WORK_DIR,
    InboxProcessor,
    Outcome,
    TransientError,
    is_entry_file_name,
)
from synoptic.services import BoardServices
from synoptic.store.db import Store
from synoptic.store.feed_schema import feed_tables

DAY = NOW.strftime("%Y-%m-%d")


def entry(
    name: str = "DUPONT",
    *,
    box: str | None = None,
    guid: str = "",
    responsable: str | None = "MARTIN",
    tasks: tuple[str, ...] = ("ECG",),
    extra: str = "",
) -> bytes:
    lines = ["[Entree]", f"Nom_Patient={name}", "Prenom_Patient=Jean", f"GUID_Patient={guid}"]
    if box is not None:
        lines.append(f"Code_Box={box}")
    if responsable is not None:
        lines.append(f"Code_Responsable={responsable}")
    for n, code in enumerate(tasks, start=1):
        lines += [f"[Tache_{n}]", f"Code_Tache={code}", f"Priorite={n}"]
    return ("\r\n".join(lines) + "\r\n" + extra).encode("utf-8")


def drop(folder: Path, name: str, data: bytes, mtime: datetime | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    if mtime is not None:
        stamp = mtime.timestamp()
        os.utime(path, (stamp, stamp))
    return path


def make_processor(services: BoardServices, inbox: Path, **kwargs: object) -> InboxProcessor:
    options: dict[str, object] = {"stability_delay_s": 0, "now": lambda: NOW}
    options.update(kwargs)
    default_box = str(options.pop("default_box", "ATT"))
    return InboxProcessor(services, inbox, default_box, **options)  # type: ignore[arg-type]


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    return tmp_path / "inbox"


@pytest.fixture
def processor(services: BoardServices, inbox: Path) -> Iterator[InboxProcessor]:
    with make_processor(services, inbox) as p:
        yield p


@pytest.fixture
def sqlite_processor(sqlite_store: Store, inbox: Path) -> Iterator[InboxProcessor]:
    with make_processor(BoardServices(sqlite_store, "test"), inbox) as p:
        yield p


def patients(store: Store, guid: str | None = None) -> list[object]:
    m = store.models
    query = select(m.Patient).order_by(m.Patient.pk)
    if guid is not None:
        query = query.where(m.Patient.guid == guid)
    with store.read() as session:
        return list(session.scalars(query))


def tasks_of(store: Store, patient_pk: int) -> list[str]:
    m = store.models
    with store.read() as session:
        return [
            t.code
            for t in session.scalars(
                select(m.Task).where(m.Task.patient_pk == patient_pk).order_by(m.Task.num)
            )
        ]


def log_rows(store: Store) -> list[tuple[object, ...]]:
    t = feed_tables(store.models.prefix).ingest_log
    with store.read() as session:
        return [
            tuple(r)
            for r in session.execute(
                select(t.c.IL_Name, t.c.IL_Outcome, t.c.IL_PK_encours, t.c.IL_Message).order_by(
                    t.c.IL_PK
                )
            )
        ]


def top_level(inbox: Path) -> list[str]:
    return sorted(p.name for p in inbox.iterdir() if p.is_file())


# ---------------------------------------------------------------------- accepted


def test_an_accepted_file_is_admitted_logged_and_archived(
    processor: InboxProcessor, inbox: Path
) -> None:
    drop(inbox, "entree.txt", entry("O'BRIEN", box="B2", tasks=("ECG", "BIO")))
    result = processor.run_pass()
    [item] = result.results
    assert item.outcome is Outcome.ACCEPTED and item.warnings == ()
    assert item.box_code == "B2" and item.tasks == 2
    store = processor.services.store
    [patient] = patients(store)
    assert (patient.last_name, patient.box_code, patient.pk) == ("O'BRIEN", "B2", item.patient_pk)
    assert tasks_of(store, patient.pk) == ["ECG", "BIO"]
    assert item.archived_as == inbox / "processed" / DAY / "entree.txt"
    assert item.archived_as.read_bytes().startswith(b"[Entree]")
    assert top_level(inbox) == []
    assert log_rows(store) == [("entree.txt", "accepted", patient.pk, None)]
    assert "ACCEPTÉ" in item.line() and "B2" in item.line()


def test_only_txt_files_are_taken_hidden_and_others_left_alone(
    sqlite_processor: InboxProcessor, inbox: Path
) -> None:
    for name in ("a.txt", "B.TXT", "c.Txt"):
        drop(inbox, name, entry(name))
    for name in (".cache.txt", "notes.csv", "README", "x.txt.tmp", ".txt"):
        drop(inbox, name, b"not an entry")
    (inbox / "sub.txt").mkdir()
    drop(inbox / "examples", "exemple.txt", entry("EXEMPLE"))
    results = sqlite_processor.run_pass().results
    assert sorted(r.name for r in results) == ["B.TXT", "a.txt", "c.Txt"]
    assert top_level(inbox) == [".cache.txt", ".txt", "README", "notes.csv", "x.txt.tmp"]
    assert (inbox / "examples" / "exemple.txt").exists()
    assert [is_entry_file_name(n) for n in ("a.TxT", ".a.txt", "a.txt~", "txt")] == [
        True,
        False,
        False,
        False,
    ]


def test_files_are_taken_oldest_first(sqlite_processor: InboxProcessor, inbox: Path) -> None:
    drop(inbox, "b.txt", entry("SECOND"), mtime=datetime(2026, 11, 21, 9, 0, 2))
    drop(inbox, "a.txt", entry("THIRD"), mtime=datetime(2026, 11, 21, 9, 0, 3))
    drop(inbox, "c.txt", entry("FIRST"), mtime=datetime(2026, 11, 21, 9, 0, 1))
    names = [r.name for r in sqlite_processor.run_pass().results]
    assert names == ["c.txt", "b.txt", "a.txt"]


def test_bare_times_are_on_the_day_the_file_arrived(
    sqlite_processor: InboxProcessor, inbox: Path
) -> None:
    data = entry("HIER", tasks=()) + b"[Tache_1]\r\nCode_Tache=RX\r\nHeure_Debut_Prevue=10h20\r\n"
    drop(inbox, "hier.txt", data, mtime=datetime(2026, 11, 20, 9, 30))
    [item] = sqlite_processor.run_pass().results
    store = sqlite_processor.services.store
    with store.read() as session:
        task = session.scalars(select(store.models.Task)).one()
    assert item.outcome is Outcome.ACCEPTED
    assert task.planned_start == datetime(2026, 11, 20, 10, 20)


def test_same_name_twice_the_same_day_is_archived_under_a_free_name(
    sqlite_processor: InboxProcessor, inbox: Path
) -> None:
    drop(inbox, "entree.txt", entry("UN"))
    sqlite_processor.run_pass()
    drop(inbox, "entree.txt", entry("DEUX"))
    [item] = sqlite_processor.run_pass().results
    assert item.archived_as == inbox / "processed" / DAY / "entree_2.txt"
    assert sorted(p.name for p in (inbox / "processed" / DAY).iterdir()) == [
        "entree.txt",
        "entree_2.txt",
    ]


def test_a_file_given_outside_the_inbox_is_archived_in_the_inbox(
    sqlite_processor: InboxProcessor, inbox: Path, tmp_path: Path
) -> None:
    elsewhere = drop(tmp_path / "ailleurs", "patient.txt", entry("AILLEURS"))
    item = sqlite_processor.ingest_path(elsewhere)
    assert item is not None and item.outcome is Outcome.ACCEPTED
    assert not elsewhere.exists()
    assert (inbox / "processed" / DAY / "patient.txt").exists()


# ---------------------------------------------------------------------- rejected


def test_a_rejected_file_is_set_aside_with_a_french_explanation(
    processor: InboxProcessor, inbox: Path
) -> None:
    data = entry("MARTIN", tasks=()) + b"[Tache_1]\r\nCode_Tache=RX\r\nHeure_Debut_Prevue=25h99\r\n"
    drop(inbox, "mauvais.txt", data)
    [item] = processor.run_pass().results
    assert item.outcome is Outcome.REJECTED
    assert "Heure_Debut_Prevue" in item.message and "ligne 8" in item.message
    assert (inbox / "rejected" / "mauvais.txt").read_bytes() == data
    explanation = (inbox / "rejected" / "mauvais.error.txt").read_text(encoding="utf-8-sig")
    assert "Fichier d'entrée rejeté : mauvais.txt" in explanation
    assert "Heure illisible « 25h99 »" in explanation and "ligne 8" in explanation
    assert "n'a PAS été inscrit" in explanation
    assert patients(processor.services.store) == []
    [(name, outcome, pk, message)] = log_rows(processor.services.store)
    assert (name, outcome, pk) == ("mauvais.txt", "rejected", None)
    assert "25h99" in str(message)


def test_rejections_never_overwrite_an_earlier_one(
    sqlite_processor: InboxProcessor, inbox: Path
) -> None:
    for _ in range(3):
        drop(inbox, "vide.txt", b"")
        [item] = sqlite_processor.run_pass().results
        assert item.outcome is Outcome.REJECTED
    assert sorted(p.name for p in (inbox / "rejected").iterdir()) == [
        ".vide.json",  # each one's reason as data
        ".vide_2.json",
        ".vide_3.json",
        "vide.error.txt",
        "vide.txt",
        "vide_2.error.txt",
        "vide_2.txt",
        "vide_3.error.txt",
        "vide_3.txt",
    ]


def test_a_value_the_database_refuses_rejects_the_file(
    processor: InboxProcessor, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The parser keeps integers within the INT columns, so make the database refuse a
    # value the way MariaDB does (a DBAPI DataError while the server still answers).
    def refuse(**_kwargs: object) -> None:
        raise DataError("INSERT", {}, Exception("(1264, \"Out of range value\")"))

    monkeypatch.setattr(processor.services, "admit", refuse)
    drop(inbox, "grand.txt", entry("GRAND"))
    [item] = processor.run_pass().results
    assert item.outcome is Outcome.REJECTED
    assert "Valeur refusée par la base de données" in item.message
    assert (inbox / "rejected" / "grand.error.txt").exists()
    assert patients(processor.services.store) == []


def test_an_integer_too_long_for_the_database_is_rejected_by_the_parser(
    processor: InboxProcessor, inbox: Path
) -> None:
    data = entry("GRAND", tasks=()) + b"[Tache_1]\r\nCode_Tache=RX\r\nPrimKey_Blob=99999999999\r\n"
    drop(inbox, "grand.txt", data)
    [item] = processor.run_pass().results
    assert item.outcome is Outcome.REJECTED
    assert "PrimKey_Blob" in item.message
    assert "PrimKey_Blob" in (inbox / "rejected" / "grand.error.txt").read_text(encoding="utf-8")


# ---------------------------------------------------------------------- boxes, codes, GUID


def test_box_choice_follows_the_default_box(processor: InboxProcessor, inbox: Path) -> None:
    store = processor.services.store
    with store.write() as session:
        session.get(store.models.Box, "ATT").capacity = 2  # type: ignore[union-attr]
    drop(inbox, "1.txt", entry("CODE", box="B1"), mtime=datetime(2026, 11, 21, 9, 0, 1))
    drop(inbox, "2.txt", entry("SANS"), mtime=datetime(2026, 11, 21, 9, 0, 2))
    drop(inbox, "3.txt", entry("INCONNU", box="ZZ"), mtime=datetime(2026, 11, 21, 9, 0, 3))
    drop(inbox, "4.txt", entry("PLEIN", box="B1"), mtime=datetime(2026, 11, 21, 9, 0, 4))
    results = {r.name: r for r in processor.run_pass().results}
    assert [results[n].box_code for n in ("1.txt", "2.txt", "3.txt", "4.txt")] == [
        "B1",
        "ATT",
        "ATT",
        "ATT",
    ]
    assert results["1.txt"].warnings == results["2.txt"].warnings == ()
    assert results["3.txt"].warnings == (
        "Box inconnu « ZZ » : patient placé dans le box par défaut « ATT ».",
    )
    # B1 holds one patient; ATT (2 places) holds SANS and INCONNU: admitted over capacity.
    assert results["4.txt"].warnings == (
        "Box « B1 » plein : patient placé dans le box par défaut « ATT ».",
        "Box par défaut « ATT » plein : patient admis au-delà de sa capacité (2 place(s)).",
    )
    assert [p.box_code for p in patients(store)] == ["B1", "ATT", "ATT", "ATT"]
    assert "Box inconnu « ZZ »" in str(log_rows(store)[2][3])


def test_a_box_code_in_another_case_is_the_same_box(processor: InboxProcessor, inbox: Path) -> None:
    drop(inbox, "minuscules.txt", entry("CASSE", box="dech"))
    [item] = processor.run_pass().results
    assert item.box_code == "DECH" and item.warnings == ()
    assert [p.box_code for p in patients(processor.services.store)] == ["DECH"]


def test_unknown_task_and_responsable_codes_do_not_hide_the_patient(
    processor: InboxProcessor, inbox: Path
) -> None:
    drop(inbox, "codes.txt", entry("CODES", responsable="ro", tasks=("ECG", "XYZ", "BIO")))
    [item] = processor.run_pass().results
    assert item.outcome is Outcome.ACCEPTED
    assert item.warnings == (
        "Responsable inconnu « ro » conservé tel quel.",
        "Code de tâche inconnu « XYZ » : tâche conservée avec ce code.",
    )
    store = processor.services.store
    [patient] = patients(store)
    assert patient.responsable == "ro"
    assert tasks_of(store, patient.pk) == ["ECG", "XYZ", "BIO"]
    assert "XYZ" in str(log_rows(store)[0][3])


def test_the_same_guid_appends_tasks_and_an_empty_guid_never_merges(
    processor: InboxProcessor, inbox: Path
) -> None:
    drop(
        inbox,
        "1.txt",
        entry("MERGE", guid="g-42", tasks=("ECG",)),
        mtime=datetime(2026, 11, 21, 9, 0, 1),
    )
    drop(
        inbox,
        "2.txt",
        entry("MERGE", guid="g-42", box="B3", tasks=("RX", "BIO")),
        mtime=datetime(2026, 11, 21, 9, 0, 2),
    )
    drop(
        inbox,
        "3.txt",
        entry("ANONYME", guid="", tasks=("ECG",)),
        mtime=datetime(2026, 11, 21, 9, 0, 3),
    )
    drop(
        inbox,
        "4.txt",
        entry("AUTRE", guid="", tasks=("RX",)),
        mtime=datetime(2026, 11, 21, 9, 0, 4),
    )
    results = processor.run_pass().results
    assert [r.merged for r in results] == [False, True, False, False]
    assert "ajoutée(s) au patient" in results[1].line()
    store = processor.services.store
    [merged] = patients(store, "g-42")
    assert tasks_of(store, merged.pk) == ["ECG", "RX", "BIO"]
    assert merged.box_code == "ATT"  # the second file's box does not move the patient
    assert len(patients(store)) == 3


def test_two_processes_admitting_one_new_guid_make_one_patient(
    services: BoardServices, tmp_path: Path
) -> None:
    """Files of the same new patient taken at once by two processes: merged, not doubled."""
    first, second = tmp_path / "one", tmp_path / "two"
    guids = [f"race-{n}" for n in range(8)]
    for n, guid in enumerate(guids):
        drop(first, f"a{n}.txt", entry("COURSE", guid=guid, tasks=("ECG",)))
        drop(second, f"b{n}.txt", entry("COURSE", guid=guid, tasks=("RX",)))
    barrier = threading.Barrier(2)

    def run(folder: Path) -> None:
        with make_processor(BoardServices(services.store, "t"), folder) as p:
            for path in sorted(folder.glob("*.txt")):
                barrier.wait(timeout=30)
                assert p.ingest_path(path) is not None

    threads = [threading.Thread(target=run, args=(f,)) for f in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for guid in guids:
        [patient] = patients(services.store, guid)
        assert sorted(tasks_of(services.store, patient.pk)) == ["ECG", "RX"]


# ---------------------------------------------------------------------- legacy files


def test_entry_files_shaped_like_216_are_accepted(processor: InboxProcessor, inbox: Path) -> None:
    for name in ("entree_utf8_bom_crlf.txt", "entree_latin1_sans_fin_de_ligne.txt"):
        shutil.copy(FIXTURES / name, inbox / name)
    results = processor.run_pass().results
    assert [(r.outcome, r.box_code) for r in sorted(results, key=lambda r: r.name)] == [
        (Outcome.ACCEPTED, "B3"),
        (Outcome.ACCEPTED, "B2"),
    ]
    store = processor.services.store
    by_name = {p.last_name: p for p in patients(store)}
    bom, latin1 = by_name["Fictif"], by_name["LÉGER"]
    assert (bom.first_name or "", bom.comment, bom.responsable) == ("", "Chute à vélo", "MARTIN")
    assert (latin1.first_name, latin1.comment) == ("Hélène", "brûlure à l'avant-bras, fièvre")
    assert latin1.annex_args == (
        "Infirmière|Infirmière|4f2a-77b0-e1c3|812|LÉGER|Hélène"
        "|C:/MedinTux/Programmes/Manager/bin/Manager.ini"
    )
    assert tasks_of(store, bom.pk) == ["RX", "ECG"]
    assert tasks_of(store, latin1.pk) == ["BIO", "ECHO", "PERF"]
    with store.read() as session:
        task = store.models.Task
        rows = session.execute(select(task.comment, task.blob_key, task.note_file)).all()
    assert sorted(map(tuple, rows), key=str) == [
        ("", None, "D:/tmp/notes/compte rendu écho.pdf"),
        ("", None, None),
        ("Bilan complet, à jeun", 48213, None),
        ("Poignet gauche, déformé", None, None),
        ("Sérum salé", 48214, None),
    ]


def test_the_real_216_entry_files_are_accepted(processor: InboxProcessor, inbox: Path) -> None:
    shutil.copy(original_216("entree_1.txt"), inbox / "entree_1.txt")  # UTF-8 with BOM
    shutil.copy(original_216("entree_type.txt"), inbox / "entree_type.txt")  # ISO-8859-1
    results = {r.name: r for r in processor.run_pass().results}
    assert {r.outcome for r in results.values()} == {Outcome.ACCEPTED}
    store = processor.services.store
    by_name = {p.last_name: p for p in patients(store)}
    assert by_name["ABID"].comment == "très endômmagé !"
    assert by_name["ABID"].annex_args.startswith("Lucette|Lucette|")
    assert by_name["Tartempion"].first_name in ("", None)
    with store.read() as session:
        comments = set(session.scalars(select(store.models.Task.comment)))
    assert "Tête et pieds" in comments and "Rien à dire" in comments


@pytest.mark.parametrize("demo", [False, True], ids=["new board", "demo board"])
def test_the_example_of_the_repository_is_accepted_as_is(
    processor: InboxProcessor, services: BoardServices, inbox: Path, demo: bool
) -> None:
    """A newcomer copies it on a new board or on the demo's (the README's first command):
    its box is free on both and its codes are the seeded ones, so no warning."""
    from synoptic.demo import seed_demo

    if demo:
        seed_demo(services, datetime.now())
    example = REPO / "inbox" / "examples" / "entree_exemple.txt"
    shutil.copy(example, inbox / "exemple.txt")
    [item] = processor.run_pass().results
    assert item.outcome is Outcome.ACCEPTED and item.box_code == "B5"
    assert item.warnings == ()


def test_the_repository_inbox_ignores_what_processing_creates() -> None:
    def ignored(path: str) -> bool:
        result = subprocess.run(
            ["git", "check-ignore", "--no-index", "-q", path], cwd=REPO, check=False
        )
        return result.returncode == 0

    for path in (
        "inbox/processed/2026-11-21/a.txt",
        "inbox/rejected/a.error.txt",
        "inbox/.work/host-1-abc/a.txt",
        "inbox/a.txt",
        "inbox/B.TXT",
    ):
        assert ignored(path), path
    assert not ignored("inbox/examples/entree_exemple.txt")
    assert not ignored("inbox/.gitignore")


# ---------------------------------------------------------------------- still being written


def test_a_file_still_changing_waits(sqlite_store: Store, inbox: Path) -> None:
    clock = [100.0]
    with make_processor(
        BoardServices(sqlite_store, "t"), inbox, stability_delay_s=0.5, monotonic=lambda: clock[0]
    ) as p:
        path = drop(inbox, "lent.txt", entry("LENT")[:20])
        first = p.run_pass()
        assert first.results == () and first.waiting == 1
        clock[0] += 0.3
        with open(path, "ab") as handle:  # still growing
            handle.write(entry("LENT")[20:])
        assert p.run_pass().waiting == 1
        clock[0] += 0.3  # only 0.3 s since it last changed
        assert p.run_pass().waiting == 1
        clock[0] += 0.3
        [item] = p.run_pass().results
        assert item.outcome is Outcome.ACCEPTED


def test_a_file_closed_after_writing_is_taken_at_once(sqlite_store: Store, inbox: Path) -> None:
    with make_processor(BoardServices(sqlite_store, "t"), inbox, stability_delay_s=60) as p:
        path = drop(inbox, "ferme.txt", entry("FERME"))
        assert p.run_pass().waiting == 1
        p.note_closed(path)
        [item] = p.run_pass().results
        assert item.outcome is Outcome.ACCEPTED


def test_an_old_file_is_taken_at_once(sqlite_store: Store, inbox: Path) -> None:
    with make_processor(BoardServices(sqlite_store, "t"), inbox, stability_delay_s=60) as p:
        drop(inbox, "ancien.txt", entry("ANCIEN"), mtime=datetime.now().replace(year=2025))
        [item] = p.run_pass().results
        assert item.outcome is Outcome.ACCEPTED


# ---------------------------------------------------------------------- crashes


class Crash(BaseException):
    """Stands for the process being killed at that point."""


def crashed_processor(services: BoardServices, inbox: Path) -> InboxProcessor:
    """A processor opened, then 'killed': its lock released, its working folder left."""
    p = make_processor(services, inbox)
    p.open()
    return p


def die(p: InboxProcessor) -> None:
    """Its lock released and its working folder forgotten, as a killed process's."""
    assert p.folder._lock is not None
    p.folder._lock.close()
    p.folder._lock = p.folder._path = None


def test_a_crash_between_commit_and_move_does_not_admit_twice(
    services: BoardServices, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop(inbox, "crash.txt", entry("CRASH", guid="", tasks=("ECG",)))
    victim = crashed_processor(services, inbox)

    def killed(*_args: object, **_kwargs: object) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(Filing, "_archive", killed)
        with pytest.raises(Crash):
            victim.run_pass()
    die(victim)
    assert len(patients(services.store)) == 1  # committed before the "kill"
    assert top_level(inbox) == []  # the file is in the dead process's working folder
    with make_processor(services, inbox) as survivor:
        [item] = survivor.run_pass().results
    assert item.outcome is Outcome.ALREADY
    assert "DÉJÀ INTÉGRÉ" in item.line()
    assert len(patients(services.store)) == 1
    assert (inbox / "processed" / DAY / "crash.txt").exists()
    assert list((inbox / WORK_DIR).iterdir()) == []  # the dead folder was removed


def test_a_crash_before_commit_admits_the_file_on_restart(
    services: BoardServices, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop(inbox, "avant.txt", entry("AVANT"))
    victim = crashed_processor(services, inbox)

    def killed(*_args: object, **_kwargs: object) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(BoardServices, "admit", killed)
        with pytest.raises(Crash):
            victim.run_pass()
    die(victim)
    assert patients(services.store) == []
    with make_processor(services, inbox) as survivor:
        [item] = survivor.run_pass().results
    assert item.outcome is Outcome.ACCEPTED
    assert len(patients(services.store)) == 1


def test_the_working_folder_of_a_live_process_is_left_alone(
    sqlite_store: Store, inbox: Path
) -> None:
    services = BoardServices(sqlite_store, "t")
    with make_processor(services, inbox) as alive, make_processor(services, inbox) as other:
        drop(alive.work_dir, "en-cours.txt", entry("EN COURS"))
        assert other.run_pass().results == ()
        assert (alive.work_dir / "en-cours.txt").exists()
        [item] = alive.run_pass().results  # its own leftover, first
        assert item.outcome is Outcome.ACCEPTED


def test_a_database_outage_puts_the_file_back(
    sqlite_processor: InboxProcessor, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop(inbox, "attente.txt", entry("ATTENTE"))

    def down(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT", {}, pymysql.err.OperationalError(2006, "gone away"))

    monkeypatch.setattr(BoardServices, "admit", down)
    with pytest.raises(TransientError):
        sqlite_processor.run_pass()
    assert top_level(inbox) == ["attente.txt"]
    monkeypatch.undo()
    [item] = sqlite_processor.run_pass().results
    assert item.outcome is Outcome.ACCEPTED


# ---------------------------------------------------------------------- retention


def test_processed_folders_and_log_rows_past_retention_are_removed(
    sqlite_store: Store, inbox: Path
) -> None:
    services = BoardServices(sqlite_store, "t")
    with make_processor(services, inbox, retention_days=30) as p:
        drop(inbox, "x.txt", entry("X"))
        p.run_pass()
        for day in ("2026-10-21", "2026-10-22", "2026-11-20"):
            drop(inbox / "processed" / day, "old.txt", b"x")
        (inbox / "processed" / "a-garder").mkdir()
        table = feed_tables("synopt_").ingest_log
        with sqlite_store.write() as session:
            session.execute(
                table.insert().values(
                    IL_Name="vieux.txt",
                    IL_Hash="0" * 64,
                    IL_Date=datetime(2026, 9, 1),
                    IL_Outcome="accepted",
                )
            )
        assert p.purge_processed(date(2026, 11, 21)) == 1
        left = sorted(f.name for f in (inbox / "processed").iterdir())
        assert left == ["2026-10-22", "2026-11-20", DAY, "a-garder"]
        with sqlite_store.read() as session:
            assert session.scalar(select(func.count()).select_from(table)) == 1


def refusing(monkeypatch: pytest.MonkeyPatch, reason: str) -> None:
    """Admissions refused for ``reason`` (a cause outside the file, fixed later)."""

    def admit(*_args: object, **_kwargs: object) -> None:
        raise InvalidValueError(reason)

    monkeypatch.setattr(BoardServices, "admit", admit)


def test_a_rejected_file_put_back_after_fixing_the_cause_is_admitted(
    services: BoardServices, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rejected-files message says: fix the cause, put the file back. The old
    rejection (same name, time and content) must not stick to it."""
    data = entry("REVENU", box=None)
    refusing(monkeypatch, "NOPE")
    with make_processor(services, inbox) as wrong:
        drop(inbox, "revenu.txt", data, mtime=datetime(2026, 11, 21, 9, 0))
        [first] = wrong.run_pass().results
    assert first.outcome is Outcome.REJECTED and "NOPE" in first.message
    rejected = inbox / "rejected" / "revenu.txt"
    os.replace(rejected, inbox / "revenu.txt")  # keeps name, time and content
    monkeypatch.undo()
    with make_processor(services, inbox, default_box="ATT") as fixed:
        [second] = fixed.run_pass().results
    assert second.outcome is Outcome.ACCEPTED
    assert [p.last_name for p in patients(services.store)] == ["REVENU"]


def test_a_file_put_back_and_rejected_again_gets_the_new_reason(
    services: BoardServices, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = entry("TOUJOURS", box=None)
    for reason in ("NOPE", "AUTRE"):
        refusing(monkeypatch, reason)
        with make_processor(services, inbox) as processor:
            drop(inbox, "t.txt", data, mtime=datetime(2026, 11, 21, 9, 0))
            [result] = processor.run_pass().results
        assert result.outcome is Outcome.REJECTED and reason in result.message
    log = feed_tables(services.store.models.prefix).ingest_log
    with services.store.read() as session:
        messages = list(session.scalars(select(log.c.IL_Message)))
    assert len(messages) == 1 and "AUTRE" in messages[0]
