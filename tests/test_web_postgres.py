"""The tracker reader on PostgreSQL, with events written there by Rasa's own SQLTrackerStore
(the scaled-out set-up). Uses the local server at 127.0.0.1:5432, database `test` (trust auth)."""
import os
import socket

import pytest
from rasa.core.tracker_store import SQLTrackerStore

from test_web_tracker_reader import new_id, roleplay_events, write_conversation
from web.tracker_reader import TrackerReader

PG_HOST = os.environ.get("SSP_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("SSP_TEST_PG_PORT", "5432"))
PG_DB = os.environ.get("SSP_TEST_PG_DB", "test")
PG_USER = os.environ.get("SSP_TEST_PG_USER", "postgres")


def _pg_listening() -> bool:
    try:
        socket.create_connection((PG_HOST, PG_PORT), timeout=2).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _pg_listening(), reason=f"no PostgreSQL server at {PG_HOST}:{PG_PORT}")
def test_reader_works_on_postgresql_with_events_written_by_rasa():
    store = SQLTrackerStore(dialect="postgresql", host=PG_HOST, port=PG_PORT, db=PG_DB, username=PG_USER)
    rid, sender = new_id(), "pg-" + new_id()
    write_conversation(store, sender, roleplay_events("PG学员", rid, overall=64, customer_type="analytical"))
    reader = TrackerReader(f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DB}")
    listed = [rp for rp in reader.list_roleplays() if rp.roleplay_id == rid]
    assert len(listed) == 1 and listed[0].conversation_id == sender
    assert (listed[0].trainee, listed[0].customer_type, listed[0].overall) == ("PG学员", "analytical", 64.0)
    full = reader.get_roleplay(rid)
    assert [line.role for line in full.lines] == ["customer", "trainee", "customer", "coach", "trainee", "scorecard"]
    assert full.lines[1].assessment["evidence"][0]["text"] == "您说的很有道理"


@pytest.mark.skipif(not _pg_listening(), reason=f"no PostgreSQL server at {PG_HOST}:{PG_PORT}")
def test_cohort_reads_search_and_own_roleplays_on_postgresql():
    """The readers behind the cohort replies view, the transcript search and 我的进度, on PostgreSQL."""
    from rasa.shared.core.events import SlotSet, UserUttered

    from web.cohort import replies_using

    store = SQLTrackerStore(dialect="postgresql", host=PG_HOST, port=PG_PORT, db=PG_DB, username=PG_USER)
    rid, sender, name = new_id(), "pg-" + new_id(), "PG学员" + new_id()[:6]
    word = "独特词abc" + new_id()[:6]
    events = roleplay_events(name, rid, reply=f"您说的很有道理，{word}") + [
        UserUttered("难道您不想更安全吗", intent={"name": "consultant_reply"}),
        SlotSet("last_assessment", {"techniques": ["rhetorical"],
                                    "patterns": {"rhetorical": {"parts_present": ["q"], "quality": 0.5}}}),
    ]
    write_conversation(store, sender, events)
    reader = TrackerReader(f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DB}")
    assert [rp.roleplay_id for rp in reader.roleplays_of(name)] == [rid]
    assert reader.roleplays_of(name[:-1]) == [], "exact names only"
    assert reader.search_text(word) == {rid} and reader.search_text(word.upper()) == {rid}
    plays = reader.with_replies([sender])
    found = replies_using(plays, "rhetorical", worst_first=True)
    assert [(r.text, r.quality) for r in found] == [("难道您不想更安全吗", 50.0)]
