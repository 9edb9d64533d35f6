"""The one reading of a trainee turn: computed once, consumed by the scorer, the coach and the customer."""

from .turn import TurnReading, read_turn

__all__ = ["TurnReading", "read_turn"]
