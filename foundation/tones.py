"""Whether a status or a level is good news: the tone every screen colours it with."""

from __future__ import annotations

from enum import Enum


class Tone(str, Enum):
    GOOD = "good"
    MEDIUM = "medium"
    BAD = "bad"
    NEUTRAL = "neutral"  # not a judgement: not applicable, declared figure, automated evidence
    UNKNOWN = "unknown"  # no figure to judge: the check could not look, or nothing was imported

    @property
    def rank(self) -> int | None:
        """Order of merit, for progress; None when the level is not a judgement."""
        return {Tone.GOOD: 2, Tone.MEDIUM: 1, Tone.BAD: 0}.get(self)
