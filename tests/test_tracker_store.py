"""rasa_addons.tracker_store.CachedSQLTrackerStore on a real SQLite file: the rows match the events,
the per-process cache never hides a write made elsewhere (another replica, or a turn that failed)."""
import asyncio
import json
import sqlite3

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from rasa_addons.tracker_store import CachedSQLTrackerStore

DOMAIN = Domain.from_dict({
    "slots": {"turns": {"type": "float", "influence_conversation": False, "mappings": [{"type": "custom"}]}},
    "actions": ["action_roleplay"],
})


def run(coro):
    return asyncio.run(coro)


def store(path, **kwargs) -> CachedSQLTrackerStore:
    return CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(path), **kwargs)


def turn(tracker, n: int) -> None:
    tracker.update(UserUttered(f"第{n}句", {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_roleplay"))
    tracker.update(SlotSet("turns", float(n)))
    tracker.update(BotUttered(f"回复{n}"))
    tracker.update(ActionExecuted("action_listen"))


def rows(path, sender):
    with sqlite3.connect(path) as db:
        found = db.execute("select data from events where sender_id=? order by id", (sender,))
        return [json.loads(d) for (d,) in found]


def talk(st, sender, n):
    tracker = run(st.get_or_create_tracker(sender))
    turn(tracker, n)
    run(st.save(tracker))
    return tracker


def test_every_event_is_stored_once_and_the_cache_is_used(tmp_path):
    path = tmp_path / "t.db"
    st = store(path)
    first = talk(st, "a", 1)
    assert st.cached("a")
    second = talk(st, "a", 2)
    assert second is first  # handed over from the cache, not rebuilt from the database
    stored = rows(path, "a")
    assert [e["event"] for e in stored] == [e.as_dict()["event"] for e in second.events]
    assert len(stored) == len(second.events)
    assert second.get_slot("turns") == 2.0
    with sqlite3.connect(path) as db:
        assert db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_a_write_by_another_replica_is_read_not_hidden_by_the_cache(tmp_path):
    path = tmp_path / "t.db"
    one, two = store(path), store(path)
    talk(one, "a", 1)
    talk(two, "a", 2)  # the other process reads the database, adds a turn
    tracker = talk(one, "a", 3)
    assert tracker.get_slot("turns") == 3.0
    texts = [e.get("text") for e in rows(path, "a") if e["event"] == "user"]
    assert texts == ["第1句", "第2句", "第3句"]  # nothing lost, nothing duplicated


def test_a_turn_that_failed_before_saving_leaves_no_trace(tmp_path):
    path = tmp_path / "t.db"
    st = store(path)
    talk(st, "a", 1)
    broken = run(st.retrieve("a"))
    broken.update(UserUttered("没有保存的一句"))  # the turn fails here: never saved
    again = run(st.retrieve("a"))
    assert again is not broken
    assert "没有保存的一句" not in [e.text for e in again.events if isinstance(e, UserUttered)]
    assert again.get_slot("turns") == 1.0


def test_saving_again_after_more_events_writes_only_the_new_ones(tmp_path):
    path = tmp_path / "t.db"
    st = store(path)
    tracker = run(st.get_or_create_tracker("a"))  # saved once inside, then used further
    turn(tracker, 1)
    run(st.save(tracker))
    turn(tracker, 2)
    run(st.save(tracker))
    assert len(rows(path, "a")) == len(tracker.events)


@pytest.mark.parametrize("size", [0, 1])
def test_a_small_or_disabled_cache_stays_correct(tmp_path, size):
    path = tmp_path / "t.db"
    st = store(path, cache_size=size)
    talk(st, "a", 1)
    talk(st, "b", 1)
    tracker = talk(st, "a", 2)
    assert len(st._cache) <= size
    assert len(rows(path, "a")) == len(tracker.events) and tracker.get_slot("turns") == 2.0


def test_sqlite_connections_are_kept_between_turns(tmp_path):
    import sqlalchemy as sa

    st = store(tmp_path / "t.db")
    connects = []
    sa.event.listen(st.engine, "connect", lambda *_: connects.append(1))
    for n in range(1, 6):
        tracker = talk(st, "a", n)
        st._cache.clear()  # read back from the database each turn too
    assert len(connects) <= 2  # not one per session (SQLAlchemy 1.4's default for a SQLite file)
    with st.engine.connect() as connection:
        assert connection.exec_driver_sql("pragma journal_mode").scalar() == "wal"
    assert len(rows(tmp_path / "t.db", "a")) == len(tracker.events)
