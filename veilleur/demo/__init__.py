"""Demo: fictional French public online services, served on loopback, to show what Veilleur finds.

See `veilleur.demo.server` (serve_sites, registry_yaml) and the sites in `sites/`.
"""

from veilleur.demo.server import DemoServer, DemoSite, SiteConfig, registry_yaml, serve_sites

__all__ = ["DemoServer", "DemoSite", "SiteConfig", "registry_yaml", "serve_sites"]
