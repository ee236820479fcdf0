"""Keeping things: the registry, campaigns, service runs, captures, findings, and evidence files."""
