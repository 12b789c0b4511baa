"""Moving a claimed entry file into ``processed/DAY/`` or ``rejected/``, never overwriting.

The copy gets the first free name of :func:`synoptic.ingest.names.archive_names`. A hard
link (:func:`os.link`) both reserves that name and fills it: it fails when the name exists,
like ``O_EXCL``, and the name appears with the whole file behind it. Then the reason file
is written beside it (rejections) and the file is removed from the working folder. A process
killed between two of these steps leaves no empty file: on restart the file, still in a
working folder, is found already linked in the folder (same inode); its missing reason file
is written and the working copy removed, so the file is archived once.

Where a hard link is refused (FAT, some network shares, or Linux's ``protected_hardlinks``
when the file belongs to the host's user and is not writable by ours), the name is checked
free, then the file renamed onto it: still no empty file, but two processes archiving the
same name in the same instant could meet (the later copy wins), a risk accepted there only.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from synoptic.ingest.names import archive_names, reason_file_name

__all__ = ["archive_file"]

# os.link refused by the file system itself (not by a name already taken).
_NO_HARD_LINKS = {
    errno.EPERM,
    errno.EACCES,
    errno.EXDEV,
    errno.EMLINK,
    errno.ENOSYS,
    errno.EOPNOTSUPP,
    getattr(errno, "ENOTSUP", errno.EOPNOTSUPP),
}

# The claimed entry itself, were it a symbolic link given on the command line.
_NO_FOLLOW = {"follow_symlinks": False} if os.link in os.supports_follow_symlinks else {}


def archive_file(source: Path, folder: Path, name: str, reason: str | None = None) -> Path:
    """Move ``source`` into ``folder`` under a free name derived from ``name``; return it.

    With ``reason``, ``NAME.error.txt`` beside the copy holds that text (UTF-8 with BOM, for
    Windows' Notepad).
    """
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
    target = _linked_copy(source, folder)
    if target is not None:  # killed after the link last time
        if reason is not None:
            _write_reason(folder / reason_file_name(target.name), reason, replace_empty=True)
    else:
        target = _link_under_free_name(source, folder, name, reason)
    _remove_source(source)
    return target


def _link_under_free_name(source: Path, folder: Path, name: str, reason: str | None) -> Path:
    for candidate in archive_names(name, with_reason=reason is not None):
        target = folder / candidate
        reason_path = folder / reason_file_name(candidate)
        if reason is not None and os.path.lexists(reason_path):
            continue  # the reason file of another copy: both names must be free
        try:
            os.link(source, target, **_NO_FOLLOW)
        except FileExistsError:
            continue
        except OSError as err:
            if err.errno not in _NO_HARD_LINKS:
                raise
            if os.path.lexists(target):
                continue
            os.replace(source, target)  # no hard links here: a free name, then a rename
        if reason is not None and not _write_reason(reason_path, reason):
            # Taken meanwhile by another process's copy: this name is not ours after all.
            if source.exists():
                os.unlink(target)
            else:
                os.replace(target, source)
            continue
        return target
    raise OSError(f"aucun nom libre pour {name!a} dans {folder}")


def _linked_copy(source: Path, folder: Path) -> Path | None:
    """The entry of ``folder`` that is ``source`` itself (hard link), if any."""
    st = source.stat()
    if st.st_nlink < 2:
        return None
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.inode() != st.st_ino:
                continue
            with contextlib.suppress(OSError):
                if os.path.samestat(entry.stat(follow_symlinks=False), st):
                    return Path(entry.path)
    return None


def _write_reason(path: Path, text: str, *, replace_empty: bool = False) -> bool:
    """Create ``path`` with ``text``; False when it exists (kept, unless empty and allowed)."""
    data = text.encode("utf-8-sig", "backslashreplace")
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except FileExistsError:
        if not (replace_empty and path.stat().st_size == 0):
            return False
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_BINARY", 0))
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    return True


def _remove_source(source: Path) -> None:
    with contextlib.suppress(FileNotFoundError):  # renamed already (no hard links)
        os.unlink(source)
