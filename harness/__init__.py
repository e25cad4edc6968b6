"""Harness shared by features/, tests/ and load/: token forging, a JWKS server, a live backend."""
