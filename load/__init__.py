"""Load tests (Locust) and the benchmark: see the README, "Load testing and benchmarks"."""
