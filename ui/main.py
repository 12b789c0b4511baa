"""Entry point of the ``synoptux`` command.

It sits on the top floor: it takes the headless sub-commands from ``synoptic.cli`` and
adds the GUI ones (``board``, the default, and ``screenshot``).  PySide6 is imported only
when a GUI sub-command runs, so headless commands start fast on a server without Qt.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from synoptic import cli
from synoptic.command_context import EXIT_OK, EXIT_USAGE
from ui.stats_commands import enable_pdf


def _cmd_board(args: argparse.Namespace) -> int:
    from ui.app import run_board

    return run_board(args)


def _cmd_screenshot(args: argparse.Namespace) -> int:
    from ui.app import run_screenshot

    return run_screenshot(args)


def _cmd_convert_css(args: argparse.Namespace) -> int:
    from pathlib import Path

    from synoptic.decoding import decode_text
    from ui.css import convert, looks_legacy

    source = Path(args.old)
    text = decode_text(source.read_bytes()).text
    if not looks_legacy(text):
        print(f"synoptux : {source} n'a pas les blocs de Synoptux 2.16 (Titre_Box, ...) : "
              "rien à convertir", file=sys.stderr)
        return EXIT_USAGE
    target = Path(args.new)
    if target.exists() and not args.force:
        print(f"synoptux : {target} existe déjà (--force pour le remplacer)", file=sys.stderr)
        return EXIT_USAGE
    target.write_text(convert(text, keep_font_sizes=args.keep_font_sizes, source=source.name),
                      encoding="utf-8")
    print(f"Feuille de style convertie : {target}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser, sub = cli.build_parser()
    p = sub.add_parser("board", help="ouvrir le tableau (commande par défaut)")
    p.add_argument("--user", metavar="NOM",
                   help="utilisateur nommé dans l'historique (sinon le nom de l'écran)")
    p.set_defaults(handler=_cmd_board)
    p = sub.add_parser("screenshot", help="rendre le tableau dans une image PNG (hors écran)")
    p.add_argument("output", metavar="SORTIE.png")
    p.add_argument("--size", default="1920x1080", metavar="LxH", help="taille LxH (défaut 1920x1080)")
    p.add_argument("--demo", action="store_true",
                   help="base temporaire avec les patients de démonstration")
    p.set_defaults(handler=_cmd_screenshot)
    p = sub.add_parser("convert-css",
                       help="convertir le synoptux.css de Synoptux 2.16 pour ce tableau")
    p.add_argument("old", metavar="ANCIEN.css")
    p.add_argument("new", metavar="NOUVEAU.css")
    p.add_argument("--keep-font-sizes", action="store_true",
                   help="garder les tailles de texte de l'ancien fichier")
    p.add_argument("--force", action="store_true", help="remplacer NOUVEAU.css s'il existe")
    p.set_defaults(handler=_cmd_convert_css)
    enable_pdf(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(argv, build_parser(), default=_cmd_board)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
