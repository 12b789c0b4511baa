"""Values of an entry file: its bytes decoded to text, and its planned times read.

Pure, like :mod:`synoptic.ingest.parser` which uses it: no I/O, no Qt.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from synoptic.decoding import decode_text
from synoptic.messages import quote_value

__all__ = [
    "EXPECTED_TIME",
    "LEGACY_NONE_DAY",
    "NOT_SET_BEFORE",
    "decode_entry_bytes",
    "is_well_formed_datetime",
    "parse_time",
    "read_time",
]

_UTF8_BOM = b"\xef\xbb\xbf"
_CLOCK = r"(?P<hour>[0-9]{1,2})[hH:](?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?"
_BARE_TIME = re.compile(_CLOCK, re.ASCII)
_ISO_DATETIME = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})(?:[Tt]|\s+)" + _CLOCK, re.ASCII
)
_FR_DATETIME = re.compile(
    r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})\s+" + _CLOCK, re.ASCII
)
EXPECTED_TIME = "attendu HHhMM, HH:MM, AAAA-MM-JJ hh:mm[:ss] ou JJ/MM/AAAA hh:mm"
# A bare time more than this far before the arrival of the file is meant for the next day.
_ROLLOVER = timedelta(hours=12)
# Dates before this mean "not set" in Synoptux 2.16 (it wrote 1000-01-01 01:01 for none).
NOT_SET_BEFORE = datetime(2000, 1, 1)
LEGACY_NONE_DAY = date(1000, 1, 1)


def decode_entry_bytes(data: bytes) -> tuple[str, str]:
    """Decode an entry file (``synoptic.decoding``: UTF-16 with a BOM; UTF-8, BOM stripped,
    if valid; else Windows-1252; never fails): its text and the encoding's name."""
    decoded = decode_text(data)
    return decoded.text, decoded.encoding


def _clock(match: re.Match[str]) -> time:
    second = match["second"]
    return time(int(match["hour"]), int(match["minute"]), int(second) if second else 0)


def read_time(value: str, arrived_at: datetime) -> datetime | None:
    """The moment ``value`` designates, or None when it cannot be read."""
    text = value.strip()
    tzinfo = arrived_at.tzinfo
    try:
        match = _BARE_TIME.fullmatch(text)
        if match is not None:
            clock = _clock(match)
            result = datetime.combine(arrived_at.date(), clock, tzinfo=tzinfo)
            if arrived_at - result > _ROLLOVER:
                try:
                    next_day = arrived_at.date() + timedelta(days=1)
                except OverflowError:  # arrival on 9999-12-31: nowhere to roll to
                    return result
                result = datetime.combine(next_day, clock, tzinfo=tzinfo)
            return result
        for pattern in (_ISO_DATETIME, _FR_DATETIME):
            match = pattern.fullmatch(text)
            if match is not None:
                day = date(int(match["year"]), int(match["month"]), int(match["day"]))
                return datetime.combine(day, _clock(match), tzinfo=tzinfo)
    except ValueError:  # hour 24, minute 60, 30 February, year 0...
        return None
    return None


def parse_time(value: str, arrived_at: datetime) -> datetime:
    """Read a planned time of an entry file.

    ``HHhMM``, ``HH:MM`` (either with ``:ss``) is on the day of ``arrived_at``, or on the next
    day when that would be more than 12 hours before ``arrived_at``. ``AAAA-MM-JJ hh:mm[:ss]``
    (space or ``T``) and ``JJ/MM/AAAA hh:mm[:ss]`` are taken as written. The result carries the
    ``tzinfo`` of ``arrived_at``. Raises ValueError (French message) when unreadable.
    """
    result = read_time(value, arrived_at)
    if result is None:
        raise ValueError(f"Heure illisible « {quote_value(value.strip())} » : {EXPECTED_TIME}")
    return result


def is_well_formed_datetime(value: str) -> bool:
    """A date and time written as expected, whether or not that moment exists."""
    return bool(_ISO_DATETIME.fullmatch(value) or _FR_DATETIME.fullmatch(value))
