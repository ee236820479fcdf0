"""Alerts after a campaign: incidents, one digest per ministry, and the mail transport that delivers them."""
