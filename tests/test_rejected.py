"""Rejected entry files listed by the core with their reason kept as data (the board shows
them without reading the French text back), and older rejections still listed."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from conftest import NOW
from test_inbox import drop, entry, make_processor
from test_inbox_faults import failing_move

from synoptic.ingest.inbox import ARCHIVE_RETRY_S, InboxProcessor
from synoptic.ingest.rejected import ORPHAN_AFTER_S, list_rejected, reason_data_name
from synoptic.services import BoardServices
from synoptic.store.db import Store

WALL = 2_000_000_000.0


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    return tmp_path / "inbox"


@pytest.fixture
def processor(sqlite_store: Store, inbox: Path) -> Iterator[InboxProcessor]:
    with make_processor(
        BoardServices(sqlite_store, "test"), inbox, wall_clock=lambda: WALL
    ) as p:
        yield p


def test_a_rejected_file_is_listed_with_its_reason_time_and_text(
    processor: InboxProcessor, inbox: Path
) -> None:
    drop(inbox, "sans-nom.txt", b"[Entree]\nPrenom_Patient=Paul\n", mtime=datetime(2026, 11, 21))
    [item] = processor.run_pass().results
    [listed] = list_rejected(inbox / "rejected")
    assert listed.name == "sans-nom.txt" and listed.path == item.archived_as
    assert listed.reason == item.message
    assert listed.reason.startswith("Nom du patient manquant")
    assert listed.rejected_at == NOW
    error = (inbox / "rejected" / "sans-nom.error.txt").read_text(encoding="utf-8-sig")
    assert listed.text == error and "Motif : " + item.message in error


def test_the_reason_is_data_not_read_back_from_the_text(
    processor: InboxProcessor, inbox: Path
) -> None:
    drop(inbox, "vide.txt", b"")
    processor.run_pass()
    error = inbox / "rejected" / "vide.error.txt"
    error.write_text("Texte réécrit à la main, sans motif.\n", encoding="utf-8")
    [listed] = list_rejected(inbox / "rejected")
    assert listed.reason.startswith("Section [Entree] absente")
    assert listed.text == "Texte réécrit à la main, sans motif.\n"


def test_files_rejected_by_an_older_version_are_listed_with_the_reason_of_their_text(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "rejected"
    folder.mkdir()
    (folder / "ancien.txt").write_text("[Entree]\n", encoding="utf-8")
    (folder / "ancien.error.txt").write_text(
        "Fichier d'entrée rejeté : ancien.txt\n\nMotif : Nom du patient manquant\n",
        encoding="utf-8-sig",
    )
    (folder / "sans-explication.txt").write_text("[Entree]\n", encoding="utf-8")
    os.utime(folder / "sans-explication.txt", (1, 1))  # the oldest: listed first
    first, second = list_rejected(folder)
    assert (first.name, first.reason, first.rejected_at, first.text) == (
        "sans-explication.txt", "", None, "")
    assert (second.name, second.reason, second.rejected_at) == (
        "ancien.txt", "Nom du patient manquant", None)


def test_unreadable_reason_data_falls_back_to_the_text(tmp_path: Path) -> None:
    folder = tmp_path / "rejected"
    folder.mkdir()
    (folder / "x.txt").write_text("[Entree]\n", encoding="utf-8")
    (folder / "x.error.txt").write_text("Motif : du texte\n", encoding="utf-8")
    (folder / reason_data_name("x.txt")).write_text("{pas du json", encoding="utf-8")
    [listed] = list_rejected(folder)
    assert listed.reason == "du texte"


def test_a_file_set_aside_is_listed_with_its_reason(
    processor: InboxProcessor, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("bogue")

    monkeypatch.setattr(processor.admitter, "admit", broken)
    monkeypatch.setattr(processor.filing, "reject", broken)
    drop(inbox, "piege.txt", entry("PIEGE"))
    [item] = processor.run_pass().results
    [listed] = list_rejected(inbox / "rejected")
    assert listed.reason == item.message
    assert listed.reason.startswith("Erreur interne du programme : bogue")


def test_reasons_of_files_gone_are_removed_once_old(
    processor: InboxProcessor, inbox: Path
) -> None:
    for name in ("parti.txt", "reste.txt"):
        drop(inbox, name, b"")
    processor.run_pass()
    rejected = inbox / "rejected"
    (rejected / "parti.txt").unlink()  # staff deleted it (its .error.txt may stay)
    data = [rejected / reason_data_name(n) for n in ("parti.txt", "reste.txt")]
    for path in data:
        os.utime(path, (WALL - ORPHAN_AFTER_S + 10,) * 2)
    processor.purge_processed()
    assert [p.exists() for p in data] == [True, True]  # too recent
    for path in data:
        os.utime(path, (WALL - ORPHAN_AFTER_S - 10,) * 2)
    processor.purge_processed()
    assert [p.exists() for p in data] == [False, True]


def test_a_rejection_archived_later_gets_its_reason_as_data_too(
    sqlite_store: Store, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    calls = failing_move(monkeypatch, "rejected", errno.EIO)
    with make_processor(
        BoardServices(sqlite_store, "test"), inbox, monotonic=lambda: clock[0]
    ) as processor:
        drop(inbox, "faux.txt", b"[Entree]\nPrenom_Patient=Sans nom\n")
        [first] = processor.run_pass().results
        assert first.archived_as is None and calls
        monkeypatch.undo()
        clock[0] += ARCHIVE_RETRY_S + 1
        [done] = processor.run_pass().results  # archived as its log row says
    [listed] = list_rejected(inbox / "rejected")
    assert listed.path == done.archived_as
    assert listed.reason == first.message and listed.rejected_at == NOW
    (inbox / "rejected" / "faux.error.txt").write_text("réécrit\n", encoding="utf-8")
    [again] = list_rejected(inbox / "rejected")
    assert again.reason == first.message  # kept as data, not read from the text
