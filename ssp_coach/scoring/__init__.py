"""The scorer: judges the one reading of a turn against the six patterns, FBI and the course's skills."""

from .engine import score_reply, score_turn

__all__ = ["score_reply", "score_turn"]
