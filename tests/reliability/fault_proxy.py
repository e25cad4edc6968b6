"""A TCP proxy in front of PostgreSQL that can cut the database off or make it slow."""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import unquote

from sqlalchemy.engine import make_url


def server_address(database_url: str) -> tuple[int, str | tuple[str, int]]:
    """The (socket family, address) a libpq URL points at: a Unix socket or host:port."""
    url = make_url(database_url)
    port = url.port or 5432
    socket_dir = url.query.get("host")
    if url.host is None and socket_dir:
        directory = unquote(socket_dir if isinstance(socket_dir, str) else socket_dir[0])
        return socket.AF_UNIX, f"{directory}/.s.PGSQL.{port}"
    return socket.AF_INET, (url.host or "127.0.0.1", port)


class FaultProxy:
    """Listens on 127.0.0.1 and forwards to the database.

    `cut()` drops every open connection and refuses new ones until `restore()`;
    `delay` (seconds) holds back each chunk the database sends.
    """

    def __init__(self, database_url: str) -> None:
        self.family, self.target = server_address(database_url)
        self.delay = 0.0
        self._down = threading.Event()
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def port(self) -> int:
        port: int = self._listener.getsockname()[1]
        return port

    def url_for(self, database_url: str) -> str:
        """`database_url` rerouted through the proxy."""
        url = make_url(database_url)
        query = {k: v for k, v in url.query.items() if k != "host"}
        url = url.set(host="127.0.0.1", port=self.port, query=query)
        return url.render_as_string(hide_password=False)

    def cut(self) -> None:
        self._down.set()
        with self._lock:
            for sock in self._open:
                _close(sock)
            self._open.clear()

    def restore(self) -> None:
        self._down.clear()

    def close(self) -> None:
        self._closed = True
        self.cut()
        _close(self._listener)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._down.is_set():
                _close(client)
                continue
            try:
                upstream = socket.socket(self.family, socket.SOCK_STREAM)
                upstream.connect(self.target)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._open.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream, 0), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, 1), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_database: int) -> None:
        try:
            while chunk := source.recv(65536):
                if from_database and self.delay:
                    time.sleep(self.delay)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            _close(source)
            _close(sink)
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
