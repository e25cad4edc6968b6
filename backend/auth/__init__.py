"""Bearer token verification, compatible with Better Auth. Knows nothing of the database."""
