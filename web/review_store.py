"""The review database: trainer accounts, trainer login sessions, turn comments, score overrides and
trainers' corrections of the automatic judgement of a turn (techniques and FBI parts).

Only what Rasa does not keep lives here; transcripts and automatic scores stay in the tracker store.
SQLAlchemy Core 1.4, so the same code runs on SQLite (default) and PostgreSQL.
"""

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import sqlalchemy as sa

metadata = sa.MetaData()

trainers = sa.Table(
    "trainers",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.String(512), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

# Only a hash of each session token is stored, so a leaked database does not log anyone in.
trainer_sessions = sa.Table(
    "trainer_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("trainer", sa.String(64), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("last_seen", sa.Float, nullable=True),  # for the idle timeout (added later: may be NULL)
)

# Failed trainer logins, kept in the database so throttling survives restarts and is shared by every
# web process: one row per failure, with the account name tried and the client address.
login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account", sa.String(64), nullable=False, index=True),
    sa.Column("address", sa.String(64), nullable=False, index=True),
    sa.Column("failed_at", sa.Float, nullable=False, index=True),
)

comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("roleplay_id", sa.String(64), nullable=False, index=True),
    sa.Column("event_id", sa.Integer, nullable=False),  # the tracker store's events.id of the turn
    sa.Column("trainer", sa.String(64), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

overrides = sa.Table(
    "score_overrides",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("roleplay_id", sa.String(64), nullable=False, index=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("trainer", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

# A trainer's correction of one trainee turn: the techniques and FBI parts the turn really has. Every save
# adds a row (history kept); the newest row of a (roleplay_id, event_id) is the one in force, and a row with
# `cleared` withdraws the correction (back to the automatic judgement). The row is a self-contained training
# item: the reply, the customer's previous line, the scorer's stage and the customer type are copied in, and
# the automatic judgement beside it, so `make train` needs only this database.
corrections = sa.Table(
    "turn_corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("roleplay_id", sa.String(64), nullable=False, index=True),
    sa.Column("event_id", sa.Integer, nullable=False),  # the tracker store's events.id of the trainee turn
    sa.Column("reply", sa.Text, nullable=False),
    sa.Column("context", sa.Text, nullable=False),  # the customer's line before the reply ("" if none)
    sa.Column("stage", sa.String(32), nullable=False),
    sa.Column("customer_type", sa.String(32), nullable=False),
    sa.Column("labels", sa.Text, nullable=False),  # JSON list of pattern codes (corrected)
    sa.Column("fbi", sa.Text, nullable=False),  # JSON list of FBI parts (corrected)
    sa.Column("auto_labels", sa.Text, nullable=False),  # JSON list: the automatic judgement when corrected
    sa.Column("auto_fbi", sa.Text, nullable=False),
    sa.Column("cleared", sa.Boolean, nullable=False, default=False),
    sa.Column("trainer", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)


def _codes(raw: Any) -> List[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _correction(row) -> Dict[str, Any]:
    out = dict(row)
    for key in ("labels", "fbi", "auto_labels", "auto_fbi"):
        out[key] = _codes(out[key])
    out["cleared"] = bool(out["cleared"])
    return out


def _private_sqlite_file(path: Path) -> None:
    """The review database holds password hashes: created 0600 (an existing one is made 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ReviewStore:
    def __init__(self, url: str):
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            _private_sqlite_file(Path(url[len("sqlite:///") :]))
        self.engine = sa.create_engine(url, future=True)
        metadata.create_all(self.engine)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """Databases created by an older version lack trainer_sessions.last_seen: add it (SQLite and PostgreSQL)."""
        have = {c["name"] for c in sa.inspect(self.engine).get_columns("trainer_sessions")}
        if "last_seen" not in have:
            with self.engine.begin() as c:
                c.execute(sa.text("ALTER TABLE trainer_sessions ADD COLUMN last_seen FLOAT"))

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
        now = time.time()
        with self.engine.begin() as c:
            c.execute(trainer_sessions.delete().where(trainer_sessions.c.expires_at < now))
            c.execute(
                trainer_sessions.insert().values(
                    token_hash=token_hash(token),
                    trainer=trainer,
                    csrf_token=csrf_token,
                    expires_at=expires_at,
                    last_seen=now,
                )
            )

    def find_session(self, token: str, idle_seconds: Optional[float] = None) -> Optional[Dict]:
        """The live session of this token. With idle_seconds, a session unused for longer is ended
        (deleted) and None is returned; otherwise its last use is recorded."""
        now = time.time()
        with self.engine.begin() as c:
            row = (
                c.execute(
                    sa.select(trainer_sessions).where(
                        trainer_sessions.c.token_hash == token_hash(token), trainer_sessions.c.expires_at > now
                    )
                )
                .mappings()
                .first()
            )
            if row is None:
                return None
            if idle_seconds is not None:
                if now - (row["last_seen"] or 0) > idle_seconds:
                    c.execute(trainer_sessions.delete().where(trainer_sessions.c.token_hash == row["token_hash"]))
                    return None
                if now - (row["last_seen"] or 0) > min(5.0, idle_seconds / 4):  # not a write on every request
                    c.execute(
                        trainer_sessions.update()
                        .where(trainer_sessions.c.token_hash == row["token_hash"])
                        .values(last_seen=now)
                    )
        return dict(row)

    def delete_session(self, token: str) -> None:
        with self.engine.begin() as c:
            c.execute(trainer_sessions.delete().where(trainer_sessions.c.token_hash == token_hash(token)))

    # -- failed logins (throttling, see web/login_guard.py) --------------------------------------
    def record_login_failure(self, account: str, address: str, keep_seconds: float) -> None:
        now = time.time()
        with self.engine.begin() as c:
            c.execute(login_failures.delete().where(login_failures.c.failed_at < now - keep_seconds))
            c.execute(login_failures.insert().values(account=account[:64], address=address[:64], failed_at=now))

    def login_failure_counts(self, account: str, address: str, since: float) -> Dict[str, int]:
        """Recent failures: from this address (any account), for this account (any address), and for
        this account from this address."""
        recent = login_failures.c.failed_at >= since
        with self.engine.connect() as c:

            def count(*where):
                return (
                    c.execute(sa.select(sa.func.count()).select_from(login_failures).where(recent, *where)).scalar()
                    or 0
                )

            return {
                "address": count(login_failures.c.address == address[:64]),
                "account": count(login_failures.c.account == account[:64]),
                "account_address": count(
                    login_failures.c.account == account[:64], login_failures.c.address == address[:64]
                ),
            }

    def clear_login_failures(self, account: str, address: Optional[str] = None) -> int:
        """Forget failures for an account (from one address, or from all: an unlock). Returns how many."""
        where = [login_failures.c.account == account[:64]]
        if address is not None:
            where.append(login_failures.c.address == address[:64])
        with self.engine.begin() as c:
            return c.execute(login_failures.delete().where(*where)).rowcount or 0

    def locked_accounts(self, since: float, limit: int) -> List[Dict]:
        """Accounts with at least `limit` failures since `since`: name, failures, last failure."""
        with self.engine.connect() as c:
            rows = (
                c.execute(
                    sa.select(
                        login_failures.c.account,
                        sa.func.count().label("failures"),
                        sa.func.max(login_failures.c.failed_at).label("last"),
                    )
                    .where(login_failures.c.failed_at >= since)
                    .group_by(login_failures.c.account)
                    .having(sa.func.count() >= limit)
                    .order_by(login_failures.c.account)
                )
                .mappings()
                .all()
            )
        return [dict(r) for r in rows]

    # -- comments and overrides ----------------------------------------------------------------
    def add_comment(self, roleplay_id: str, event_id: int, trainer: str, text: str) -> None:
        with self.engine.begin() as c:
            c.execute(
                comments.insert().values(
                    roleplay_id=roleplay_id, event_id=event_id, trainer=trainer, text=text, created_at=time.time()
                )
            )

    def comments_for(self, roleplay_id: str) -> Dict[int, List[Dict]]:
        """Comments of a role-play, grouped by the event id of the turn they belong to."""
        with self.engine.connect() as c:
            rows = (
                c.execute(sa.select(comments).where(comments.c.roleplay_id == roleplay_id).order_by(comments.c.id))
                .mappings()
                .all()
            )
        grouped: Dict[int, List[Dict]] = {}
        for row in rows:
            grouped.setdefault(row["event_id"], []).append(dict(row))
        return grouped

    def add_override(self, roleplay_id: str, score: float, reason: str, trainer: str) -> None:
        with self.engine.begin() as c:
            c.execute(
                overrides.insert().values(
                    roleplay_id=roleplay_id, score=score, reason=reason, trainer=trainer, created_at=time.time()
                )
            )

    def override_history(self, roleplay_id: str) -> List[Dict]:
        """All overrides of a role-play, newest first (the first one is the one in force)."""
        with self.engine.connect() as c:
            rows = (
                c.execute(
                    sa.select(overrides).where(overrides.c.roleplay_id == roleplay_id).order_by(overrides.c.id.desc())
                )
                .mappings()
                .all()
            )
        return [dict(r) for r in rows]

    def latest_overrides(self) -> Dict[str, Dict]:
        """The override in force for every role-play that has one."""
        with self.engine.connect() as c:
            rows = c.execute(sa.select(overrides).order_by(overrides.c.id)).mappings().all()
        return {r["roleplay_id"]: dict(r) for r in rows}

    # -- trainers' corrections of a turn's techniques and FBI parts -----------------------------
    def add_correction(
        self,
        roleplay_id: str,
        event_id: int,
        trainer: str,
        *,
        reply: str,
        context: str,
        stage: str,
        customer_type: str,
        labels: Sequence[str],
        fbi: Sequence[str],
        auto_labels: Sequence[str],
        auto_fbi: Sequence[str],
        cleared: bool = False,
    ) -> None:
        """Record a correction (or, with cleared=True, its withdrawal); the newest one is in force."""
        with self.engine.begin() as c:
            c.execute(
                corrections.insert().values(
                    roleplay_id=roleplay_id,
                    event_id=event_id,
                    reply=reply,
                    context=context,
                    stage=stage,
                    customer_type=customer_type,
                    labels=json.dumps(list(labels)),
                    fbi=json.dumps(list(fbi)),
                    auto_labels=json.dumps(list(auto_labels)),
                    auto_fbi=json.dumps(list(auto_fbi)),
                    cleared=cleared,
                    trainer=trainer,
                    created_at=time.time(),
                )
            )

    def correction_history(self, roleplay_id: str) -> Dict[int, List[Dict[str, Any]]]:
        """Every correction of a role-play by turn (event id), newest first: the first one is in force
        unless it is `cleared`."""
        with self.engine.connect() as c:
            rows = (
                c.execute(
                    sa.select(corrections)
                    .where(corrections.c.roleplay_id == roleplay_id)
                    .order_by(corrections.c.id.desc())
                )
                .mappings()
                .all()
            )
        grouped: Dict[int, List[Dict[str, Any]]] = {}
        for row in rows:
            grouped.setdefault(row["event_id"], []).append(_correction(row))
        return grouped

    def corrections_in_force(self) -> List[Dict[str, Any]]:
        """The correction in force of every corrected turn (withdrawn ones left out), oldest first."""
        latest: Dict[tuple, Dict[str, Any]] = {}
        with self.engine.connect() as c:
            for row in c.execute(sa.select(corrections).order_by(corrections.c.id)).mappings():
                latest[(row["roleplay_id"], row["event_id"])] = _correction(row)
        return [row for row in latest.values() if not row["cleared"]]

    # -- review workflow: status and tags of a role-play, comment edits and deletions ----------------
    def set_marks(self, roleplay_id: str, trainer: str, reviewed: bool, flagged: bool, tags: Sequence[str]) -> None:
        """Record a role-play's review status and tags; the newest record is in force, earlier ones stay."""
        with self.engine.begin() as c:
            c.execute(
                roleplay_marks.insert().values(
                    roleplay_id=roleplay_id,
                    reviewed=reviewed,
                    flagged=flagged,
                    tags=json.dumps(list(tags), ensure_ascii=False),
                    trainer=trainer,
                    created_at=time.time(),
                )
            )

    def marks_history(self, roleplay_id: str) -> List[Dict[str, Any]]:
        """Every status/tags record of a role-play, newest first (the first one is in force)."""
        with self.engine.connect() as c:
            rows = (
                c.execute(
                    sa.select(roleplay_marks)
                    .where(roleplay_marks.c.roleplay_id == roleplay_id)
                    .order_by(roleplay_marks.c.id.desc())
                )
                .mappings()
                .all()
            )
        return [_marks(r) for r in rows]

    def latest_marks(self) -> Dict[str, Dict[str, Any]]:
        """The status/tags in force of every role-play that has any."""
        with self.engine.connect() as c:
            rows = c.execute(sa.select(roleplay_marks).order_by(roleplay_marks.c.id)).mappings().all()
        return {r["roleplay_id"]: _marks(r) for r in rows}

    def comment(self, comment_id: int) -> Optional[Dict[str, Any]]:
        with self.engine.connect() as c:
            row = c.execute(sa.select(comments).where(comments.c.id == comment_id)).mappings().first()
        return dict(row) if row else None

    def edit_comment(self, comment_id: int, trainer: str, text: str) -> bool:
        """Replace a comment's text; the previous text is kept in comment_edits. False if it is gone."""
        return self._change_comment(comment_id, trainer, "edit", text)

    def delete_comment(self, comment_id: int, trainer: str) -> bool:
        """Hide a comment; its last text is kept in comment_edits. False if it is already gone."""
        return self._change_comment(comment_id, trainer, "delete", None)

    def _change_comment(self, comment_id: int, trainer: str, action: str, text: Optional[str]) -> bool:
        with self.engine.begin() as c:
            row = c.execute(sa.select(comments).where(comments.c.id == comment_id)).mappings().first()
            if row is None or comment_id in self._deleted_ids(c, [comment_id]):
                return False
            c.execute(
                comment_edits.insert().values(
                    comment_id=comment_id,
                    action=action,
                    previous_text=row["text"],
                    trainer=trainer,
                    created_at=time.time(),
                )
            )
            if text is not None:
                c.execute(comments.update().where(comments.c.id == comment_id).values(text=text))
        return True

    @staticmethod
    def _deleted_ids(c, ids: Sequence[int]) -> set:
        query = sa.select(comment_edits.c.comment_id).where(
            comment_edits.c.comment_id.in_(list(ids)), comment_edits.c.action == "delete"
        )
        return set(c.execute(query).scalars())

    def live_comments_for(self, roleplay_id: str) -> Dict[int, List[Dict[str, Any]]]:
        """As comments_for, without deleted comments; each comment carries its edit history, newest first
        (`history`: who changed it when, and the text before), and `edited_by`/`edited_at` of the last edit."""
        grouped = self.comments_for(roleplay_id)
        ids = [c["id"] for turn in grouped.values() for c in turn]
        if not ids:
            return grouped
        with self.engine.connect() as c:
            edits = (
                c.execute(
                    sa.select(comment_edits)
                    .where(comment_edits.c.comment_id.in_(ids))
                    .order_by(comment_edits.c.id.desc())
                )
                .mappings()
                .all()
            )
        history: Dict[int, List[Dict[str, Any]]] = {}
        for e in edits:
            history.setdefault(e["comment_id"], []).append(dict(e))
        out: Dict[int, List[Dict[str, Any]]] = {}
        for event_id, turn in grouped.items():
            for comment in turn:
                changes = history.get(comment["id"], [])
                if any(e["action"] == "delete" for e in changes):
                    continue
                comment["history"] = changes
                comment["edited_by"] = changes[0]["trainer"] if changes else None
                comment["edited_at"] = changes[0]["created_at"] if changes else None
                out.setdefault(event_id, []).append(comment)
        return out


# Review status and tags of a role-play: every save adds a row (history kept), the newest is in force.
roleplay_marks = sa.Table(
    "roleplay_marks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("roleplay_id", sa.String(64), nullable=False, index=True),
    sa.Column("reviewed", sa.Boolean, nullable=False, default=False),
    sa.Column("flagged", sa.Boolean, nullable=False, default=False),
    sa.Column("tags", sa.Text, nullable=False),  # JSON list of tag texts
    sa.Column("trainer", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

# Edits and deletions of trainer comments: the text before each change, who changed it and when. A comment
# with a `delete` row is no longer shown; its text stays here.
comment_edits = sa.Table(
    "comment_edits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("comment_id", sa.Integer, nullable=False, index=True),
    sa.Column("action", sa.String(8), nullable=False),  # edit | delete
    sa.Column("previous_text", sa.Text, nullable=False),
    sa.Column("trainer", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)


def _marks(row) -> Dict[str, Any]:
    out = dict(row)
    out["tags"] = _codes(out["tags"])
    out["reviewed"], out["flagged"] = bool(out["reviewed"]), bool(out["flagged"])
    return out


# When a trainee last opened 我的进度: trainer feedback newer than this is shown as 新反馈.
feedback_seen = sa.Table(
    "feedback_seen",
    metadata,
    # a class member's chat name 「名字 工号（班级名）」 can be over 80 characters
    sa.Column("trainee", sa.String(128), primary_key=True),
    sa.Column("seen_at", sa.Float, nullable=False),
)


def feedback_seen_at(store: ReviewStore, trainee: str) -> float:
    with store.engine.connect() as c:
        value = c.execute(sa.select(feedback_seen.c.seen_at).where(feedback_seen.c.trainee == trainee)).scalar()
    return float(value or 0.0)


def mark_feedback_seen(store: ReviewStore, trainee: str, when: float) -> None:
    with store.engine.begin() as c:
        done = c.execute(feedback_seen.update().where(feedback_seen.c.trainee == trainee).values(seen_at=when))
        if not done.rowcount:
            c.execute(feedback_seen.insert().values(trainee=trainee, seen_at=when))


def feedback_times(store: ReviewStore, roleplay_ids: Sequence[str]) -> Dict[str, float]:
    """The time of the newest trainer feedback (comment, comment edit, score override) per role-play."""
    ids = list(roleplay_ids)
    if not ids:
        return {}
    latest: Dict[str, float] = {}
    with store.engine.connect() as c:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            deleted = sa.select(comment_edits.c.comment_id).where(comment_edits.c.action == "delete")
            queries = [
                sa.select(comments.c.roleplay_id, sa.func.max(comments.c.created_at))
                .where(comments.c.roleplay_id.in_(chunk), comments.c.id.not_in(deleted))
                .group_by(comments.c.roleplay_id),
                sa.select(overrides.c.roleplay_id, sa.func.max(overrides.c.created_at))
                .where(overrides.c.roleplay_id.in_(chunk))
                .group_by(overrides.c.roleplay_id),
                sa.select(comments.c.roleplay_id, sa.func.max(comment_edits.c.created_at))
                .join(comment_edits, comment_edits.c.comment_id == comments.c.id)
                .where(
                    comments.c.roleplay_id.in_(chunk),
                    comment_edits.c.action == "edit",  # a deleted comment is nothing new to read
                    comments.c.id.not_in(deleted),
                )
                .group_by(comments.c.roleplay_id),
            ]
            for query in queries:
                for rid, when in c.execute(query):
                    if when is not None:
                        latest[rid] = max(latest.get(rid, 0.0), float(when))
    return latest
