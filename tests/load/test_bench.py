"""The benchmark's CPU bound: the most requests/s the cores allow at the CPU per request."""

from __future__ import annotations

from load.bench.__main__ import BARE, MIX, cpu_bound
from load.bench.tools import Result


def _result(name: str, per_second: float, server: float | None, database: float | None) -> Result:
    return Result(
        name, 50, int(per_second * 10), per_second, 50.0, 90.0, 120.0, 0, server, database
    )


def test_the_bound_is_the_cores_over_the_server_and_database_cpu_per_request() -> None:
    results = [_result(MIX, 800, 1.5, 0.5), _result(BARE, 9000, 0.2, 0.0)]

    bounds = cpu_bound(results, cores=2)

    assert bounds == {
        "CPU bound at 50 connections": "2 cores / (1.50 ms server + 0.50 ms database)"
        " = at most 1,000 requests/s; measured 800 (80% of it)"
    }


def test_no_bound_is_claimed_where_the_cpu_was_not_measured() -> None:
    assert cpu_bound([_result(MIX, 800, None, 0.5)], cores=2) == {}
    assert cpu_bound([_result(MIX, 800, 0.0, 0.0)], cores=2) == {}
