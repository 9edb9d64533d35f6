"""CSV export of the (filtered) session list, one row per role-play with per-pattern scores."""

import csv
import io
import time
from typing import Iterable

from .session_list import Row
from .tracker_reader import PATTERNS

COLUMNS = [
    "roleplay_id",
    "conversation_id",
    "trainee",
    "started",
    "ended",
    "customer_type",
    "scenario",
    "mode",
    "outcome",
    "p_level",
    "turns",
    "auto_score",
    "override_score",
    "override_reason",
    "final_score",
] + [f"pattern_{code}" for code in PATTERNS]


def _cell(value) -> str:
    """Text that a spreadsheet would run as a formula is prefixed with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else ""


def sessions_csv(rows: Iterable[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        rp, override = row.rp, row.override or {}
        writer.writerow(
            [
                _cell(v)
                for v in [
                    rp.roleplay_id,
                    rp.conversation_id,
                    rp.trainee,
                    _when(rp.started_at),
                    _when(rp.ended_at),
                    rp.customer_type,
                    rp.scenario,
                    rp.mode,
                    rp.outcome or ("unfinished" if not rp.finished else ""),
                    rp.p_level,
                    rp.turns,
                    rp.overall,
                    override.get("score"),
                    override.get("reason"),
                    row.final_score,
                ]
                + [rp.pattern_scores[code] for code in PATTERNS]
            ]
        )
    return "\ufeff" + out.getvalue()  # BOM: Excel opens the Chinese text as UTF-8
