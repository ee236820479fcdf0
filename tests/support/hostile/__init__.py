"""Hostile sites and process counting for the reliability tests (issue #9)."""
