"""Telling: the probe's JSON, HTML reports, and (later) indicators, exports and alert e-mails."""
