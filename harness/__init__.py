"""Harness shared by features/, tests/ and load/: tokens, a JWKS server, a live backend,
throwaway databases, the launcher for another team's backend, and the leak scan."""
