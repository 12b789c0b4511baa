"""No file name can stop the inbox: odd names, long names, names sent twice, kills.

On Linux a file name is bytes: ``b"entr\\xe9e.txt"`` (Latin-1) is not UTF-8, and Python gives
it as ``"entr\\udce9e.txt"`` (surrogateescape), which the database, a reason file or a
terminal cannot take as it is.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from conftest import NOW, make_seeded_store
from test_inbox import Crash, crashed_processor, die, entry, log_rows, make_processor, patients

from synoptic.ingest import archive as archive_module
from synoptic.ingest.inbox import WORK_DIR, InboxProcessor, Outcome
from synoptic.ingest.names import (
    NAME_MAX,
    archive_names,
    display_name,
    fallback_name,
    is_reason_file_name,
    log_name,
    reason_file_name,
)
from synoptic.ingest.rejected import list_rejected
from synoptic.ingest.watcher import _as_path
from synoptic.services import BoardServices

DAY = NOW.strftime("%Y-%m-%d")
LATIN1 = b"entr\xe9e.txt"  # "entrée.txt" written by a Latin-1 host
LONGEST = b"x" * (NAME_MAX - 4) + b".txt"  # 255 bytes, the longest name there is


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


@pytest.fixture
def processor(services: BoardServices, inbox: Path) -> Iterator[InboxProcessor]:
    with make_processor(services, inbox) as p:
        yield p


def drop_raw(folder: Path, name: bytes, data: bytes) -> None:
    """Create a file under exactly these name bytes."""
    fd = os.open(os.path.join(os.fsencode(folder), name), os.O_CREAT | os.O_WRONLY, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def raw_names(folder: Path) -> list[bytes]:
    return sorted(os.listdir(os.fsencode(folder)))


def empty_files(inbox: Path) -> list[str]:
    return [
        str(p.relative_to(inbox))
        for p in inbox.rglob("*")
        if p.is_file() and p.name != ".lock" and p.stat().st_size == 0
    ]


# ---------------------------------------------------------------------- names alone


def test_a_name_that_is_not_utf8_is_shown_escaped() -> None:
    name = os.fsdecode(LATIN1)
    assert display_name(name) == "entr\\xe9e.txt"
    assert display_name("entrée\n\x1b.txt") == "entrée\\n\\x1b.txt"
    assert display_name("entrée.txt") == "entrée.txt"
    display_name(name).encode("utf-8")  # does not raise


def test_a_logged_name_fits_its_column_and_two_long_names_stay_distinct() -> None:
    one = os.fsdecode(b"\xe9" * 250 + b"1.txt")  # 1000 characters once escaped
    two = os.fsdecode(b"\xe9" * 250 + b"2.txt")
    assert 240 < len(log_name(one, 255)) <= 255 and len(log_name(two, 255)) <= 255
    assert log_name(one, 255) != log_name(two, 255)
    kept, tag = log_name(one, 255).split("~")
    assert kept == "\\xe9" * (len(kept) // 4)  # cut between escapes, never inside one
    assert len(tag) == 12
    assert log_name("court.txt", 255) == "court.txt"


@pytest.mark.parametrize("with_reason", [False, True])
@pytest.mark.parametrize(
    "raw",
    [
        b"entree.txt",
        LONGEST,
        "é".encode() * 125 + b".txt",  # 254 bytes of two-byte characters
        "é".encode() * 124 + b"x.TXT",
        b"\xe9" * 251 + b".txt",
        "🚑".encode() * 62 + b"a.txt",
        b"y" * 255,  # given on the command line: no .txt
    ],
)
def test_derived_names_fit_never_cut_a_character_and_never_repeat(
    raw: bytes, with_reason: bool
) -> None:
    name = os.fsdecode(raw)
    candidates = [c for _, c in zip(range(50), archive_names(name, with_reason=with_reason))]
    assert len(set(candidates)) == 50
    for candidate in candidates:
        encoded = os.fsencode(candidate)
        assert len(encoded) <= NAME_MAX
        # Whatever was valid UTF-8 still is: no character cut in two.
        if raw.decode("utf-8", "ignore").encode() == raw:
            encoded.decode("utf-8")
        if with_reason:
            assert len(os.fsencode(reason_file_name(candidate))) <= NAME_MAX
            assert not is_reason_file_name(candidate)
    if len(raw) <= NAME_MAX - 6:
        assert candidates[0] == name  # a short name is kept as it is
    stem = name[:6]
    assert all(c.startswith(stem) for c in candidates)  # recognisable


def test_two_long_names_differing_at_their_end_get_different_names() -> None:
    one, two = b"z" * 250 + b"1.txt", b"z" * 250 + b"2.txt"
    first = next(archive_names(os.fsdecode(one), with_reason=True))
    second = next(archive_names(os.fsdecode(two), with_reason=True))
    assert first != second


def test_a_rejected_copy_never_looks_like_a_reason_file() -> None:
    assert next(archive_names("patient.error.txt", with_reason=True)) == "patient.error_2.txt"
    assert next(archive_names("patient.error.txt")) == "patient.error.txt"


def test_the_watcher_takes_bytes_names_as_the_scan_does() -> None:
    assert _as_path(b"/inbox/" + LATIN1) == Path("/inbox") / os.fsdecode(LATIN1)


# ---------------------------------------------------------------------- through the inbox


def test_a_name_that_is_not_utf8_is_admitted_logged_and_archived(
    processor: InboxProcessor, inbox: Path
) -> None:
    drop_raw(inbox, LATIN1, entry("LATIN"))
    [item] = processor.run_pass().results
    assert item.outcome is Outcome.ACCEPTED
    assert raw_names(inbox / "processed" / DAY) == [LATIN1]
    [patient] = patients(processor.services.store)
    assert patient.last_name == "LATIN"
    [(name, outcome, _pk, _message)] = log_rows(processor.services.store)
    assert (name, outcome) == ("entr\\xe9e.txt", "accepted")
    assert "entr\\xe9e.txt" in item.line()
    item.line().encode("utf-8")
    assert processor.run_pass().results == ()


def test_a_name_that_is_not_utf8_is_rejected_with_its_reason_file(
    processor: InboxProcessor, inbox: Path
) -> None:
    drop_raw(inbox, LATIN1, b"pas un fichier d'entree")
    drop(inbox, "suivant.txt", entry("SUIVANT"))
    results = processor.run_pass().results
    assert [r.outcome for r in results] == [Outcome.REJECTED, Outcome.ACCEPTED]
    assert raw_names(inbox / "rejected") == [b".entr\xe9e.json", b"entr\xe9e.error.txt", LATIN1]
    reason = (inbox / "rejected" / os.fsdecode(b"entr\xe9e.error.txt")).read_text("utf-8-sig")
    assert "Fichier d'entrée rejeté : entr\\xe9e.txt" in reason
    assert "Ligne 1 illisible" in reason
    rows = log_rows(processor.services.store)
    assert [(r[0], r[1]) for r in rows] == [
        ("entr\\xe9e.txt", "rejected"),
        ("suivant.txt", "accepted"),
    ]


def test_a_255_byte_name_rejected_gets_a_reason_file_that_fits(
    processor: InboxProcessor, inbox: Path
) -> None:
    drop_raw(inbox, LONGEST, b"")
    [item] = processor.run_pass().results
    assert item.outcome is Outcome.REJECTED and item.archived_as is not None
    names = raw_names(inbox / "rejected")  # the copy, its reason file and its reason's data
    assert len(names) == 3 and all(len(n) <= NAME_MAX for n in names)
    copy = item.archived_as
    assert copy.name.startswith("x" * 200) and copy.read_bytes() == b""
    reason = copy.with_name(reason_file_name(copy.name))
    assert "Fichier d'entrée rejeté : " + "x" * 251 + ".txt" in reason.read_text("utf-8-sig")
    assert top_level_files(inbox) == [] and work_files(inbox) == []


def test_the_board_lists_odd_rejected_names_with_their_reason(
    sqlite_processor_for: InboxProcessor, inbox: Path
) -> None:
    from ui.inbox import list_rejected

    drop_raw(inbox, LATIN1, b"")
    drop_raw(inbox, LONGEST, b"")
    sqlite_processor_for.run_pass()
    listed = list_rejected(inbox / "rejected")
    assert sorted(f.name[:13] for f in listed) == ["entr\\xe9e.txt", "xxxxxxxxxxxxx"]
    assert all("vide" in f.reason or "Entree" in f.reason for f in listed), listed


@pytest.mark.parametrize(
    "raw",
    [LONGEST, "é".encode() * 125 + b".txt", b"\xe9" * 251 + b".txt"],
    ids=["ascii", "two-byte", "not-utf8"],
)
def test_a_name_at_the_limit_sent_twice_the_same_day_is_archived_twice(
    processor: InboxProcessor, inbox: Path, raw: bytes
) -> None:
    drop_raw(inbox, raw, entry("PREMIER"))
    [first] = processor.run_pass().results
    drop_raw(inbox, raw, entry("SECOND"))
    [second] = processor.run_pass().results
    assert (first.outcome, second.outcome) == (Outcome.ACCEPTED, Outcome.ACCEPTED)
    assert first.archived_as != second.archived_as
    names = raw_names(inbox / "processed" / DAY)
    assert len(names) == 2 and raw in names and all(len(n) <= NAME_MAX for n in names)
    assert [p.last_name for p in patients(processor.services.store)] == ["PREMIER", "SECOND"]
    assert [r[1] for r in log_rows(processor.services.store)] == ["accepted", "accepted"]
    for copy, who in ((first.archived_as, b"PREMIER"), (second.archived_as, b"SECOND")):
        assert copy is not None and who in copy.read_bytes()


def test_a_long_name_rejected_twice_keeps_both_copies_and_reasons(
    processor: InboxProcessor, inbox: Path
) -> None:
    raw = "é".encode() * 123 + b"xx.txt"  # 254 bytes: no room for .error.txt
    for _ in range(3):
        drop_raw(inbox, raw, b"")
        [item] = processor.run_pass().results
        assert item.outcome is Outcome.REJECTED
    names = raw_names(inbox / "rejected")
    assert len(names) == 9 and all(len(n) <= NAME_MAX for n in names)
    for n in names:
        n.decode("utf-8")  # never a character cut in two
    copies = [n for n in names if n.endswith(b".txt") and not n.endswith(b".error.txt")]
    assert len(copies) == 3
    for copy in copies:
        reason = os.fsdecode(copy)[:-4] + ".error.txt"
        assert os.fsencode(reason) in names
    listed = list_rejected(inbox / "rejected")
    assert sorted(os.fsencode(f.path.name) for f in listed) == sorted(copies)
    assert all(f.reason.startswith("Section [Entree] absente") for f in listed)


# ---------------------------------------------------------------------- kills


@pytest.mark.parametrize(
    ("data", "outcome", "folder"),
    [
        (entry("TUE"), Outcome.ALREADY, f"processed/{DAY}"),
        (b"n'importe quoi\r\n", Outcome.REJECTED, "rejected"),
    ],
    ids=["accepted", "rejected"],
)
def test_a_kill_before_the_file_leaves_the_working_folder_leaves_no_empty_file(
    services: BoardServices,
    inbox: Path,
    monkeypatch: pytest.MonkeyPatch,
    data: bytes,
    outcome: Outcome,
    folder: str,
) -> None:
    drop_raw(inbox, LONGEST, data)
    victim = crashed_processor(services, inbox)
    work = os.fsencode(victim.work_dir)

    def killed_if_leaving_work(real: Callable[..., None]) -> Callable[..., None]:
        def call(source: object, *args: object, **kwargs: object) -> None:
            if os.fsencode(os.fspath(source)).startswith(work):  # type: ignore[arg-type]
                raise Crash  # the archive name is chosen; the file is still ours
            real(source, *args, **kwargs)

        return call

    with monkeypatch.context() as patch:
        for name in ("replace", "rename", "unlink", "remove"):
            patch.setattr(os, name, killed_if_leaving_work(getattr(os, name)))
        with pytest.raises(Crash):
            victim.run_pass()
    die(victim)
    assert empty_files(inbox) == []
    with make_processor(services, inbox) as survivor:
        [item] = survivor.run_pass().results
    assert item.outcome is outcome
    names = raw_names(inbox / folder)
    copies = [n for n in names if n.endswith(b".txt") and not n.endswith(b".error.txt")]
    assert len(copies) == 1  # archived once, under a name that fits
    assert (inbox / folder / os.fsdecode(copies[0])).read_bytes() == data
    if outcome is Outcome.REJECTED:
        reason = reason_file_name(os.fsdecode(copies[0]))
        assert (inbox / folder / reason).stat().st_size > 0
        assert len(names) == 3  # and its reason as data
    assert empty_files(inbox) == []
    assert work_files(inbox) == []
    assert len(patients(services.store)) == (1 if outcome is Outcome.ALREADY else 0)
    assert len(log_rows(services.store)) == 1


_KILLED_CHILD = """
import os, signal, sys
from pathlib import Path
from synoptic.ingest import archive
from synoptic.ingest.inbox import InboxProcessor
from synoptic.services import BoardServices
from synoptic.store.db import open_store

