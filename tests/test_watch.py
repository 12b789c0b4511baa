"""``synoptux ingest`` and ``synoptux watch`` as real processes: races, kills, signals.

Each test runs on SQLite and, when available, on MariaDB. Waits are deadline loops that
poll the database or the folder; nothing asserts after a bare sleep.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import make_seeded_store
from sqlalchemy import func, select

from synoptic.feed import ChangeFeed
from synoptic.store.db import Store
from synoptic.store.feed_schema import feed_tables


def write_ini(folder: Path, url: str, rescan_s: float = 1.0) -> Path:
    ini = folder / "synoptux.ini"
    ini.write_text(
        "[Connexion]\n"
        f"URL={url}\n"
        "[Interface]\n"
        f"Dossier_Entrees={folder / 'inbox'}\n"
        "Code_Box_Par_Defaut=ATT\n"
        "[Timer]\n"
        f"Periodicite_controle_des_entrees={rescan_s}\n",
        encoding="utf-8",
    )
    return ini


def entry_bytes(n: int) -> bytes:
    return (
        f"[Entree]\r\nNom_Patient=PATIENT{n:04d}\r\nGUID_Patient=guid-{n:04d}\r\n"
        f"Code_Responsable=MARTIN\r\n[Tache_1]\r\nCode_Tache=ECG\r\n"
    ).encode()


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"délai dépassé : {what}")
        time.sleep(0.05)


class Env:
    """A test installation: ini, inbox, seeded database, and the processes started."""

    def __init__(self, folder: Path, url: str) -> None:
        self.folder = folder
        self.url = url
        self.inbox = folder / "inbox"
        self.inbox.mkdir()
        self.state = folder / "state"
        self.store: Store = make_seeded_store(url)
        self.procs: list[subprocess.Popen[bytes]] = []

    def ini(self, rescan_s: float = 1.0) -> Path:
        return write_ini(self.folder, self.url, rescan_s)

    def environ(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "XDG_STATE_HOME": str(self.state),
                "XDG_DATA_HOME": str(self.folder / "d"),
                "XDG_CONFIG_HOME": str(self.folder / "c"),
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def start(self, *args: str, rescan_s: float = 1.0, name: str = "p") -> subprocess.Popen[bytes]:
        out = open(self.folder / f"{name}.out", "wb")  # noqa: SIM115 - closed with the process
        err = open(self.folder / f"{name}.err", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "ui.main", "--config", str(self.ini(rescan_s)), *args],
            stdout=out,
            stderr=err,
            env=self.environ(),
            cwd=self.folder,
        )
        out.close()
        err.close()
        self.procs.append(proc)
        return proc

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ui.main", "--config", str(self.ini()), *args],
            capture_output=True,
            check=False,
            text=True,
            env=self.environ(),
            cwd=self.folder,
            timeout=timeout,
        )

    def output(self, name: str, stream: str = "err") -> str:
        return (self.folder / f"{name}.{stream}").read_text(encoding="utf-8", errors="replace")

    def patients_by_guid(self) -> dict[str, int]:
        m = self.store.models
        with self.store.read() as session:
            rows = session.execute(
                select(m.Patient.guid, func.count()).group_by(m.Patient.guid)
            ).all()
        return {str(guid): int(count) for guid, count in rows}

    def patient_count(self) -> int:
        m = self.store.models
        with self.store.read() as session:
            return int(session.scalar(select(func.count()).select_from(m.Patient)) or 0)

    def log_outcomes(self) -> dict[str, int]:
        t = feed_tables("synopt_").ingest_log
        with self.store.read() as session:
            rows = session.execute(
                select(t.c.IL_Outcome, func.count()).group_by(t.c.IL_Outcome)
            ).all()
        return {str(outcome): int(count) for outcome, count in rows}

    def processed(self) -> list[Path]:
        return sorted((self.inbox / "processed").rglob("*.txt"))

    def inbox_files(self) -> list[str]:
        return sorted(p.name for p in self.inbox.iterdir() if p.is_file())

    def work_files(self) -> list[Path]:
        """Entry files in working folders (the live processes' lock files aside)."""
        return [p for p in (self.inbox / ".work").rglob("*") if p.is_file() and p.name != ".lock"]

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        self.store.dispose()


@pytest.fixture
def env(tmp_path: Path, db_url: str) -> Iterator[Env]:
    e = Env(tmp_path, db_url)
    yield e
    e.close()


@pytest.fixture
def sqlite_env(tmp_path: Path, sqlite_url: str) -> Iterator[Env]:
    e = Env(tmp_path, sqlite_url)
    yield e
    e.close()


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    proc.send_signal(sig)
    return proc.wait(30)


# ---------------------------------------------------------------------- ingest


def test_ingest_prints_one_line_per_file_and_fails_on_a_rejection(env: Env) -> None:
    (env.inbox / "bon.txt").write_bytes(entry_bytes(1))
    (env.inbox / "mauvais.txt").write_bytes(b"[Entree]\r\nPrenom_Patient=Sans nom\r\n")
    done = env.run("ingest")
    lines = done.stdout.splitlines()
    assert done.returncode == 1, done.stderr
    assert sorted(line.split()[0] for line in lines) == ["ACCEPTÉ", "REJETÉ"]
    assert any("mauvais.txt" in line and "Nom_Patient" in line for line in lines)
    assert (env.inbox / "rejected" / "mauvais.error.txt").exists()

    given = env.folder / "donne.txt"
    given.write_bytes(entry_bytes(2))
    done = env.run("ingest", str(given))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("ACCEPTÉ  donne.txt")
    assert env.patients_by_guid() == {"guid-0001": 1, "guid-0002": 1}

    done = env.run("ingest", str(env.folder / "absent.txt"), str(env.folder))
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"INTROUVABLE {env.folder / 'absent.txt'} : aucun fichier à ce chemin",
        (f"INTROUVABLE {env.folder} : c'est un dossier (sans FICHIER, ingest traite le "
         "dossier des entrées)"),
    ]


