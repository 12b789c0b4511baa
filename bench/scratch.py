"""A scratch MariaDB database for a benchmark: created under a unique name, dropped after.

Created with SQLAlchemy's schema constructs (a MySQL schema is a database), then given the
tests' character set; the name is generated here and quoted by the dialect.
"""

from __future__ import annotations

import sys
import uuid

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.schema import CreateSchema, DropSchema


def mariadb_database(server: str) -> tuple[str, str] | None:
    """Create a scratch database; (its URL, its name), or None when no server answers."""
    name = f"synoptux_bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(
            server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        with admin.connect() as conn:
            conn.execute(CreateSchema(name))
            # utf8mb4 as the tests' databases, whatever the server's default (the name
            # quoted by the dialect: it is ours, but no value builds SQL unquoted).
            quoted = admin.dialect.identifier_preparer.quote(name)
            conn.exec_driver_sql(f"ALTER DATABASE {quoted} CHARACTER SET utf8mb4 "
                                 "COLLATE utf8mb4_unicode_ci")
        admin.dispose()
    except Exception as err:  # noqa: BLE001 - reported and skipped
        print(f"MariaDB ignoré ({str(err).splitlines()[0]})", file=sys.stderr)
        return None
    return make_url(server).set(database=name).render_as_string(hide_password=False), name


def drop_database(server: str, name: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(DropSchema(name, if_exists=True))
    admin.dispose()
