"""synoptic.error_text: an error in one line, for messages."""

from __future__ import annotations

from synoptic.error_text import first_line


def test_the_first_line_of_an_error_or_its_type() -> None:
    assert first_line(ValueError("  (2003, \"Can't connect\")\nSQL: SELECT 1\n")) == (
        "(2003, \"Can't connect\")"
    )
    assert first_line(TimeoutError()) == "TimeoutError"
    assert first_line(OSError("   ")) == "OSError"
