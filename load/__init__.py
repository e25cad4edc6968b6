"""Load tests (Locust) and the benchmark: the README, "Load testing", and docs/performance.md."""
