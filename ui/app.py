"""Composition root of the GUI: the application, French translations, the style sheet,
the context, the board; and the offscreen screenshot.

Everything is built here and handed down; no widget reaches for a global.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from synoptic.cli import prepare_board_database
from synoptic.command_context import Context, UsageError, load_context

if TYPE_CHECKING:  # Qt is imported when the GUI starts (``synoptux ingest`` runs without it)
    from PySide6.QtCore import QCoreApplication, QMessageLogContext, QtMsgType
    from PySide6.QtWidgets import QApplication

    from synoptic.services import BoardServices
    from ui.board import BoardWindow
    from ui.context import UiContext

log = logging.getLogger(__name__)
QT_TRANSLATIONS = ("qtbase_fr",)
TRANSLATOR_NAME = "synoptux-qt-fr"


PROBE_CALLS = 200


def _void_qt_call() -> Callable[[], object]:
    from PySide6.QtCore import QObject

    probe = QObject()
    return lambda: probe.setObjectName("sonde")


def refuse_none_eating_binding(call: Callable[[], object] | None = None) -> None:
    """Refuse to start on a PySide6 that takes a reference off ``None`` per call.

    PySide6 6.12.0 on Python < 3.12 does so on every Qt method returning nothing; a board
    makes thousands a minute and Python aborts ("none_dealloc") within minutes.  The
    dependency pin keeps that pair out; this catches an install that bypassed it (or a later
    pair with the same fault) by measuring, not by version: ``PROBE_CALLS`` calls of a void
    Qt method (~0.1 ms).  Python 3.12 made ``None`` immortal: nothing to measure there."""
    if sys.version_info >= (3, 12):
        return
    call = call or _void_qt_call()
    enabled = gc.isenabled()
    gc.disable()  # a collection during the probe could free objects that held None
    try:
        before = sys.getrefcount(None)
        for _ in range(PROBE_CALLS):
            call()
        lost = before - sys.getrefcount(None)
    finally:
        if enabled:
            gc.enable()
    if lost >= PROBE_CALLS // 2:
        import PySide6

        raise UsageError(
            f"PySide6 {PySide6.__version__} avec Python {sys.version.split()[0]} perd une "
            f"référence à None à chaque appel Qt ({lost} sur {PROBE_CALLS} appels) : le "
            "tableau s'arrêterait au bout de quelques minutes (« Fatal Python error: "
            "none_dealloc »). Installez une version compatible : "
            'pip install "PySide6-Essentials>=6.8,<6.12"'
        )


def refuse_no_display(environ: Mapping[str, str], platform: str) -> None:
    """A French refusal where Qt would abort in English ("could not load the Qt platform
    plugin xcb... Reinstalling the application may fix this problem"): a Linux session
    with no screen (neither ``DISPLAY`` nor ``WAYLAND_DISPLAY``) and no Qt platform chosen
    (``QT_QPA_PLATFORM``, e.g. ``eglfs`` or ``linuxfb`` on a wall without X)."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return
    raise UsageError(
        "aucun écran : ni DISPLAY ni WAYLAND_DISPLAY n'est défini (session sans affichage "
        "graphique, par exemple en SSH). Lancez le tableau dans la session graphique du poste, "
        "ou choisissez la plateforme Qt d'un écran sans X avec QT_QPA_PLATFORM (eglfs, "
        "linuxfb). Sans écran, « synoptux status » affiche le tableau en texte et "
        "« synoptux screenshot tableau.png » en fait une image."
    )


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication (reused when one exists), in French; refused on a PySide6 that
    would abort within minutes (see :func:`refuse_none_eating_binding`)."""
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication

    refuse_none_eating_binding()
    existing = QApplication.instance()
    if existing is not None:
        app = cast(QApplication, existing)  # the one of the process (pytest-qt's in tests)
    else:
        QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
        app.setApplicationName("synoptux")
        app.setApplicationDisplayName("Synoptux")
        app.setStyle("Fusion")  # the same look under Windows and Linux; the sheet does the rest
    install_translations(app)
    return app


def install_translations(app: QCoreApplication) -> list[str]:
    """Qt's own French strings ("Oui", "Annuler"...); returns the catalogues in use.

    The translators are children of ``app``: Qt keeps them as long as the application
    lives, and a second call finds them there instead of installing them again."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    installed = app.findChildren(QTranslator, TRANSLATOR_NAME)
    if installed:
        return [t.filePath() for t in installed]
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = []
    for name in QT_TRANSLATIONS:
        translator = QTranslator(app)
        if translator.load(name, folder):
            translator.setObjectName(TRANSLATOR_NAME)
            app.installTranslator(translator)
            loaded.append(translator.filePath())
        else:
            translator.setParent(None)  # not found: let it go
    return loaded


def board_context(cli_ctx: Context, services: BoardServices) -> UiContext:
    """The board's context on the database of ``cli_ctx``: its read side (with the host's
    record texts when ``[Connexion_MedinTux] URL`` names a database) and ``services``."""
    from synoptic.host_records import host_records_of
    from synoptic.reads import BoardReads
    from ui.context import build_context

    reads = BoardReads(cli_ctx.store, host_records_of(cli_ctx.config))
    return build_context(cli_ctx.config, reads, services)


def make_board(cli_ctx: Context, user: str | None = None) -> BoardWindow:
    """The board window on a prepared database (``ui.startup`` shows and places it)."""
    from ui.board import BoardWindow

    return BoardWindow(board_context(cli_ctx, cli_ctx.services(user)))


def log_to_stderr() -> None:
    """The board's warnings and errors (start failures...) on standard error, unless the
    caller set up logging already."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(
            level=logging.WARNING,
            format="%(asctime)s synoptux : %(message)s",
            datefmt="%Y-%m-%d %H:%M:%S",
        )


def run_board(args: argparse.Namespace) -> int:
    """The start screen at once, the board when the configuration and the database are
    ready (``ui.startup``): a start that fails is shown on the wall and retried."""
    from ui.startup import BoardStarter

    log_to_stderr()
    refuse_no_display(os.environ, sys.platform)
    app = create_application()
    user = getattr(args, "user", None)
    starter = BoardStarter(args, lambda cli_ctx: make_board(cli_ctx, user))
    starter.start()
    try:
        status = int(app.exec())
        if starter.board is None:  # the start screen closed before the board could open
            problem = starter.problem
            log.error(
                "fermé avant l'ouverture du tableau%s",
                f" : {problem.log_line()}" if problem else "",
            )
            return status or 1
        return status
    finally:
        if starter.board is not None:
            starter.board.close()
        starter.close()


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise UsageError(
            f"taille invalide « {text} » : attendu LARGEURxHAUTEUR, par exemple 1920x1080"
        ) from None
    if not (200 <= w <= 10000 and 200 <= h <= 10000):
        raise UsageError(f"taille invalide « {text} » : de 200 à 10000 pixels de chaque côté")
    return w, h


def render_board(ctx: UiContext, size: tuple[int, int], output: Path) -> None:
    """Build the board at ``size`` offscreen, show late tasks in their alarm phase, save."""
    from PySide6.QtWidgets import QApplication

    from ui.board import BoardWindow

    board = BoardWindow(ctx, live=True, timers=False, inbox=False)
    board.resize(*size)
    board.show()
    for _ in range(5):
        QApplication.processEvents()
    board.layout_panels()
    QApplication.processEvents()
    board.check_alarms()
    board.blinker.tick()  # late elements in their "on" phase: the picture shows them
    QApplication.processEvents()
    image = board.grab()
    board.shutdown()
    board.close()
    if not image.save(str(output), "PNG"):
        raise OSError(f"impossible d'écrire l'image {output}")


def _quiet_offscreen_warnings() -> None:
    """The offscreen platform warns about window hints it ignores: not the user's concern."""
    from PySide6.QtCore import qInstallMessageHandler

    previous: Callable[[QtMsgType, QMessageLogContext, str], object] | None = None

    def handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)


