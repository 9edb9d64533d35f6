"""The scoring engine: six speech patterns, skills (FBI, questions, objections, closing), score, feedback."""
from .engine import score_reply

__all__ = ["score_reply"]
