"""The GUI side of ``synoptux stats``: its PDF writer, handed to the headless command.

``ui.main`` calls :func:`enable_pdf` on the sub-parsers once ``synoptic.stats_cli`` has
added its commands.  Qt is imported only when a PDF is written, so building the parser
stays Qt-free (``tests/test_architecture.py``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from synoptic.stats import Figures


def write_pdf(figures: Figures, path: Path) -> None:
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a server: no display
    from ui.app import create_application
    from ui.stats_pdf import write_stats_pdf

    create_application()
    write_stats_pdf(figures, path)


def enable_pdf(subparsers: Any) -> None:
    """Give ``synoptux stats`` its PDF writer (``--format pdf``)."""
    parser = subparsers.choices.get("stats")
    if parser is not None:
        parser.set_defaults(pdf_writer=write_pdf)
