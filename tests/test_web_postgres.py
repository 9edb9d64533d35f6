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