def run_screenshot(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    size = parse_size(args.size)
    output = Path(args.output)
    _quiet_offscreen_warnings()
    create_application()
    from synoptic.config import load_config, resolve_config_path
    from synoptic.demo import open_demo_store
    from synoptic.reads import BoardReads
    from synoptic.services import BoardServices, resolve_actor
    from ui.context import build_context

    now = datetime.now().replace(microsecond=0, second=0)
    if args.demo:
        with tempfile.TemporaryDirectory(prefix="synoptux-demo-") as folder:
            # An explicit --config is honoured (its display settings); else the defaults.
            path = resolve_config_path(args.config) if args.config else None
            config = load_config(path, db_url_override=f"sqlite:///{folder}/demo.sqlite")
            store = open_demo_store(Path(folder), now)
            try:
                services = BoardServices(store, "demo")
                ctx = build_context(config, BoardReads(store), services, clock=lambda: now)
                render_board(ctx, size, output)
            finally:
                store.dispose()
    else:
        cli_ctx = load_context(args)
        try:
            prepare_board_database(cli_ctx)
            services = BoardServices(
                cli_ctx.store, resolve_actor(None, cli_ctx.config.interface.screen_name)
            )
            render_board(board_context(cli_ctx, services), size, output)
        finally:
            cli_ctx.close()
    print(f"Image du tableau ({size[0]}x{size[1]}) : {output}")
    return 0
