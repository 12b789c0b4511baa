"""The host record's text of a task (``EN_PrimKey_blob``), read from MedinTux's database.

``[Connexion_MedinTux] URL`` names the host database.  As in Synoptux 2.16, the key is a
``RubriquesHead.RbDate_PrimKey``; its ``RbDate_RefBlobs_PrimKey`` leads to the
``RubriquesBlobs.RbDate_DataRub`` blob: HTML (DrTux stores UTF-8), shown as plain text.
The statements are SQLAlchemy constructs (quoted table names, bound values); the
connection is opened on first use with a short timeout, so an unreachable host database
costs a message, not a frozen board.
"""

from __future__ import annotations

import html
import re
from functools import cache
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import Engine, Select, bindparam, column, select, table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import quoted_name

from synoptic.config import Config
from synoptic.decoding import decode_text

# MySQL on Linux compares table names case-sensitively: MedinTux's own spelling first,
# then the lower-case one that 2.16 used.
TABLE_SPELLINGS = (("RubriquesHead", "RubriquesBlobs"), ("rubriqueshead", "rubriquesblobs"))
_BREAKS = {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head", "title"):
            self._skip += 1
        elif tag in _BREAKS:
            self.parts.append("\n")
        elif tag == "td":
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head", "title"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BREAKS and tag != "br":  # <br/> is one line break, not two
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(value: str) -> str:
    """Readable plain text of a DrTux HTML blob (plain text is returned as is)."""
    if "<" not in value:
        return html.unescape(value).strip()
    parser = _Text()
    parser.feed(value)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).splitlines()]
    text_ = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text_).strip()


def _decode(blob: object) -> str:
    if isinstance(blob, memoryview):
        blob = blob.tobytes()
    if isinstance(blob, bytes):
        return decode_text(blob).text
    return "" if blob is None else str(blob)


def _name(name: str) -> quoted_name:
    return quoted_name(name, quote=True)  # always quoted: the spelling is the one asked


@cache
def record_statements(head_name: str, blobs_name: str) -> tuple[Select[Any], Select[Any]]:
    """The two reads of one table spelling: the blob's key of a record, the blob itself;
    each takes its key as the bound parameter ``key``."""
    head = table(
        _name(head_name),
        column(_name("RbDate_PrimKey")),
        column(_name("RbDate_RefBlobs_PrimKey")),
    )
    blobs = table(_name(blobs_name), column(_name("RbDate_PrimKey")), column(_name("RbDate_DataRub")))
    blob_ref = select(head.c.RbDate_RefBlobs_PrimKey).where(
        head.c.RbDate_PrimKey == bindparam("key")
    )
    blob = select(blobs.c.RbDate_DataRub).where(blobs.c.RbDate_PrimKey == bindparam("key"))
    return blob_ref, blob


class MedinTuxRecords:
    """Reads record texts from the host database at ``url`` (thread-safe: one engine)."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self._engine = engine

    def _get_engine(self) -> Engine:
        if self._engine is None:
            from synoptic.store.db import make_engine

            args: dict[str, Any] = {}
            if make_url(self.url).get_backend_name() in ("mysql", "mariadb"):
                args = {"connect_args": {"connect_timeout": 3, "read_timeout": 5}}
            self._engine = make_engine(self.url, **args)
        return self._engine

    def text(self, blob_key: int) -> str:
        """The record's text; a French sentence when there is none.  A database failure
        (unreachable, no such tables in either spelling) is raised."""
        last_error: SQLAlchemyError | None = None
        for head, blobs in TABLE_SPELLINGS:
            blob_ref, blob_query = record_statements(head, blobs)
            try:
                with self._get_engine().connect() as conn:
                    ref = conn.execute(blob_ref, {"key": int(blob_key)}).scalar()
                    if ref is None:
                        return f"Dossier n° {blob_key} introuvable dans la base MedinTux."
                    blob = conn.execute(blob_query, {"key": ref}).scalar()
            except SQLAlchemyError as err:  # the other spelling, or a real failure
                last_error = err
                continue
            content = html_to_text(_decode(blob))
            return content or f"Dossier n° {blob_key} : texte vide."
        assert last_error is not None
        raise last_error


def host_records_of(config: Config) -> MedinTuxRecords | None:
    """Reader of the host's record texts (``[Connexion_MedinTux] URL``), or ``None``."""
    url = config.database.host_url
    return MedinTuxRecords(url) if url else None
