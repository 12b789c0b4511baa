"""The inbox when something other than the file goes wrong: the archive folder (EIO, ENOSPC)
after the commit, a default box missing from the boxes table, a box deleted during a pass."""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_inbox import DAY, drop, entry, log_rows, make_processor, patients, top_level

import synoptic.ingest.archive as archive_module
import synoptic.ingest.filing as filing_module
import synoptic.ingest.inbox as inbox_module
from synoptic.ingest.admitting import Admitter
from synoptic.ingest.inbox import (
    WORK_DIR,
    InboxProcessor,
    InstallationError,
    Outcome,
    TransientError,
)
from synoptic.services import BoardServices
from synoptic.store.db import Store


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    return tmp_path / "inbox"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def faulty(services: BoardServices, inbox: Path, clock: Clock) -> Iterator[InboxProcessor]:
    with make_processor(services, inbox, monotonic=clock) as p:
        yield p


def failing_move(monkeypatch: pytest.MonkeyPatch, folder_name: str, code: int) -> list[Path]:
    """Make every move into a folder called ``folder_name`` (or below it) fail with ``code``."""
    real = archive_module.archive_file
    calls: list[Path] = []

    def archive_file(source: Path, folder: Path, name: str, reason: str | None = None) -> Path:
        if folder_name in folder.parts:
            calls.append(folder)
            raise OSError(code, errno.errorcode.get(code, "error"))
        return real(source, folder, name, reason)

    monkeypatch.setattr(filing_module, "archive_file", archive_file)
    return calls


def working_files(inbox: Path) -> list[str]:
    return sorted(
        p.name for p in (inbox / WORK_DIR).glob("*/*") if p.is_file() and p.name != ".lock"
    )


@pytest.mark.parametrize("code", [errno.EIO, errno.ENOSPC, errno.EACCES])
def test_a_file_admitted_but_not_movable_stays_accepted_and_is_archived_later(
    faulty: InboxProcessor,
    inbox: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    code: int,
) -> None:
    store = faulty.services.store
    calls = failing_move(monkeypatch, "processed", code)
    drop(inbox, "admis.txt", entry("ADMIS", tasks=("ECG", "BIO")))
    with caplog.at_level(logging.INFO, logger="synoptic.ingest.inbox"):
        [item] = faulty.run_pass().results
        assert item.outcome is Outcome.ACCEPTED and item.archived_as is None
        # Never "rejected": no rejected/ copy telling staff to drop it again.
        assert list((inbox / "rejected").iterdir()) == []
        assert working_files(inbox) == ["admis.txt"]
        [patient] = patients(store)
        assert log_rows(store) == [("admis.txt", "accepted", patient.pk, None)]
        # Further passes within the retry delay leave it alone: no log, no traceback.
        for _ in range(3):
            assert faulty.run_pass().results == ()
        clock.now += inbox_module.ARCHIVE_RETRY_S + 1
        [again] = faulty.run_pass().results  # still failing: one more attempt, silent
        assert again.outcome is Outcome.ALREADY and again.archived_as is None
    assert len(calls) == 2
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    assert "archivé plus tard" in lines[0].getMessage() and lines[0].exc_info is None
    assert "Erreur interne" not in caplog.text
    # The archive folder is back: the file is archived as processed, admitted once.
    monkeypatch.undo()
    clock.now += inbox_module.ARCHIVE_RETRY_S + 1
    [done] = faulty.run_pass().results
    assert done.outcome is Outcome.ALREADY
    assert done.archived_as == inbox / "processed" / DAY / "admis.txt"
    assert working_files(inbox) == [] and top_level(inbox) == []
    assert len(patients(store)) == 1