def die(_source):  # the copy is linked, the file not yet out of the working folder
    os.kill(os.getpid(), signal.SIGKILL)

archive._remove_source = die
store = open_store(sys.argv[1])
with InboxProcessor(BoardServices(store, "tue"), Path(sys.argv[2]), "ATT",
                    stability_delay_s=0) as processor:
    processor.run_pass()
"""


def test_a_process_really_killed_while_archiving_leaves_one_whole_copy(
    sqlite_url: str, inbox: Path
) -> None:
    make_seeded_store(sqlite_url).dispose()
    drop_raw(inbox, LATIN1, entry("SIGKILL"))
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_CHILD, sqlite_url, str(inbox)],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    day = datetime.now().strftime("%Y-%m-%d")
    assert raw_names(inbox / "processed" / day) == [LATIN1]
    assert work_files(inbox) == [os.fsdecode(LATIN1)] and empty_files(inbox) == []
    store = make_seeded_store(sqlite_url)
    try:
        services = BoardServices(store, "survivant")
        with make_processor(services, inbox, now=datetime.now) as survivor:
            [item] = survivor.run_pass().results
        assert item.outcome is Outcome.ALREADY
        assert raw_names(inbox / "processed" / day) == [LATIN1]  # still one copy
        assert work_files(inbox) == [] and empty_files(inbox) == []
        assert [p.last_name for p in patients(store)] == ["SIGKILL"]
    finally:
        store.dispose()


def test_a_kill_before_the_reason_file_is_written_leaves_it_written_on_restart(
    services: BoardServices, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop_raw(inbox, LATIN1, b"[Entree]\r\n")
    victim = crashed_processor(services, inbox)

    def killed(*_args: object, **_kwargs: object) -> bool:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(archive_module, "_write_reason", killed)
        with pytest.raises(Crash):
            victim.run_pass()
    die(victim)
    assert empty_files(inbox) == []
    with make_processor(services, inbox) as survivor:
        [item] = survivor.run_pass().results
    assert item.outcome is Outcome.REJECTED
    assert raw_names(inbox / "rejected") == [b".entr\xe9e.json", b"entr\xe9e.error.txt", LATIN1]
    reason = (inbox / "rejected" / os.fsdecode(b"entr\xe9e.error.txt")).read_text("utf-8-sig")
    assert "Nom_Patient" in reason
    assert empty_files(inbox) == [] and work_files(inbox) == []
    assert len(log_rows(services.store)) == 1


def test_without_hard_links_files_are_still_archived_under_free_names(
    sqlite_processor_for: InboxProcessor, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(archive_module.os, "link", refused)
    for _ in range(2):
        drop_raw(inbox, LONGEST, b"")
        [item] = sqlite_processor_for.run_pass().results
        assert item.outcome is Outcome.REJECTED
    assert len(raw_names(inbox / "rejected")) == 6  # two copies, reason files and data
    assert work_files(inbox) == []


# ---------------------------------------------------------------------- the pass goes on


def test_a_file_nothing_can_handle_is_set_aside_and_the_next_files_go_through(
    sqlite_processor_for: InboxProcessor, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = archive_module.archive_names

    def broken(name: str, *, with_reason: bool = False) -> Iterator[str]:
        if "piege" in name:
            raise ValueError("nom impossible")
        return real(name, with_reason=with_reason)

    monkeypatch.setattr(archive_module, "archive_names", broken)
    drop(inbox, "a-piege.txt", entry("PIEGE"))
    drop(inbox, "b-suivant.txt", entry("SUIVANT"))
    os.utime(inbox / "a-piege.txt", (1, 1))  # oldest: taken first
    results = sqlite_processor_for.run_pass().results
    assert [r.outcome for r in results] == [Outcome.REJECTED, Outcome.ACCEPTED]
    aside = inbox / "rejected" / fallback_name("a-piege.txt")
    assert results[0].archived_as == aside and b"PIEGE" in aside.read_bytes()
    reason = aside.with_name(reason_file_name(aside.name)).read_text("utf-8-sig")
    assert "mis de côté : a-piege.txt" in reason and "nom impossible" in reason
    assert work_files(inbox) == [] and top_level_files(inbox) == []
    assert sqlite_processor_for.run_pass().results == ()  # handled once


def test_a_pass_never_raises_even_when_a_file_cannot_be_moved_at_all(
    sqlite_processor_for: InboxProcessor, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = archive_module.archive_file

    def broken(source: Path, folder: Path, name: str, reason: str | None = None) -> Path:
        if "piege" in source.name:
            raise OSError(errno.EIO, "Input/output error")
        return real(source, folder, name, reason)

    monkeypatch.setattr("synoptic.ingest.filing.archive_file", broken)
    drop(inbox, "a-piege.txt", entry("PIEGE"))
    drop(inbox, "b-suivant.txt", entry("SUIVANT"))
    os.utime(inbox / "a-piege.txt", (1, 1))
    results = sqlite_processor_for.run_pass().results
    # Admitted (committed) before its move failed: accepted, never "rejected".
    assert [(r.name, r.outcome) for r in results] == [
        ("a-piege.txt", Outcome.ACCEPTED),
        ("b-suivant.txt", Outcome.ACCEPTED),
    ]
    assert results[0].archived_as is None
    assert work_files(inbox) == ["a-piege.txt"]  # kept, its move tried again later
    assert sqlite_processor_for.run_pass().results == ()  # not at every pass


# ---------------------------------------------------------------------- helpers


@pytest.fixture
def sqlite_processor_for(sqlite_store: object, inbox: Path) -> Iterator[InboxProcessor]:
    with make_processor(BoardServices(sqlite_store, "test"), inbox) as p:  # type: ignore[arg-type]
        yield p


def drop(folder: Path, name: str, data: bytes) -> None:
    (folder / name).write_bytes(data)


def top_level_files(inbox: Path) -> list[str]:
    return sorted(p.name for p in inbox.iterdir() if p.is_file())


def work_files(inbox: Path) -> list[str]:
    return sorted(
        p.name for p in (inbox / WORK_DIR).rglob("*") if p.is_file() and p.name != ".lock"
    )
