"""Measuring the detectors on a labelled corpus of mini-sites, through the real browser."""
