"""Shared state in Redis: every key in one registry, and the one error callers see for it."""
