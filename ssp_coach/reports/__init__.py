"""Reports: the end-of-session scorecard, its checklist and the radar chart of the six patterns."""

from .radar import radar_data_uri, radar_svg
from .scorecard import build, render_text

__all__ = ["build", "render_text", "radar_svg", "radar_data_uri"]
