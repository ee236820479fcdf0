"""Third-party audience-measurement and advertising hosts, which no check needs.

They are refused at Chromium's resolver (no request leaves, no interception round trip): a probe
then neither downloads and runs their scripts nor counts as a visitor in a service's audience
figures, which a campaign visiting every service several times a day would skew. First-party
analytics (a ministry's own Matomo on its own domain) cannot be told apart this way and run.
"""

from __future__ import annotations

TRACKER_HOSTS = (
    # Google Analytics, Tag Manager, DoubleClick
    "www.google-analytics.com", "ssl.google-analytics.com", "*.google-analytics.com",
    "www.googletagmanager.com", "*.doubleclick.net",
    # AT Internet / Piano Analytics (Xiti)
    "*.xiti.com", "tag.aticdn.net", "*.ati-host.net",
    # Eulerian, Tag Commander, Matomo Cloud
    "*.eulerian.net", "cdn.tagcommander.com", "*.commander1.com", "*.matomo.cloud",
    # Session replay and heat maps
    "*.hotjar.com", "*.hotjar.io", "*.contentsquare.net", "*.clarity.ms",
    # Social advertising pixels
    "connect.facebook.net", "snap.licdn.com", "static.ads-twitter.com",
)


def resolver_rules() -> str:
    """Chromium's --host-resolver-rules value that makes these hosts fail to resolve, at once."""
    return ", ".join(f"MAP {host} ~NOTFOUND" for host in TRACKER_HOSTS)
