"""Reading A卡 from Rasa's SQL tracker store (read-only), for a follow-up started in another
conversation: the card lives in `prospect_card` slot events, a follow-up's memory slot names the card
it follows up (`follow_up.of`). Works on SQLite and PostgreSQL (SQLAlchemy Core, the URL in
SSP_TRACKER_DB_URL)."""

import json
import os
from functools import lru_cache
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from ..tracker_events import EVENTS


@lru_cache(maxsize=4)
def _engine(url: str) -> sa.engine.Engine:
    return sa.create_engine(url)


def tracker_db_url() -> Optional[str]:
    return os.environ.get("SSP_TRACKER_DB_URL") or None


def _slot_values(url: str, name: str, contains: Optional[str] = None) -> List[Any]:
    query = (
        sa.select(EVENTS.c.data).where(EVENTS.c.type_name == "slot", EVENTS.c.action_name == name).order_by(EVENTS.c.id)
    )
    if contains:
        query = query.where(EVENTS.c.data.like(f"%{contains}%"))
    values: List[Any] = []
    engine = _engine(url)
    if not sa.inspect(engine).has_table("events"):  # Rasa has not stored a conversation yet
        return values
    with engine.connect() as conn:
        for (data,) in conn.execute(query):
            try:
                event = json.loads(data)
            except (TypeError, ValueError):
                continue
            if event.get("name") == name and event.get("value") is not None:
                values.append(event["value"])
    return values


def cards_of(trainee: str, url: Optional[str] = None) -> List[Dict[str, Any]]:
    """The trainee's cards (the last stored version of each role-play's card), oldest first."""
    url = url or tracker_db_url()
    if not url or not trainee:
        return []
    latest: Dict[str, Dict[str, Any]] = {}
    for card in _slot_values(url, "prospect_card"):
        if isinstance(card, dict) and card.get("trainee") == trainee and card.get("roleplay_id"):
            latest.pop(card["roleplay_id"], None)
            latest[card["roleplay_id"]] = card
    return list(latest.values())


def followed_up(url: Optional[str] = None) -> List[str]:
    """Role-play ids of cards a follow-up call was started for."""
    url = url or tracker_db_url()
    if not url:
        return []
    found = []
    for memory in _slot_values(url, "memory", '"follow_up"'):
        of = ((memory or {}).get("follow_up") or {}).get("of") if isinstance(memory, dict) else None
        if of and of not in found:
            found.append(of)
    return found


def card_to_follow_up(
    trainee: str, roleplay_id: Optional[str] = None, url: Optional[str] = None
) -> Optional[Dict[str, Any]]:
    """The card a follow-up is for: the one named, else the trainee's most recent card not followed up."""
    cards = [c for c in cards_of(trainee, url) if c.get("persona_id")]
    if roleplay_id:
        return next((c for c in cards if c["roleplay_id"] == roleplay_id), None)
    done = set(followed_up(url))
    open_cards = [c for c in cards if c["roleplay_id"] not in done]
    return open_cards[-1] if open_cards else None
