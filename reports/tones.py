"""How a tone or a grid colour is drawn: the badge class of our own static pages (report, bundles) and the DSFR
badge of the dashboard, for check statuses (by tone) and indicator levels (by the grid's colour) alike."""

from __future__ import annotations

from foundation.grid import Colour
from foundation.tones import Tone

# Classes of the badges in reports/site/templates/base.html and the bundle's page.
STATIC_BADGE = {Tone.GOOD: "good", Tone.MEDIUM: "warn", Tone.BAD: "bad", Tone.NEUTRAL: "info", Tone.UNKNOWN: "unknown",
                Colour.GREEN: "good", Colour.YELLOW: "warn", Colour.RED: "bad", Colour.BLUE: "info",
                Colour.GREY: "unknown"}
# DSFR `fr-badge--…` modifiers.
DSFR_BADGE = {Tone.GOOD: "success", Tone.MEDIUM: "warning", Tone.BAD: "error", Tone.NEUTRAL: "info", Tone.UNKNOWN: "new",
              **{colour: colour.dsfr for colour in Colour}}
