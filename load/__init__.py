"""Load tests (Locust) and the benchmark: `docs/testing.md` (load runs) and `docs/performance.md`."""
