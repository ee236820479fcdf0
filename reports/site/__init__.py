"""The static HTML report (`veilleur report --out DIR`): services × checks, indicators, evidence."""
