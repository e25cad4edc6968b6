"""A Neon-like pooled endpoint: PgBouncer in transaction mode, TLS required, SCRAM passwords.

`PgBouncer(upstream_url)` starts Debian's `pgbouncer` on 127.0.0.1 in front of any PostgreSQL
(the embedded one's Unix socket or a TCP server) and gives `url_for(database)` as Neon hands it
out (`...?sslmode=require`). `python -m tests.reliability.pgbouncer [pytest args]` runs the
suite with every database behind it (`TEST_DATABASE_URL`); see `.ci/run`.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy.engine import make_url

from harness.live import free_port

USER = "postgres"
PASSWORD = "pooled-endpoint-password"
ENVIRONMENT_ONLY_SCENARIO = (
    "features/test_acceptance.py::test_the_service_is_configured_only_through_environment_variables"
)
# Tests that need a direct connection, not a pooled one: this one kills the server session that
# served a query by its pid, and through the pooler its own admin query may get that session.
DIRECT_CONNECTION_ONLY = [
    "tests/backend/test_db.py::test_a_connection_killed_while_idle_is_replaced_transparently",
]
RUN_AS = "postgres"  # pgbouncer refuses to run as root: who it runs as, for a TCP upstream


def pgbouncer_version(binary: str) -> tuple[int, ...]:
    first_line = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    return tuple(int(part) for part in first_line.split()[1].split("."))


def keeps_prepared_statements(binary: str) -> bool:
    """PgBouncer tracks protocol-level prepared statements in transaction mode from 1.21 on."""
    return pgbouncer_version(binary) >= (1, 21)


def pgbouncer_binary() -> str | None:
    return shutil.which("pgbouncer") or next(
        (p for p in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.path.exists(p)), None
    )


def write_self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A key and certificate for 127.0.0.1 (clients with `sslmode=require` do not verify)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / "server.key", directory / "server.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


def _unprivileged_owner(host: str) -> pwd.struct_passwd:
    """Who runs pgbouncer when we are root: the owner of the upstream's Unix socket directory
    (the only user sure to reach it), else the `postgres` system user."""
    if host.startswith("/"):
        owner = pwd.getpwuid(os.stat(host).st_uid)
        if owner.pw_uid != 0:
            return owner
    return pwd.getpwnam(RUN_AS)


def upstream_address(upstream_url: str) -> tuple[str, int]:
    """Host (or Unix socket directory) and port of the PostgreSQL behind the pooler."""
    url = make_url(upstream_url)
    socket_dir = url.query.get("host")
    host = url.host or (socket_dir if isinstance(socket_dir, str) else "127.0.0.1")
    return host, url.port or 5432


class PgBouncer:
    """A running PgBouncer (transaction pooling, TLS required) in front of `upstream_url`."""

    def __init__(self, upstream_url: str) -> None:
        binary = pgbouncer_binary()
        if binary is None:
            raise FileNotFoundError("pgbouncer is not installed (apt-get install -y pgbouncer)")
        self.port = free_port()
        self.keeps_prepared_statements = keeps_prepared_statements(binary)
        self._scratch = Path(tempfile.mkdtemp(prefix="todo-pgbouncer-"))
        self._scratch.chmod(0o755)
        host, upstream_port = upstream_address(upstream_url)
        key_file, cert_file = write_self_signed_certificate(self._scratch)
        (self._scratch / "userlist.txt").write_text(f'"{USER}" "{PASSWORD}"\n')
        config = self._scratch / "pgbouncer.ini"
        config.write_text(
            f"""[databases]
* = host={host} port={upstream_port} user={USER}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {self._scratch}/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 40
client_tls_sslmode = require
client_tls_key_file = {key_file}
client_tls_cert_file = {cert_file}
ignore_startup_parameters = extra_float_digits
logfile = {self._scratch}/pgbouncer.log
"""
        )
        if self.keeps_prepared_statements:
            with config.open("a") as ini:
                ini.write("max_prepared_statements = 200\n")
        command = [binary, str(config)]
        if os.geteuid() == 0:
            owner = _unprivileged_owner(host)
            for path in self._scratch.iterdir():
                os.chown(path, owner.pw_uid, owner.pw_gid)
                path.chmod(0o600)
            os.chown(self._scratch, owner.pw_uid, owner.pw_gid)
            command[1:1] = ["-u", owner.pw_name]
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            self._wait_until_listening()
        except BaseException:
            self.stop()  # no `with` block owns it yet
            raise

    def _wait_until_listening(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"pgbouncer exited: {self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"pgbouncer did not start: {self.log()}")

    def log(self) -> str:
        path = self._scratch / "pgbouncer.log"
        return path.read_text()[-2000:] if path.exists() else ""

    def url_for(self, database: str, sslmode: str = "require") -> str:
        """The pooled URL of `database`, as Neon hands it out."""
        return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{database}?sslmode={sslmode}"

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> PgBouncer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(pytest_args: list[str]) -> int:
    """Run pytest with every test database behind PgBouncer (prepared statements off when it
    cannot keep them); the few tests that need a direct connection are deselected, and named."""
    from harness.database import throwaway_server

    with ExitStack() as stack:
        server_url = stack.enter_context(throwaway_server())
        bouncer = stack.enter_context(PgBouncer(server_url))
        pooled = bouncer.url_for(make_url(server_url).database or "postgres")
        environment = {**os.environ, "TEST_DATABASE_URL": pooled}
        for node in DIRECT_CONNECTION_ONLY:
            pytest_args = ["--deselect", node, *pytest_args]
        if not bouncer.keeps_prepared_statements:
            environment["DB_PREPARE_THRESHOLD"] = ""  # PgBouncer < 1.21 would lose them
            # This scenario clears every setting from the environment, so it runs with
            # prepared statements on, which this PgBouncer cannot carry.
            pytest_args = ["--deselect", ENVIRONMENT_ONLY_SCENARIO, *pytest_args]
        print(
            f"== pytest through PgBouncer (transaction mode, TLS) on port {bouncer.port},"
            f" prepared statements {'on' if bouncer.keeps_prepared_statements else 'off'}"
        )
        for flag, node in zip(pytest_args, pytest_args[1:], strict=False):
            if flag == "--deselect":
                print(f"   not through the pooler: {node}")
        command = [sys.executable, "-m", "pytest", *pytest_args]
        return subprocess.run(command, env=environment, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
