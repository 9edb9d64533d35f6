"""A卡 follow-ups for the progress page and the trainer: each card with its next contact and whether the
follow-up is due, overdue or locked (the course's rule, ssp_coach.prospect_card.follow_up.due_status)."""

import datetime as dt
from typing import Any, Dict, Iterable, List, Optional

from ssp_coach.prospect_card import follow_up, store

from .tracker_reader import RolePlay

FLAGGED = ("overdue", "locked", "due")


def follow_up_rows(
    roleplays: Iterable[RolePlay], tracker_db_url: str, today: Optional[dt.date] = None
) -> List[Dict[str, Any]]:
    """One row per role-play with a card, most urgent first: overdue and locked, then due, then the rest."""
    today = today or dt.date.today()
    done = set(store.followed_up(tracker_db_url))
    rows = []
    for rp in roleplays:
        card = rp.prospect_card
        if not card:
            continue
        status = follow_up.due_status(card, today, followed_up=rp.roleplay_id in done)
        rows.append(
            {
                "rp": rp,
                "card": card,
                "status": status["status"],
                "label": status["label"],
                "flagged": status["status"] in FLAGGED,
                "days_overdue": status["days_overdue"],
            }
        )
    order = {"locked": 0, "overdue": 1, "due": 2, "scheduled": 3, "unscheduled": 4, "done": 5}
    return sorted(rows, key=lambda r: (order[r["status"]], -r["days_overdue"]))
