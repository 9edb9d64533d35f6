"""The six speech patterns: structural parts found by rules (rules.py) and a per-pattern classifier."""
