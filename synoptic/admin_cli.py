"""The administration's headless sub-commands (to be wired into ``synoptic.cli``)::

    synoptux reference export FICHIER.json
    synoptux reference import FICHIER.json [--dry-run]
    synoptux reference import-medintux [--dry-run]
    synoptux set-admin-password

:func:`add_arguments` adds them to the parser's sub-commands; each handler takes the parsed
arguments and returns the exit status (0 ok, 1 refused or failed, 2 bad usage), as the other
commands of ``synoptic.cli``, whose ``run`` prints the French message of any
:class:`~synoptic.errors.SynoptuxError` a handler lets through. The changes are made in the
name of the system user running the command (history and audit).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from synoptic.admin_password import (
    ADMIN_KEY,
    ADMIN_SECTION,
    check_admin_password,
    write_admin_password,
)
from synoptic.errors import SynoptuxError
from synoptic.medintux_people import import_medintux_responsables
from synoptic.reference_io import (
    SECTIONS,
    import_reference,
    read_document,
    validate_document,
    write_export,
)
from synoptic.reference_rules import ValidationError
from synoptic.services import resolve_actor
from synoptic.store.db import SCHEMA_VERSION, Store, current_version

__all__ = [
    "add_arguments",
    "cmd_reference_export",
    "cmd_reference_import",
    "cmd_reference_import_medintux",
    "cmd_set_admin_password",
]

EXIT_OK, EXIT_RUNTIME, EXIT_USAGE = 0, 1, 2  # as synoptic.cli
_COUNTS = {"states": "état(s)", "task_types": "tâche(s)", "boxes": "box",
           "responsables": "responsable(s)", "destinations": "destination(s)",
           "preset_comments": "commentaire(s) prédéfini(s)"}


def add_arguments(subparsers: Any) -> None:
    """Add ``reference`` and ``set-admin-password`` to ``subparsers`` (argparse's)."""
    p = subparsers.add_parser("reference", help="exporter ou importer les données de base (JSON)")
    actions = p.add_subparsers(dest="reference_command", metavar="ACTION", required=True)
    e = actions.add_parser("export", help="écrire les données de base dans un fichier JSON")
    e.add_argument("file", metavar="FICHIER.json")
    e.set_defaults(handler=cmd_reference_export)
    i = actions.add_parser("import", help="appliquer un fichier JSON exporté (une transaction)")
    i.add_argument("file", metavar="FICHIER.json")
    i.add_argument("--dry-run", action="store_true",
                   help="afficher ce qui changerait, sans rien modifier")
    i.set_defaults(handler=cmd_reference_import)
    m = actions.add_parser("import-medintux",
                           help="créer les responsables depuis la table Personnes de MedinTux")
    m.add_argument("--dry-run", action="store_true",
                   help="afficher ce qui changerait, sans rien modifier")
    m.set_defaults(handler=cmd_reference_import_medintux)
    s = subparsers.add_parser("set-admin-password",
                              help="choisir le mot de passe administrateur (haché dans l'ini)")
    s.set_defaults(handler=cmd_set_admin_password)


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _actor() -> str:
    try:
        return resolve_actor(getpass.getuser())
    except OSError:  # no user name in the environment (a service)
        return resolve_actor(None)


def _open(args: argparse.Namespace) -> tuple[Any, Store]:
    """The command's context (``synoptic.cli``) and its store, schema checked."""
    from synoptic.command_context import load_context, require_existing_database

    ctx = load_context(args)
    try:
        require_existing_database(ctx)
        version = current_version(ctx.store)
        if version is None or version < SCHEMA_VERSION:
            raise SynoptuxError(f"Schéma de la base trop ancien (version {version or 'absente'}, "
                                f"attendue {SCHEMA_VERSION}) : lancez « synoptux init-db ».")
    except BaseException:
        ctx.close()
        raise
    return ctx, ctx.store


def _print_changes(lines: list[str], dry_run: bool) -> None:
    for line in lines:
        print(f"- {line}")
    if dry_run:
        print(f"Simulation : {len(lines)} changement(s) prévu(s), rien n'a été modifié.")
    elif lines:
        print(f"{len(lines)} changement(s) appliqué(s) en une seule transaction.")
    else:
        print("Aucun changement : la base est déjà conforme.")


def cmd_reference_export(args: argparse.Namespace) -> int:
    ctx, store = _open(args)
    try:
        document = write_export(store, Path(args.file), now=_now())
    finally:
        ctx.close()
    counts = ", ".join(f"{len(document[section])} {_COUNTS[section]}"
                       for section in SECTIONS.values())
    print(f"Données de base exportées dans {args.file} : {counts}.")
    return EXIT_OK


def cmd_reference_import(args: argparse.Namespace) -> int:
    try:
        data = validate_document(read_document(Path(args.file)))
    except ValidationError as refused:
        print(f"synoptux : {args.file} refusé, rien n'a été modifié :", file=sys.stderr)
        for problem in refused.problems:
            print(f"  - {problem.message}", file=sys.stderr)
        return EXIT_RUNTIME
    ctx, store = _open(args)
    try:
        lines = import_reference(store, data, actor=_actor(), now=_now(), dry_run=args.dry_run)
    finally:
        ctx.close()
    _print_changes(lines, args.dry_run)
    return EXIT_OK


def cmd_reference_import_medintux(args: argparse.Namespace) -> int:
    ctx, store = _open(args)
    try:
        lines = import_medintux_responsables(store, actor=_actor(), now=_now(),
                                             dry_run=args.dry_run)
    finally:
        ctx.close()
    _print_changes(lines, args.dry_run)
    return EXIT_OK


def read_secret(prompt: str) -> str:
    """A secret typed without echo on a terminal; a line of standard input otherwise."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\r\n")


def cmd_set_admin_password(args: argparse.Namespace) -> int:
    from synoptic.config import resolve_config_path

    path = Path(resolve_config_path(getattr(args, "config", None)))
    password = read_secret("Nouveau mot de passe administrateur : ")
    try:
        check_admin_password(password, read_secret("Confirmez le mot de passe : "))
    except SynoptuxError as refused:
        print(f"synoptux : {refused} Rien n'a été modifié.", file=sys.stderr)
        return EXIT_USAGE
    write_admin_password(path, password)
    print(f"Mot de passe administrateur enregistré (empreinte scrypt salée, jamais en clair) "
          f"dans {path}, section [{ADMIN_SECTION}], clé {ADMIN_KEY}.")
    return EXIT_OK
