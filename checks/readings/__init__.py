"""Readings of a captured page that several checks share, below every check: no check imports another."""
