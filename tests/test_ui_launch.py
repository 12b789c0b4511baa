"""Programs named by entry files start only from the allow-list, without a shell (facts 12)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ui.launch import Launcher, LaunchRefused


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[list[str], dict[str, object]]] = []

    def __call__(self, argv: list[str], **options: object) -> None:
        self.calls.append((argv, options))


def make(
    allowed: tuple[str, ...], which: dict[str, str] | None = None
) -> tuple[Launcher, Recorder]:
    recorder = Recorder()
    table = which or {}
    return Launcher(allowed, popen=recorder, which=table.get, exists=lambda p: True), recorder


def test_allowed_absolute_program_runs_with_its_argument_list_and_no_shell() -> None:
    launcher, rec = make(("/opt/medintux/drtux",))
    launcher.launch("/opt/medintux/drtux", ["Lucette", "a b; rm -rf /", "$(id)"])
    ((argv, options),) = rec.calls
    assert argv == ["/opt/medintux/drtux", "Lucette", "a b; rm -rf /", "$(id)"]
    assert options["shell"] is False


def test_program_not_on_the_list_is_refused_in_french() -> None:
    launcher, rec = make(("/opt/medintux/drtux",))
    with pytest.raises(LaunchRefused) as err:
        launcher.launch("/bin/sh", ["-c", "echo pwned"])
    assert "n'est pas dans la liste des programmes autorisés" in str(err.value)
    assert rec.calls == []


def test_empty_list_allows_nothing() -> None:
    launcher, _rec = make(())
    assert not launcher.is_allowed("/opt/medintux/drtux")
    assert not launcher.is_allowed("firefox")
    assert not launcher.is_allowed("")


def test_relative_path_with_folders_is_never_allowed() -> None:
    launcher, _rec = make(("drtux", "/opt/drtux/bin/drtux"), {"drtux": "/opt/drtux/bin/drtux"})
    assert not launcher.is_allowed("../../Programmes/drtux/bin/drtux")
    assert not launcher.is_allowed("bin/drtux")


def test_bare_names_resolve_on_path_both_ways() -> None:
    launcher, rec = make(
        ("firefox", "/usr/bin/evince"), {"firefox": "/usr/bin/firefox", "evince": "/usr/bin/evince"}
    )
    assert launcher.resolve("firefox") == "/usr/bin/firefox"
    assert launcher.resolve("/usr/bin/firefox") == "/usr/bin/firefox"  # what the name runs
    assert launcher.resolve("evince") == "/usr/bin/evince"  # resolves to a listed path
    assert launcher.resolve("/usr/local/bin/firefox") is None
    launcher.launch("firefox", ["/tmp/cr.pdf"])
    assert rec.calls[0][0] == ["/usr/bin/firefox", "/tmp/cr.pdf"]


def test_missing_program_is_a_clear_message() -> None:
    launcher = Launcher(("/nowhere/drtux",), popen=Recorder())
    with pytest.raises(LaunchRefused, match="introuvable"):
        launcher.launch("/nowhere/drtux")


def test_a_real_program_is_started(tmp_path: Path) -> None:
    marker = tmp_path / "started"
    launcher = Launcher((sys.executable,))
    started: list[subprocess.Popen[bytes]] = []

    def popen(argv: list[str], **options: object) -> None:
        started.append(subprocess.Popen(argv, **options))  # type: ignore[call-overload]

    launcher._popen = popen  # keep the handle to wait for it
    launcher.launch(sys.executable, ["-c", f"open({str(marker)!r}, 'w').write('ok')"])
    started[0].wait(timeout=30)
    assert marker.read_text() == "ok"
