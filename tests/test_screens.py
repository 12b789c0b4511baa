"""Which screen shows the board (synoptic/screens.py): pure, no Qt."""

from __future__ import annotations

import pytest

from synoptic.screens import ScreenChoice, parse_screen_setting, pick_screen

NAMES = ["DP-1", "HDMI-1", "HDMI-2"]


def test_empty_setting_is_the_primary_screen() -> None:
    assert pick_screen(NAMES, 1, "") == ScreenChoice(1)
    assert pick_screen(NAMES, 7, "") == ScreenChoice(0)  # a primary index out of range


def test_a_number_counts_from_one_in_the_system_order() -> None:
    assert pick_screen(NAMES, 0, "1") == ScreenChoice(0)
    assert pick_screen(NAMES, 0, "3") == ScreenChoice(2)


def test_a_name_any_case() -> None:
    assert pick_screen(NAMES, 0, "hdmi-2") == ScreenChoice(2)


@pytest.mark.parametrize("wanted", ["4", "VGA-1"])
def test_a_screen_not_there_falls_back_to_the_primary_with_a_warning(wanted: str) -> None:
    choice = pick_screen(NAMES, 1, wanted)
    assert choice.index == 1
    assert f"Ecran={wanted}" in choice.warning and "1 = DP-1, 2 = HDMI-1, 3 = HDMI-2" in (
        choice.warning
    )
    assert "écran principal utilisé" in choice.warning


def test_parse_screen_setting() -> None:
    assert parse_screen_setting(" 02 ") == "2"
    assert parse_screen_setting("HDMI-1") == "HDMI-1"
    assert parse_screen_setting("0") is None
    assert parse_screen_setting("-1") is None
