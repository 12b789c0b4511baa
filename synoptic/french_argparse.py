"""argparse in French: its usage line, help and error sentences (it has no French catalogue)."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from synoptic.command_context import EXIT_USAGE

__all__ = ["FrenchParser", "french_argparse_message"]

# argparse's own English sentences, in French.
_ARGPARSE_FRENCH = (
    (re.compile(r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)"),
     r"commande inconnue « \2 » ; commandes possibles : \3"),
    (re.compile(r"argument (\S+): invalid (\w+) value: '([^']*)'"),
     r"valeur « \3 » invalide pour \1"),
    (re.compile(r"the following arguments are required: (.*)"),
     r"argument(s) obligatoire(s) manquant(s) : \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"argument(s) non reconnu(s) : \1"),
    (re.compile(r"argument (\S+): expected one argument"), r"l'option \1 attend une valeur"),
)


def french_argparse_message(message: str) -> str:
    for pattern, replacement in _ARGPARSE_FRENCH:
        if pattern.fullmatch(message):
            return pattern.sub(replacement, message)
    return message


class _FrenchHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class FrenchParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks French and exits 2 (EXIT_USAGE) on a usage error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _FrenchHelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._optionals.title = "options"
        self._positionals.title = "arguments"
        self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")

    def error(self, message: str) -> Any:  # argparse exits 2 on usage errors, as we want
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"synoptux : erreur : {french_argparse_message(message)}\n")