def test_ingest_asks_for_init_db_on_a_database_without_the_feed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'vide.sqlite'}"
    ini = write_ini(tmp_path, url)
    done = subprocess.run(
        [sys.executable, "-m", "ui.main", "--config", str(ini), "ingest"],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "synoptux init-db" in done.stderr


def test_an_ingester_killed_mid_batch_loses_and_doubles_nothing(env: Env) -> None:
    total = 300
    for n in range(total):
        (env.inbox / f"entree_{n:04d}.txt").write_bytes(entry_bytes(n))
    first = env.start("ingest", "--stability-delay", "0", name="first")
    wait_for(
        lambda: env.patient_count() >= 40 or first.poll() is not None,
        120,
        "40 fichiers intégrés avant l'arrêt brutal",
    )
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    assert env.patient_count() < total, "the batch ended before the kill: nothing was tested"

    again = env.run("ingest", "--stability-delay", "0")
    assert again.returncode == 0, again.stdout + again.stderr
    by_guid = env.patients_by_guid()
    assert len(by_guid) == total and set(by_guid.values()) == {1}
    assert len(env.processed()) == total
    assert env.inbox_files() == [] and env.work_files() == []
    assert env.log_outcomes() == {"accepted": total}


# ---------------------------------------------------------------------- watch


def test_two_watchers_on_one_inbox_ingest_each_file_exactly_once(env: Env) -> None:
    watchers = [env.start("watch", "--stability-delay", "0.2", name=f"w{i}") for i in (1, 2)]
    wait_for(
        lambda: all("Surveillance de" in env.output(f"w{i}") for i in (1, 2)),
        60,
        "démarrage des deux surveillances",
    )
    total = 200
    for n in range(total):
        (env.inbox / f"entree_{n:04d}.txt").write_bytes(entry_bytes(n))
    wait_for(lambda: len(env.processed()) == total, 120, "200 fichiers archivés")
    by_guid = env.patients_by_guid()
    assert len(by_guid) == total and set(by_guid.values()) == {1}
    assert env.log_outcomes() == {"accepted": total}
    assert env.inbox_files() == [] and env.work_files() == []
    assert not (env.inbox / "rejected").exists() or not any((env.inbox / "rejected").iterdir())
    assert [stop(w) for w in watchers] == [0, 0]
    shares = [env.output(f"w{i}").count("ACCEPTÉ") for i in (1, 2)]
    assert sum(shares) == total
    assert min(shares) > 0, f"one watcher did everything {shares}: the race was not exercised"


def test_watch_takes_a_new_file_at_once_and_stops_on_sigint(sqlite_env: Env) -> None:
    env = sqlite_env
    # A rescan every hour: after the pass at start, only the file-system event can take
    # the file while the test runs.
    watcher = env.start("watch", rescan_s=3600, name="w")
    wait_for(lambda: "Surveillance de" in env.output("w"), 60, "démarrage de la surveillance")
    feed = ChangeFeed(env.store)
    revision = feed.changes_since(0).revision
    tmp = env.inbox / ".en-ecriture"
    tmp.write_bytes(entry_bytes(7))
    os.replace(tmp, env.inbox / "entree.txt")  # written elsewhere, moved in: complete
    seen: set[int] = set()

    def visible() -> bool:
        nonlocal revision
        result = feed.changes_since(revision)
        revision = result.revision
        seen.update(result.patient_pks)
        return bool(seen)

    wait_for(visible, 10, "patient visible dans le flux des changements")
    assert stop(watcher, signal.SIGINT) == 0
    assert "Signal SIGINT reçu" in env.output("w")
    log_file = env.state / "synoptux" / "log" / "synoptux.log"
    assert "ACCEPTÉ  entree.txt" in log_file.read_text(encoding="utf-8")


def test_watch_processes_leftovers_at_start_and_stops_on_sigterm(sqlite_env: Env) -> None:
    env = sqlite_env
    for n in range(5):
        (env.inbox / f"avant_{n}.txt").write_bytes(entry_bytes(n))
    watcher = env.start("watch", rescan_s=60, name="w")
    wait_for(lambda: len(env.processed()) == 5, 60, "fichiers présents au démarrage")
    assert stop(watcher, signal.SIGTERM) == 0
    assert "synoptux watch arrêté" in env.output("w")
    assert env.work_files() == [] and not any((env.inbox / ".work").iterdir())


def test_watch_purges_exits_on_its_timer(sqlite_env: Env) -> None:
    env = sqlite_env
    from datetime import datetime, timedelta

    from synoptic.services import BoardServices

    services = BoardServices(env.store, "test")
    old = datetime.now().replace(microsecond=0) - timedelta(days=3)
    pk = services.admit(box_code="ATT", last_name="PARTI", now=old).patient_pk
    services.move(pk, "SORT", now=old, destination="Retour domicile")
    watcher = env.start("watch", "--purge-interval", "0.5", rescan_s=60, name="w")
    wait_for(lambda: env.patient_count() == 0, 60, "purge des sorties")
    assert stop(watcher) == 0


# ---------------------------------------------------------------------- a database not ready


def start_watch(folder: Path, url: str, name: str = "w") -> subprocess.Popen[bytes]:
    ini = write_ini(folder, url, rescan_s=0.2)
    environ = dict(os.environ, XDG_STATE_HOME=str(folder / "state"), PYTHONUNBUFFERED="1")
    with open(folder / f"{name}.out", "wb") as out, open(folder / f"{name}.err", "wb") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "ui.main", "--config", str(ini), "watch"],
            stdout=out,
            stderr=err,
            env=environ,
            cwd=folder,
        )


