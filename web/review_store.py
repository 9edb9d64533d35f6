"""The review database: trainer accounts, trainer login sessions, turn comments and score overrides.

Only what Rasa does not keep lives here; transcripts and automatic scores stay in the tracker store.
SQLAlchemy Core 1.4, so the same code runs on SQLite (default) and PostgreSQL.
"""
import hashlib
import time
from pathlib import Path
from typing import Dict, List, Optional

import sqlalchemy as sa

metadata = sa.MetaData()

trainers = sa.Table(
    "trainers", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.String(512), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

# Only a hash of each session token is stored, so a leaked database does not log anyone in.
trainer_sessions = sa.Table(
    "trainer_sessions", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("trainer", sa.String(64), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)

comments = sa.Table(
    "comments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("roleplay_id", sa.String(64), nullable=False, index=True),
    sa.Column("event_id", sa.Integer, nullable=False),   # the tracker store's events.id of the turn
    sa.Column("trainer", sa.String(64), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

overrides = sa.Table(
    "score_overrides", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("roleplay_id", sa.String(64), nullable=False, index=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("trainer", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ReviewStore:
    def __init__(self, url: str):
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(url, future=True)
        metadata.create_all(self.engine)

    # -- trainer accounts ----------------------------------------------------------------------
    def get_password_hash(self, name: str) -> Optional[str]:
        with self.engine.connect() as c:
            return c.execute(sa.select(trainers.c.password_hash).where(trainers.c.name == name)).scalar()

    def trainer_names(self) -> List[str]:
        with self.engine.connect() as c:
            return list(c.execute(sa.select(trainers.c.name).order_by(trainers.c.name)).scalars())

    def set_password_hash(self, name: str, password_hash: str, create: bool) -> bool:
        """Create (create=True) or update the account; False when it already exists / does not exist."""
        with self.engine.begin() as c:
            exists = c.execute(sa.select(trainers.c.name).where(trainers.c.name == name)).first()
            if create == bool(exists):
                return False
            if create:
                c.execute(trainers.insert().values(name=name, password_hash=password_hash, created_at=time.time()))
            else:
                c.execute(trainers.update().where(trainers.c.name == name).values(password_hash=password_hash))
                c.execute(trainer_sessions.delete().where(trainer_sessions.c.trainer == name))
        return True

    # -- trainer login sessions ----------------------------------------------------------------
    def create_session(self, token: str, trainer: str, csrf_token: str, expires_at: float) -> None:
        with self.engine.begin() as c:
            c.execute(trainer_sessions.delete().where(trainer_sessions.c.expires_at < time.time()))
            c.execute(trainer_sessions.insert().values(token_hash=token_hash(token), trainer=trainer,
                                                       csrf_token=csrf_token, expires_at=expires_at))

    def find_session(self, token: str) -> Optional[Dict]:
        with self.engine.connect() as c:
            row = c.execute(sa.select(trainer_sessions).where(
                trainer_sessions.c.token_hash == token_hash(token),
                trainer_sessions.c.expires_at > time.time())).mappings().first()
        return dict(row) if row else None

    def delete_session(self, token: str) -> None:
        with self.engine.begin() as c:
            c.execute(trainer_sessions.delete().where(trainer_sessions.c.token_hash == token_hash(token)))

    # -- comments and overrides ----------------------------------------------------------------
    def add_comment(self, roleplay_id: str, event_id: int, trainer: str, text: str) -> None:
        with self.engine.begin() as c:
            c.execute(comments.insert().values(roleplay_id=roleplay_id, event_id=event_id, trainer=trainer,
                                               text=text, created_at=time.time()))

    def comments_for(self, roleplay_id: str) -> Dict[int, List[Dict]]:
        """Comments of a role-play, grouped by the event id of the turn they belong to."""
        with self.engine.connect() as c:
            rows = c.execute(sa.select(comments).where(comments.c.roleplay_id == roleplay_id)
                             .order_by(comments.c.id)).mappings().all()
        grouped: Dict[int, List[Dict]] = {}
        for row in rows:
            grouped.setdefault(row["event_id"], []).append(dict(row))
        return grouped

    def add_override(self, roleplay_id: str, score: float, reason: str, trainer: str) -> None:
        with self.engine.begin() as c:
            c.execute(overrides.insert().values(roleplay_id=roleplay_id, score=score, reason=reason,
                                                trainer=trainer, created_at=time.time()))

    def override_history(self, roleplay_id: str) -> List[Dict]:
        """All overrides of a role-play, newest first (the first one is the one in force)."""
        with self.engine.connect() as c:
            rows = c.execute(sa.select(overrides).where(overrides.c.roleplay_id == roleplay_id)
                             .order_by(overrides.c.id.desc())).mappings().all()
        return [dict(r) for r in rows]

    def latest_overrides(self) -> Dict[str, Dict]:
        """The override in force for every role-play that has one."""
        with self.engine.connect() as c:
            rows = c.execute(sa.select(overrides).order_by(overrides.c.id)).mappings().all()
        return {r["roleplay_id"]: dict(r) for r in rows}
