"""The headless ``synoptux`` sub-commands (no Qt): init-db, init-config, check-config, status...

``ui.main`` adds the GUI sub-commands on top of this parser, so ``synoptux ingest``
runs on a server without Qt's libraries.  Exit status: 0 ok, 2 bad usage or bad
configuration, 1 runtime failure.  Messages are in French.

This module is the table of commands; what they run with (:class:`Context`, the errors, the
exit statuses) is in :mod:`synoptic.command_context`, the French argparse in
:mod:`synoptic.french_argparse`, the board as text in :mod:`synoptic.board_text`, and
``ingest``/``watch`` in :mod:`synoptic.ingest.commands`.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from synoptic import __version__, admin_cli, stats_cli
from synoptic.board_text import board_as_json, board_as_text
from synoptic.command_context import (
    EXIT_OK,
    EXIT_RUNTIME,
    EXIT_USAGE,
    Context,
    SchemaMissingError,
    UsageError,
    load_context,
    require_existing_database,
)
from synoptic.config import CONFIG_FILE_NAME, ConfigError, exposed_password, write_default_config
from synoptic.db_messages import (
    describe_database_error,
    missing_sqlite_file,
    missing_sqlite_file_problem,
    safe_url,
)
from synoptic.errors import SynoptuxError
from synoptic.french_argparse import FrenchParser
from synoptic.schema_changes import summarize_changes
from synoptic.store import queries

Handler = Callable[[argparse.Namespace], int]

log = logging.getLogger(__name__)


def build_parser() -> tuple[argparse.ArgumentParser, Any]:
    parser = FrenchParser(
        prog="synoptux",
        description="Tableau synoptique des urgences (successeur de Synoptux/MedinTux).",
    )
    parser.add_argument("--config", metavar="FICHIER", help="fichier synoptux.ini à utiliser")
    parser.add_argument("--db", metavar="URL", help="URL SQLAlchemy de la base (remplace l'ini)")
    parser.add_argument("--version", action="version", version=f"synoptux {__version__}",
                        help="afficher la version et quitter")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=FrenchParser)

    p = sub.add_parser("init-db", help="créer ou mettre à niveau la base (en place)")
    p.add_argument("--demo", action="store_true", help="ajouter une douzaine de patients fictifs")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="afficher chaque changement (table, colonne, index, déclencheur) "
                        "au lieu du résumé")
    p.set_defaults(handler=cmd_init_db)

    p = sub.add_parser(
        "init-config",
        help="écrire le fichier synoptux.ini par défaut (toutes les clés, commentées)",
    )
    p.add_argument("path", nargs="?", metavar="FICHIER",
                   help="fichier à écrire (défaut : celui de --config, sinon synoptux.ini "
                        "dans le dossier courant)")
    p.add_argument("--force", action="store_true", help="remplacer FICHIER s'il existe")
    p.set_defaults(handler=cmd_init_config)

    p = sub.add_parser("check-config", help="vérifier synoptux.ini et la connexion à la base")
    p.set_defaults(handler=cmd_check_config)

    p = sub.add_parser("status", help="le tableau en texte (boxes, patients, tâches, retards)")
    p.add_argument("--json", action="store_true", help="sortie JSON pour scripts et supervision")
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser(
        "ingest",
        help="intégrer une fois les fichiers d'entrée donnés, sinon ceux du dossier des entrées",
    )
    p.add_argument("paths", nargs="*", metavar="FICHIER", help="fichiers d'entrée (.txt)")
    p.add_argument("--stability-delay", type=float, default=0.5, metavar="SECONDES",
                   help="attendre qu'un fichier n'ait pas changé depuis ce délai (défaut 0,5)")
    p.set_defaults(handler=cmd_ingest)

    p = sub.add_parser(
        "watch",
        help="surveiller le dossier des entrées et lancer les purges, sans interface",
    )
    p.add_argument("--stability-delay", type=float, default=0.5, metavar="SECONDES",
                   help="attendre qu'un fichier n'ait pas changé depuis ce délai (défaut 0,5)")
    p.add_argument("--rescan", type=float, metavar="SECONDES",
                   help="contrôle complet du dossier (défaut : Periodicite_controle_des_entrees)")
    p.add_argument("--purge-interval", type=float, default=60.0, metavar="SECONDES",
                   help="intervalle des purges des sorties et du journal (défaut 60)")
    p.add_argument("--log-file", metavar="FICHIER",
                   help="journal (défaut : synoptux.log du dossier de journaux de l'utilisateur)")
    p.set_defaults(handler=cmd_watch)

    admin_cli.add_arguments(sub)
    stats_cli.add_arguments(sub)
    return parser, sub


def run(argv: Sequence[str] | None, parser: argparse.ArgumentParser,
        default: Handler | None = None) -> int:
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None) or default
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return handler(args)
    except (ConfigError, UsageError) as err:
        print(f"synoptux : {err}", file=sys.stderr)
        return EXIT_USAGE
    except SynoptuxError as err:
        print(f"synoptux : {err}", file=sys.stderr)
        return EXIT_RUNTIME
    except SQLAlchemyError as err:
        # "serveur injoignable : vérifiez ... (détail : (2003) Can't connect ...)"
        print(f"synoptux : {describe_database_error(err).sentence()}", file=sys.stderr)
        return EXIT_RUNTIME
    except BrokenPipeError:  # output piped into head, for instance
        return EXIT_OK
    except OSError as err:
        print(f"synoptux : erreur système : {err}", file=sys.stderr)
        return EXIT_RUNTIME


def main(argv: Sequence[str] | None = None) -> int:
    parser, _ = build_parser()
    return run(argv, parser)


# ---------------------------------------------------------------------- commands


def cmd_init_db(args: argparse.Namespace) -> int:
    from synoptic.demo import seed_demo_days
    from synoptic.store.seed import SEEDED, create_or_upgrade

    # No read timeout here: converting a big legacy table to InnoDB takes minutes.
    ctx = load_context(args, long_statements=True)
    try:
        changes = create_or_upgrade(ctx.store)
        details = [line for line in changes if line != SEEDED]
        for line in details:
            log.debug("init-db : %s", line)
        for line in details if args.verbose else summarize_changes(details):
            print(f"- {line}")
        if SEEDED in changes:
            print(f"Base neuve : {SEEDED}.")
        if args.demo:
            pks, past = seed_demo_days(ctx.services("demo"),
                                       datetime.now().replace(microsecond=0))
            print(f"{len(pks)} patient(s) de démonstration ajouté(s).")
            if past:
                print(f"Hier, {past} patients venus et repartis : dans l'historique, pour "
                      "les statistiques (Menu → Statistiques, synoptux daily-report).")
        if not changes and not args.demo:
            print("La base est déjà à jour : rien à faire.")
        print(f"Base : {_safe_url(ctx)}")
        return EXIT_OK
    finally:
        ctx.close()


def cmd_init_config(args: argparse.Namespace) -> int:
    target = Path(args.path or args.config or CONFIG_FILE_NAME).expanduser()
    try:
        write_default_config(target, replace=args.force)
    except FileExistsError:
        raise UsageError(f"{target} existe déjà (--force pour le remplacer)") from None
    print(f"Configuration par défaut écrite : {target}")
    return EXIT_OK


def cmd_check_config(args: argparse.Namespace) -> int:
    ctx = load_context(args)
    try:
        cfg = ctx.config
        print(f"Configuration : {cfg.path}")
        from_file = (cfg.database.host_url,) if getattr(args, "db", None) else (
            cfg.database.url, cfg.database.host_url)  # --db URL is not in the file
        exposed = exposed_password(cfg.path, from_file)
        if exposed:
            print(f"  attention : {exposed}")
        print(f"Base : {_safe_url(ctx)} (préfixe {cfg.database.table_prefix})")
        print(f"Dossier des entrées : {cfg.interface.inbox_dir}")
        if not cfg.interface.inbox_dir.is_dir():
            print("  attention : ce dossier n'existe pas encore (il sera créé).")
        print(f"Écran du tableau : {cfg.interface.screen or 'écran principal'}")
        from synoptic.store.db import current_version

        missing = missing_sqlite_file(cfg.database.url)
        if missing is not None:
            print(f"synoptux : {missing_sqlite_file_problem(missing).sentence()}", file=sys.stderr)
            return EXIT_RUNTIME
        try:
            version = current_version(ctx.store)
        except SQLAlchemyError as err:
            print(
                f"synoptux : connexion à la base impossible : "
                f"{describe_database_error(err).sentence()}",
                file=sys.stderr,
            )
            return EXIT_RUNTIME
        if version is None:
            print("La base ne contient pas encore le schéma : lancez « synoptux init-db ».")
            return EXIT_RUNTIME
        print(f"Connexion à la base : OK (schéma version {version})")
        return EXIT_OK
    finally:
        ctx.close()


def cmd_status(args: argparse.Namespace) -> int:
    ctx = load_context(args)
    try:
        require_existing_database(ctx)
        now = datetime.now().replace(microsecond=0)
        with ctx.store.read() as session:
            board = queries.load_board(session, ctx.store.models)
        if args.json:
            print(json.dumps(board_as_json(board, now), ensure_ascii=False, indent=2))
        else:
            print(board_as_text(board, now))
        return EXIT_OK
    finally:
        ctx.close()


def cmd_ingest(args: argparse.Namespace) -> int:
    from synoptic.ingest import commands

    return commands.ingest(load_context(args), args.paths, args.stability_delay)


def cmd_watch(args: argparse.Namespace) -> int:
    from synoptic.ingest import commands

    return commands.watch(load_context(args), stability_delay_s=args.stability_delay,
                          rescan_s=args.rescan, purge_interval_s=args.purge_interval,
                          log_file=args.log_file)


def prepare_board_database(ctx: Context) -> list[str]:
    """Before the board opens: the embedded SQLite default is created (schema and the
    French reference layout) on first start, so ``synoptux`` just works; a shared server
    without the schema is a clear error naming ``init-db`` (an admin's decision).  An
    unreachable database raises its ``SQLAlchemyError``: the board's start screen says so
    and tries again.  Returns what was done, for the log."""
    from synoptic.store.db import SCHEMA_VERSION, current_version
    from synoptic.store.seed import create_or_upgrade

    store = ctx.store
    version = current_version(store)  # unreachable: SQLAlchemyError, for the start screen
    if version is not None and version >= SCHEMA_VERSION:
        return []
    if store.dialect != "sqlite":
        raise SchemaMissingError(
            f"la base {_safe_url(ctx)} n'a pas le schéma de Synoptux (version "
            f"{version or 'absente'}, attendue {SCHEMA_VERSION}) : lancez « synoptux init-db »",
            _safe_url(ctx),
        )
    return create_or_upgrade(store)


def _safe_url(ctx: Context) -> str:
    return safe_url(ctx.config.database.url)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
