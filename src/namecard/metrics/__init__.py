"""Counters and latency records behind /stats, /performance-report and /metrics."""