def read(folder: Path, name: str = "w") -> str:
    return (folder / f"{name}.err").read_text(encoding="utf-8", errors="replace")


def test_watch_waits_for_a_database_unreachable_at_start(tmp_path: Path) -> None:
    """With systemd's Restart=always an exit at start would crash-loop: watch waits."""
    db = tmp_path / "pas-encore" / "base.sqlite"  # its folder does not exist yet
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "attend.txt").write_bytes(entry_bytes(1))
    watcher = start_watch(tmp_path, f"sqlite:///{db}")
    try:
        wait_for(lambda: "Base de données indisponible" in read(tmp_path), 60, "attente")
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:  # several attempts, still running
            assert watcher.poll() is None, read(tmp_path)
            time.sleep(0.1)
        assert "fichier impossible à ouvrir" in read(tmp_path)  # in French, then the detail
        db.parent.mkdir()
        store = make_seeded_store(f"sqlite:///{db}")
        try:
            wait_for(
                lambda: list((tmp_path / "inbox" / "processed").rglob("attend.txt")),
                60,
                "fichier intégré une fois la base prête",
            )
        finally:
            store.dispose()
        assert stop(watcher) == 0
        log = read(tmp_path)
        assert log.count("Base de données indisponible") == 1, log
        assert log.count("Base de données de nouveau disponible") == 1, log
        assert "Traceback" not in log
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait(10)


def set_schema_version(store: Store, version: int) -> None:
    table = store.models.SchemaVersion.__table__  # type: ignore[attr-defined]
    with store.engine.begin() as conn:
        conn.execute(table.delete())
        conn.execute(table.insert().values(SV_Version=version))


def test_ingest_and_watch_refuse_a_schema_older_than_the_program(env: Env) -> None:
    set_schema_version(env.store, 1)
    (env.inbox / "v1.txt").write_bytes(entry_bytes(1))
    done = env.run("ingest")
    assert done.returncode == 1 and "lancez « synoptux init-db »" in done.stderr, done.stderr
    assert env.inbox_files() == ["v1.txt"] and env.patient_count() == 0
    watcher = env.start("watch", rescan_s=0.2, name="w")
    wait_for(lambda: "Installation à corriger" in env.output("w"), 60, "schéma ancien signalé")
    time.sleep(1.0)  # several attempts: still waiting, one line
    assert watcher.poll() is None and env.patient_count() == 0
    assert env.output("w").count("init-db") == 1, env.output("w")
    from synoptic.store.db import SCHEMA_VERSION

    set_schema_version(env.store, SCHEMA_VERSION)  # what init-db records
    wait_for(lambda: env.patient_count() == 1, 60, "fichier intégré après init-db")
    assert stop(watcher) == 0
    assert "Installation corrigée" in env.output("w")
