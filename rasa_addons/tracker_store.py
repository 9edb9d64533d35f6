"""Rasa's SQL tracker store, cheaper per turn (endpoints: `type: rasa_addons.tracker_store.CachedSQLTrackerStore`,
same keys as `type: SQL`; same table, so the web app and Rasa's own tools read it unchanged).

Per turn Rasa reads the conversation (every event since the session start, parsed and replayed) and
saves it (a COUNT over the same query, then the new rows). Here:

- `save` tags the tracker with (id of the newest row written, number of its events now stored) and
  keeps the object (bounded LRU per process, `cache_size`). The next `save` of that tracker inserts the
  events past the tagged number, without the COUNT query, when the conversation's newest row id is
  still the tagged one (one index lookup); otherwise it counts as Rasa does.
- `retrieve` hands the kept object over (and forgets it, so two callers never share one) when the
  database's newest row id and its number of events are still the tagged ones; otherwise it reads the
  database as Rasa does. A conversation is processed only under the lock store's lock, so a row written
  by another replica changes the newest id and the database is read: correct with one process or
  several replicas sharing PostgreSQL and Redis. A turn that failed before saving left its events
  unsaved, so the number differs and the database is read.
- SQLite: write-ahead log with synchronous=NORMAL. A commit is in the WAL file when `save` returns,
  before Rasa sends the reply, so a crash of Rasa loses nothing (only a power cut or kernel crash can
  lose the last commits); readers (the web app) no longer block the writer.
- An index on (sender_id, id) for the newest-row lookup.
- SQLite: connections are kept in a pool (SQLAlchemy 1.4 would open and close one per session).
"""
import itertools
import json
import logging
from collections import OrderedDict
from typing import Any, Dict, Optional, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)

DEFAULT_CACHE_SIZE = 2000
INDEX_NAME = "ix_events_sender_id_id"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


TAG = "_ssp_stored"  # attribute on a saved tracker: (newest row id, number of events stored)


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, cache_size: int = DEFAULT_CACHE_SIZE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            # SQLAlchemy 1.4 opens and closes a file database's connection for every session (NullPool), and
            # each new connection runs the pragmas: ~1 ms twice per turn. Keep connections in a pool instead
            # (Rasa uses the store from its one event-loop thread; the pool hands a connection to one user at a time).
            self.engine.dispose()
            self.engine = sa.create_engine(self.engine.url, poolclass=sa.pool.QueuePool, pool_size=2,
                                           connect_args={"check_same_thread": False})
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        table = self.SQLEvent.__table__
        sa.Index(INDEX_NAME, table.c.sender_id, table.c.id).create(self.engine, checkfirst=True)
        # built once: an ORM query object costs ~1 ms of Python per call, twice per turn
        self._newest_id_query = sa.select(sa.func.max(table.c.id)).where(table.c.sender_id == sa.bindparam("sid"))
        self.cache_size = int(cache_size)
        self._cache: OrderedDict[str, DialogueStateTracker] = OrderedDict()

    def _newest_id(self, session: Any, sender_id: str) -> Optional[int]:
        return session.execute(self._newest_id_query, {"sid": sender_id}).scalar()

    def cached(self, sender_id: str) -> bool:
        return sender_id in self._cache

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        tracker = self._cache.pop(sender_id, None)
        if tracker is not None:
            newest_id, stored = getattr(tracker, TAG)
            with self.session_scope() as session:
                if newest_id == self._newest_id(session, sender_id) and len(tracker.events) == stored:
                    return tracker
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        tag: Optional[Tuple[int, int]] = getattr(tracker, TAG, None)
        with self.session_scope() as session:
            newest = self._newest_id(session, tracker.sender_id)
            if tag is not None and tag[0] == newest:
                stored = tag[1]
            else:  # never saved by this process, or written elsewhere since: count as Rasa does
                stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
            rows = [self._row(tracker.sender_id, event)
                    for event in itertools.islice(tracker.events, stored, len(tracker.events))]
            if rows:  # one executemany (Core), not one ORM object per event
                session.execute(self.SQLEvent.__table__.insert(), rows)
                newest = self._newest_id(session, tracker.sender_id)
            session.commit()
        if newest is None or self.cache_size <= 0:
            return
        setattr(tracker, TAG, (newest, len(tracker.events)))
        self._cache[tracker.sender_id] = tracker
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    @staticmethod
    def _row(sender_id: str, event: Any) -> Dict[str, Any]:
        """The columns Rasa's SQLTrackerStore.save writes for an event."""
        data: Dict[str, Any] = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }
