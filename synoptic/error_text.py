"""An error in one line, for messages: its text's first line, else its type's name."""

from __future__ import annotations

__all__ = ["first_line"]


def first_line(err: BaseException) -> str:
    """``str(err)``'s first line (surrounding blanks dropped), or the error's type name
    when it says nothing (``TimeoutError()``)."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
