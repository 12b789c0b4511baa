"""The allow-list of programs compares the files paths really designate (issue 7): symbolic
links and ".." resolved, an existing executable file required.  Pure: no Qt, no process."""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from synoptic.launch_policy import LaunchPolicy, LaunchRefused, note_file_refusal

NOT_ALLOWED = "n'est pas dans la liste des programmes autorisés"


def program(path: Path, mode: int = 0o755) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(mode)
    return path


def system_program() -> Path:
    """A program of ``/usr/bin`` that is not on the allow-lists of these tests."""
    for name in ("true", "env", "ls"):
        path = Path("/usr/bin") / name
        if path.is_file() and os.access(path, os.X_OK):
            return path
    pytest.skip("no program in /usr/bin")


def test_dot_dot_through_a_symbolic_link_is_compared_on_the_real_file(tmp_path: Path) -> None:
    """``lnk/../../../usr/bin/X`` reads as a listed program; through ``lnk`` -> ``/`` the
    system starts ``/usr/bin/X``.  Refused: the real file is not on the list."""
    target = system_program()
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (deep / "lnk").symlink_to("/")
    crafted = f"{deep}/lnk/../../../usr/bin/{target.name}"
    listed = program(tmp_path / "a" / "usr" / "bin" / target.name)
    assert os.path.normpath(crafted) == str(listed)  # what a comparison of text saw
    assert os.path.realpath(crafted) == os.path.realpath(target)  # what the system starts
    policy = LaunchPolicy([str(listed)])
    assert not policy.is_allowed(crafted)
    with pytest.raises(LaunchRefused) as refused:
        policy.check(crafted)
    assert NOT_ALLOWED in refused.value.message
    assert f"en réalité « {os.path.realpath(target)} »" in refused.value.message
    assert policy.check(str(listed)) == str(listed)  # the listed file itself still starts


def test_a_symbolic_link_is_allowed_only_when_its_real_file_is(tmp_path: Path) -> None:
    drtux = program(tmp_path / "opt" / "drtux")
    other = program(tmp_path / "opt" / "other")
    to_drtux = tmp_path / "links" / "drtux"
    to_drtux.parent.mkdir()
    to_drtux.symlink_to(drtux)
    (tmp_path / "links" / "other").symlink_to(other)
    policy = LaunchPolicy([str(drtux)])
    # What starts is the listed path, not the entry file's link (which could change).
    assert policy.check(str(to_drtux)) == str(drtux)
    assert not policy.is_allowed(str(tmp_path / "links" / "other"))
    assert not policy.is_allowed(str(tmp_path / "links" / ".." / "opt" / "other"))


def test_a_listed_symbolic_link_allows_its_real_file_and_starts_by_its_own_name(
    tmp_path: Path,
) -> None:
    """``/usr/bin/x-www-browser`` -> firefox: firefox is allowed, started as listed."""
    firefox = program(tmp_path / "lib" / "firefox")
    browser = tmp_path / "bin" / "x-www-browser"
    browser.parent.mkdir()
    browser.symlink_to(firefox)
    policy = LaunchPolicy([str(browser)])
    assert policy.check(str(firefox)) == str(browser)
    assert policy.check(str(browser)) == str(browser)


def test_one_file_under_several_names_starts_under_the_listed_one(tmp_path: Path) -> None:
    """busybox: ``sh`` and ``ls`` are one file; listing ``ls`` never starts a shell."""
    busybox = program(tmp_path / "busybox")
    for name in ("ls", "sh", "cat"):
        (tmp_path / name).symlink_to(busybox)
    policy = LaunchPolicy([str(tmp_path / "ls"), str(tmp_path / "cat")])
    assert policy.check(str(tmp_path / "sh")) == str(tmp_path / "ls")
    assert policy.check(str(tmp_path / "cat")) == str(tmp_path / "cat")


@pytest.mark.parametrize("kind", ["missing", "not executable", "folder", "loop"])
def test_a_listed_path_that_is_no_executable_file_is_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "drtux"
    if kind == "not executable":
        program(path, 0o644)
    elif kind == "folder":
        path.mkdir(mode=0o755)
    elif kind == "loop":
        path.symlink_to(tmp_path / "loop")
        (tmp_path / "loop").symlink_to(path)
    policy = LaunchPolicy([str(path)])
    with pytest.raises(LaunchRefused, match="introuvable ou n'est pas un fichier exécutable"):
        policy.check(str(path))
    assert policy.entries() == []  # an entry that designates nothing matches nothing


def test_bare_names_are_found_on_path_and_compared_as_real_files(tmp_path: Path) -> None:
    firefox = program(tmp_path / "usr" / "bin" / "firefox")
    evince = program(tmp_path / "usr" / "bin" / "evince")
    found = {"firefox": str(firefox), "evince": str(evince)}
    policy = LaunchPolicy(["firefox", str(evince)], which=found.get)
    assert policy.check("firefox") == str(firefox)
    assert policy.check(str(firefox)) == str(firefox)  # what the listed name runs
    assert policy.check("evince") == str(evince)  # a name found where the list says
    assert not policy.is_allowed("sh")  # not found on this PATH
    assert not policy.is_allowed(str(program(tmp_path / "usr" / "local" / "firefox")))


def test_relative_paths_empty_lists_and_empty_names_allow_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drtux = program(tmp_path / "drtux")
    policy = LaunchPolicy(["drtux", str(drtux)], which={"drtux": str(drtux)}.get)
    monkeypatch.chdir(tmp_path)  # "./drtux" exists here: still refused
    with pytest.raises(LaunchRefused, match="n'est pas un chemin absolu"):
        policy.check("./drtux")
    assert not policy.is_allowed("../drtux")
    assert not policy.is_allowed("")
    with pytest.raises(LaunchRefused, match="Aucun programme"):
        policy.check("  ")
    empty = LaunchPolicy([], which=shutil.which)
    assert not empty.is_allowed(str(drtux))
    assert not empty.is_allowed("sh")


def test_an_entry_installed_later_counts(tmp_path: Path) -> None:
    """The list is resolved at each check, not once at start."""
    path = tmp_path / "drtux"
    policy = LaunchPolicy([str(path)])
    assert not policy.is_allowed(str(path))
    program(path)
    assert policy.is_allowed(str(path))


def test_note_file_refusal_rules() -> None:
    assert note_file_refusal(r"C:\Documents\radio.pdf", PureWindowsPath) is None  # on Windows
    assert note_file_refusal("/srv/cr/radio.pdf", PurePosixPath) is None
    assert "commence par « - »" in (note_file_refusal(" -x") or "")
    assert "n'est pas un chemin absolu" in (note_file_refusal("cr/radio.pdf") or "")


@pytest.mark.skipif(os.name == "nt", reason="paths of a POSIX system")
def test_a_windows_path_is_not_absolute_on_linux() -> None:
    """``C:\\x`` on Linux is a file of the board's current folder: refused."""
    assert note_file_refusal("/srv/cr/radio.pdf") is None
    assert "n'est pas un chemin absolu" in (note_file_refusal(r"C:\x") or "")
    assert "n'est pas un chemin absolu" in (note_file_refusal("/srv/x", PureWindowsPath) or "")
