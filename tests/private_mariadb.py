"""A private MariaDB server that a test (or a benchmark) may stop and restart at will.

The shared server on 3306 is never touched: this one has its own data folder (made by
``mariadb-install-db``), its own free TCP port on 127.0.0.1 and its own socket, and is
stopped and removed afterwards. Root connects without a password over TCP.

    with PrivateMariaDB() as server:
        url = server.create_database("synoptux")
        server.stop()      # clean shutdown (SIGTERM), waits until the port is closed
        server.start()     # same data, same port

Tests use :func:`skip_reason`: a private server runs wherever ``/usr/sbin/mariadbd`` exists;
without it the test skips with one line, or fails when ``SYNOPTUX_TEST_MARIADB=1``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self

MARIADBD = Path(os.environ.get("SYNOPTUX_MARIADBD", "/usr/sbin/mariadbd"))
INSTALL_DB = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
START_TIMEOUT_S = 60.0


def skip_reason() -> str | None:
    """Why a private server cannot run here (one line), or ``None``."""
    if not MARIADBD.exists():
        return f"{MARIADBD} absent : pas de serveur MariaDB privé"
    if INSTALL_DB is None:
        return "mariadb-install-db absent : pas de serveur MariaDB privé"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateMariaDB:
    def __init__(self, root: Path | None = None) -> None:
        # A short folder of our own: a Unix socket path is limited to 107 bytes.
        self.root = Path(tempfile.mkdtemp(prefix="sx-mdb-", dir=root))
        self.datadir = self.root / "data"
        self.socket = self.root / "s.sock"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._installed = False

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def server_url(self) -> str:
        return f"mysql+pymysql://root@127.0.0.1:{self.port}"

    def url(self, database: str) -> str:
        return f"{self.server_url}/{database}?charset=utf8mb4"

    def install(self) -> None:
        if self._installed:
            return
        assert INSTALL_DB is not None
        subprocess.run(
            [
                INSTALL_DB,
                "--no-defaults",
                f"--datadir={self.datadir}",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
        )
        self._installed = True

    def start(self) -> None:
        """Start (or restart) the server on the same data and port; wait until it answers."""
        self.install()
        if self.running:
            return
        self.process = subprocess.Popen(
            [
                str(MARIADBD),
                "--no-defaults",
                "--user=root",
                f"--datadir={self.datadir}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                f"--socket={self.socket}",
                f"--pid-file={self.root / 'mariadbd.pid'}",
                f"--log-error={self.root / 'error.log'}",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
                "--performance-schema=OFF",
                "--max-connections=50",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._answers():
            if self.process.poll() is not None:
                raise RuntimeError(f"mariadbd privé arrêté au démarrage : {self.error_log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"mariadbd privé muet après {START_TIMEOUT_S:.0f} s")
            time.sleep(0.1)

    def stop(self, *, kill: bool = False) -> None:
        """Shut the server down (SIGTERM: clean; ``kill``: SIGKILL, a crash) and wait."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def create_database(self, name: str) -> str:
        """Create ``name`` (utf8mb4) and return its URL."""
        import pymysql

        conn = pymysql.connect(host="127.0.0.1", port=self.port, user="root")
        try:
            with conn.cursor() as cur:
                cur.execute(
                    f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                )
        finally:
            conn.close()
        return self.url(name)

    def error_log(self) -> str:
        try:
            lines = (self.root / "error.log").read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return " | ".join(lines[-5:])

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                return bool(conn.recv(1))  # the server's greeting
        except OSError:
            return False
