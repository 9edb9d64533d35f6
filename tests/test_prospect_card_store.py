"""Cards read back from Rasa's SQL tracker store (what /start_follow_up does in a new conversation), on
SQLite and on PostgreSQL, with events written by Rasa's own SQLTrackerStore."""
import datetime as dt

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SlotSet

from ssp_coach.prospect_card import record, store
from test_web_postgres import PG_DB, PG_HOST, PG_PORT, PG_USER, _pg_listening
from test_web_tracker_reader import new_id, roleplay_events, write_conversation


def _card(roleplay_id, who):
    summary = {"persona_id": "zhao_engineer", "persona_name": "赵工", "scenario": "needs", "outcome": "prospect",
               "p_level": "P3", "trust": 45.0, "facts_record": [{"id": "budget", "status": "revealed"}]}
    values = {"card_contact": "赵工", "card_level": "P3", "card_level_reason": "比较中",
              "card_next_date": "2026-12-01", "card_next_purpose": "发报价"}
    return record.build(values, summary, roleplay_id, ["我明天把报价发给您。"], dt.date(2026, 11, 30), True,
                        trainee=who)


def _check(url, writer):
    who, other = "存储学员" + new_id()[:6], "别人" + new_id()[:6]
    first, second, theirs = new_id(), new_id(), new_id()
    write_conversation(writer, "s-" + new_id(), roleplay_events(who, first, outcome="prospect")
                       + [SlotSet("prospect_card", _card(first, who))])
    write_conversation(writer, "s-" + new_id(), roleplay_events(who, second, outcome="prospect")
                       + [SlotSet("prospect_card", _card(second, who))])
    write_conversation(writer, "s-" + new_id(), roleplay_events(other, theirs, outcome="prospect")
                       + [SlotSet("prospect_card", _card(theirs, other))])
    assert [c["roleplay_id"] for c in store.cards_of(who, url)] == [first, second]
    assert store.card_to_follow_up(who, url=url)["roleplay_id"] == second          # the latest open card
    assert store.card_to_follow_up(who, theirs, url=url) is None                   # never another's card
    write_conversation(writer, "s-" + new_id(), roleplay_events(who, new_id(), scenario="card_follow_up")
                       + [SlotSet("memory", {"follow_up": {"of": second}})])
    assert second in store.followed_up(url)
    assert store.card_to_follow_up(who, url=url)["roleplay_id"] == first           # the next one still open


def test_an_empty_tracker_store_has_no_cards(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert store.cards_of("谁", url) == [] and store.followed_up(url) == []


def test_cards_from_a_sqlite_tracker_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    _check(url, url)


@pytest.mark.skipif(not _pg_listening(), reason=f"no PostgreSQL server at {PG_HOST}:{PG_PORT}")
def test_cards_from_a_postgresql_tracker_store():
    writer = SQLTrackerStore(dialect="postgresql", host=PG_HOST, port=PG_PORT, db=PG_DB, username=PG_USER)
    _check(f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DB}", writer)
