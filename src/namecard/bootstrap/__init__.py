"""Wiring: settings, the frozen services built once at start, readers and shared state."""
