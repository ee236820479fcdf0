"""The browser side: visit a service, discover its key pages, capture what they show.

Probes capture; they never decide an indicator (that is checks/).
"""