def test_a_rejection_that_meets_an_accepted_log_row_archives_the_file_as_processed(
    faulty: InboxProcessor, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error after the commit (a bug) must not tell staff to drop an admitted file again."""
    real = Admitter.admit_once

    def admit_then_fail(self: Admitter, *args: object, **kwargs: object) -> object:
        real(self, *args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("bogue après la validation")

    monkeypatch.setattr(Admitter, "admit_once", admit_then_fail)
    drop(inbox, "bogue.txt", entry("BOGUE"))
    [item] = faulty.run_pass().results
    assert item.outcome is Outcome.ALREADY
    assert item.archived_as == inbox / "processed" / DAY / "bogue.txt"
    assert list((inbox / "rejected").iterdir()) == []
    assert [row[1] for row in log_rows(faulty.services.store)] == ["accepted"]


def test_a_rejected_file_not_movable_is_logged_once(
    faulty: InboxProcessor,
    inbox: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    failing_move(monkeypatch, "rejected", errno.EIO)
    drop(inbox, "faux.txt", b"[Entree]\nPrenom_Patient=Sans nom\n")
    with caplog.at_level(logging.INFO, logger="synoptic.ingest.inbox"):
        [item] = faulty.run_pass().results
        assert item.outcome is Outcome.REJECTED and item.archived_as is None
        for _ in range(3):
            clock.now += inbox_module.ARCHIVE_RETRY_S + 1
            faulty.run_pass()
    assert not [r for r in caplog.records if r.exc_info], "no traceback"
    assert caplog.text.count("archivé plus tard") == 1
    assert [row[1] for row in log_rows(faulty.services.store)] == ["rejected"]
    monkeypatch.undo()
    clock.now += inbox_module.ARCHIVE_RETRY_S + 1
    [done] = faulty.run_pass().results
    assert done.outcome is Outcome.REJECTED
    assert done.archived_as == inbox / "rejected" / "faux.txt"
    assert (inbox / "rejected" / "faux.error.txt").is_file()


# ---------------------------------------------------------------------- the default box


def delete_box(store: Store, code: str) -> None:
    with store.write() as session:
        box = session.get(store.models.Box, code)
        assert box is not None
        session.delete(box)


def test_a_missing_default_box_makes_files_wait_not_rejected(
    services: BoardServices, inbox: Path
) -> None:
    drop(inbox, "a.txt", entry("A"))
    drop(inbox, "b.txt", entry("B", box="B1"))
    with make_processor(services, inbox, default_box="NULLEPART") as p:
        with pytest.raises(InstallationError) as raised:
            p.run_pass()
        assert isinstance(raised.value, TransientError)
        assert "Code_Box_Par_Defaut" in str(raised.value) and "NULLEPART" in str(raised.value)
        assert top_level(inbox) == ["a.txt", "b.txt"]  # both wait, untouched
        assert list((inbox / "rejected").iterdir()) == []
    with make_processor(services, inbox) as p:  # the ini fixed
        assert {r.outcome for r in p.run_pass().results} == {Outcome.ACCEPTED}


def test_a_box_deleted_during_the_pass_falls_back_to_the_default_box(
    faulty: InboxProcessor, inbox: Path
) -> None:
    store = faulty.services.store
    faulty.admitter.box_capacities()  # read at the start of the pass
    with store.write() as session:
        session.execute(store.models.Patient.__table__.delete())
    delete_box(store, "B2")
    drop(inbox, "parti.txt", entry("PARTI", box="B2"))
    faulty.admitter._boxes = {"B2": None, "ATT": None}  # as read before the deletion
    claimed = faulty._claim(inbox / "parti.txt")
    assert claimed is not None
    item = faulty._process(claimed)
    assert item.outcome is Outcome.ACCEPTED and item.box_code == "ATT"
    assert item.warnings == ("Box « B2 » supprimé : patient placé dans le box par défaut « ATT ».",)


# ---------------------------------------------------------------------- odds and ends


def test_a_reason_file_put_back_into_the_inbox_is_left_alone_and_said_once(
    faulty: InboxProcessor, inbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    drop(inbox, "faux.error.txt", "Fichier d'entrée rejeté : faux.txt\n".encode())
    drop(inbox, "bon.txt", entry("BON"))
    with caplog.at_level(logging.INFO, logger="synoptic.ingest.inbox"):
        [item] = faulty.run_pass().results
        assert faulty.run_pass().results == ()
    assert item.name == "bon.txt" and item.outcome is Outcome.ACCEPTED
    assert top_level(inbox) == ["faux.error.txt"]
    assert list((inbox / "rejected").iterdir()) == []
    assert caplog.text.count("explication d'un rejet") == 1


def test_a_newline_in_a_file_name_cannot_forge_a_log_line(
    faulty: InboxProcessor, inbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    name = "a\n2026-11-21 ERROR faux.txt"
    drop(inbox, name, b"[Entree]\nPrenom_Patient=Sans nom\n")  # rejected: logged by name
    drop(inbox, "b\rc.txt", entry("AVERTI", box="ZZ"))  # accepted with a warning
    with caplog.at_level(logging.INFO, logger="synoptic.ingest"):
        results = faulty.run_pass().results
    assert {r.outcome for r in results} == {Outcome.REJECTED, Outcome.ACCEPTED}
    messages = [r.getMessage() for r in caplog.records]
    assert messages and all("\n" not in m and "\r" not in m for m in messages), messages
    assert any("a\\n2026-11-21 ERROR faux.txt" in m for m in messages)


def test_a_database_error_that_is_no_outage_is_not_made_transient(
    faulty: InboxProcessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in a query (a syntax error, a missing column) must not hold files back for
    ever as if the database were away: only errors that say "retry later" do."""
    from contextlib import contextmanager

    from sqlalchemy.exc import OperationalError, ProgrammingError

    store = faulty.services.store
    raised: list[Exception] = [
        ProgrammingError("SELECT", {}, Exception("(1064) You have an error in your SQL syntax"))
    ]

    @contextmanager
    def failing(*_args: object) -> Iterator[object]:
        raise raised[0]
        yield

    monkeypatch.setattr(store, "read", failing)
    monkeypatch.setattr(store, "write", failing)
    with pytest.raises(ProgrammingError):
        faulty.ingest_log.logged("cle")
    with pytest.raises(ProgrammingError):
        faulty.ingest_log.forget_rejection("cle")
    raised[0] = OperationalError("SELECT", {}, Exception("database is locked"))
    with pytest.raises(TransientError, match="base verrouillée"):
        faulty.ingest_log.logged("cle")
    with pytest.raises(TransientError, match="base verrouillée"):
        faulty.ingest_log.forget_rejection("cle")


def test_a_missing_default_box_is_one_log_line_naming_the_key_then_one_when_fixed(
    services: BoardServices, inbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import threading
    import time

    from synoptic.ingest.watcher import InboxWatcher

    caplog.set_level(logging.INFO)
    drop(inbox, "a.txt", entry("A"))
    store = services.store
    with make_processor(services, inbox, default_box="NOUVEAU") as p:
        watcher = InboxWatcher(p, rescan_s=0.05, use_observer=False, max_backoff_s=0.2)
        thread = threading.Thread(target=watcher.run, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 30
            while watcher.passes < 5 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert patients(store) == [] and list((inbox / "rejected").iterdir()) == []
            with store.write() as session:
                session.add(store.models.Box(code="NOUVEAU", label="Nouveau", capacity=None))
            while not patients(store) and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            watcher.stop(timeout=0)  # its thread is ours: joined here
            thread.join(10)
    assert [p.box_code for p in patients(store)] == ["NOUVEAU"]
    messages = [r.getMessage() for r in caplog.records]
    starts = [m for m in messages if m.startswith("Installation à corriger")]
    assert len(starts) == 1, messages
    assert "Code_Box_Par_Defaut" in starts[0] and "« NOUVEAU »" in starts[0]
    assert len([m for m in messages if m.startswith("Installation corrigée")]) == 1, messages
    assert not [m for m in messages if "Base de données indisponible" in m]
    assert not any(r.exc_info for r in caplog.records)
