"""Acceptance features: the spec's scenarios, run against a local stack or any deployment."""
