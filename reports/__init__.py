"""Telling: the probe's JSON, indicators and objectives, the static report, alert e-mails, evidence bundles and the dashboard."""
