"""Reading synoptux.ini's text: a case-insensitive view of its sections and keys.

Unlike Qt 4's QSettings, sections and keys are matched case-insensitively: 2.16 wrote box
positions under ``Positions_fenetres`` and read them from ``Positions_Fenetres``, which lost
them on case-sensitive systems.
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass

from synoptic.config.settings import ConfigError

__all__ = ["POSITIONS_SECTION", "IniFile", "RawValue", "unquote_value"]

POSITIONS_SECTION = "Positions_fenetres"


@dataclass(frozen=True)
class RawValue:
    """One value as written in the file (section and key in the file's own spelling)."""

    section: str
    key: str
    text: str


class IniFile:
    """Case-insensitive view of a parsed ini file."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        parser = configparser.ConfigParser(
            interpolation=None, strict=False, default_section="\x00no default section\x00"
        )
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        normalised = text.replace("\r\n", "\n").replace("\r", "\n")
        try:
            parser.read_string(normalised, source=file)
        except configparser.MissingSectionHeaderError as exc:
            raise ConfigError(
                file, "", "", "", f"un en-tête de section [Nom] avant la ligne {exc.lineno}"
            ) from exc
        except configparser.ParsingError as exc:
            lineno, line = exc.errors[0]
            raise ConfigError(
                file,
                "",
                "",
                "",
                f"des lignes « clé = valeur », « [section] » ou des commentaires "
                f"(ligne {lineno} : {line})",
            ) from exc
        # section (lower case) -> key (lower case) -> value; later spellings override.
        self._values: dict[str, dict[str, RawValue]] = {}
        # positions keep the key's own spelling: box codes are case-sensitive.
        self.positions: list[RawValue] = []
        for section in parser.sections():
            items = parser[section]
            if section.lower() == POSITIONS_SECTION.lower():
                self.positions.extend(RawValue(section, k, v or "") for k, v in items.items())
                continue
            bucket = self._values.setdefault(section.lower(), {})
            for key, value in items.items():
                bucket[key.lower()] = RawValue(section, key, value or "")

    def get(self, sections: tuple[str, ...], key: str) -> RawValue | None:
        """Value of key in the first of sections (aliases) that holds it, unwrapped."""
        for section in sections:
            raw = self._values.get(section.lower(), {}).get(key.lower())
            if raw is not None:
                return RawValue(raw.section, raw.key, unquote_value(raw.text))
        return None

    def fail(self, raw: RawValue, expected: str) -> ConfigError:
        return ConfigError(self.file, raw.section, raw.key, raw.text, expected)


def unquote_value(text: str) -> str:
    # QSettings (2.16) wrote values holding commas or semicolons between double quotes.
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].strip()
    return text
