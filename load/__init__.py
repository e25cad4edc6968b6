"""Load tests (Locust) and the benchmark: `docs/testing.md` (load runs), `docs/performance.md`."""
