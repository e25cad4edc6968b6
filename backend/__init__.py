"""Todo task backend: the locked `/api/{user_id}/tasks` API for a Better Auth frontend."""
