"""Values quoted in messages (short, escaped) and messages fitted to a column."""

from __future__ import annotations

import pytest

from synoptic.messages import cut_warning, escape_controls, fit_utf8, quote_value


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("Dupont", "Dupont"),
        ("l'été à Noël", "l'été à Noël"),
        ("a\nb\r\tc", "a\\nb\\r\\tc"),
        ("\x1b[31mrouge\x1b[0m", "\\x1b[31mrouge\\x1b[0m"),
        ("\x00\x7f\x9b", "\\x00\\x7f\\x9b"),
        ("droite\u202egauche", "droite\\u202egauche"),
        ("C:\\Program Files\\drtux", "C:\\Program Files\\drtux"),
    ],
)
def test_escape_controls(value: str, shown: str) -> None:
    assert escape_controls(value) == shown


def test_quote_value_shortens_before_escaping() -> None:
    assert quote_value("x" * 60) == "x" * 60
    assert quote_value("x" * 70_000) == "x" * 60 + "…"
    assert quote_value("\n" * 100, limit=3) == "\\n\\n\\n…"


def test_cut_warning_names_the_key() -> None:
    assert cut_warning("Commentaire", 300, 255) == "Commentaire : 300 caractères, coupé à 255."


def test_fit_utf8_keeps_what_fits_and_marks_the_cut() -> None:
    assert fit_utf8("é" * 10, 20) == "é" * 10
    fitted = fit_utf8("é" * 40_000, 65_535)  # 80,000 bytes
    encoded = fitted.encode("utf-8")
    assert len(encoded) <= 65_535 and len(encoded) > 65_000
    assert fitted.startswith("é" * 32_000)
    assert fitted.endswith("… [message coupé : 40000 caractères au total]")
    # a 4-byte character is never split
    odd = fit_utf8("a" + "😀" * 100, 60)
    assert len(odd.encode("utf-8")) <= 60 and "\ufffd" not in odd
