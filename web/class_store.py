"""Classroom data in the review database: classes, their members and members' devices, assignments,
which conversation each member used for an assignment, and failed join attempts (rate limit).

Own SQLAlchemy metadata, created on the review store's engine (SQLite by default, PostgreSQL in the
scale-out set-up), as ReviewStore does for its tables. Transcripts stay in the tracker store: a member's
role-play is found through the conversation id recorded here.
"""

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from .review_store import token_hash

metadata = sa.MetaData()
# No look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B): a code read off a projector is typed right the first time.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6  # 25**6 ≈ 2.4e8 codes; with the join rate limit, guessing one is hopeless

classes = sa.Table(
    "classes",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("day", sa.String(10), nullable=False),  # YYYY-MM-DD
    sa.Column("groups", sa.Integer, nullable=False, default=0),  # 0 = no groups
    sa.Column("join_code", sa.String(8), nullable=False, unique=True),
    sa.Column("trainer", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

members = sa.Table(
    "class_members",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("class_id", sa.String(32), nullable=False, index=True),
    sa.Column("name", sa.String(40), nullable=False),
    sa.Column("employee_no", sa.String(20), nullable=False, default=""),
    sa.Column("group_no", sa.Integer, nullable=True),  # 1..groups, None without groups
    sa.Column("joined_at", sa.Float, nullable=False),
)

# One row per device (browser) of a member: only the hash of the device token is kept.
devices = sa.Table(
    "class_devices",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("member_id", sa.String(32), nullable=False, index=True),
    sa.Column("created_at", sa.Float, nullable=False),
)

assignments = sa.Table(
    "class_assignments",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("class_id", sa.String(32), nullable=False, index=True),
    sa.Column("group_no", sa.Integer, nullable=True),  # None = the whole class
    sa.Column("scenario", sa.String(32), nullable=False),
    sa.Column("customer_type", sa.String(32), nullable=False),  # a type code, "random" or "rotate"
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("persona", sa.String(64), nullable=True),  # everyone meets this customer (None = picked per member)
    sa.Column("minutes", sa.Integer, nullable=False),  # time limit, 0 = none
    sa.Column("revealed", sa.Boolean, nullable=False, default=False),  # exam scores shown on the board
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("ended_at", sa.Float, nullable=True),
)

# The conversation a member used for an assignment (newest row wins) and the customer type given.
attempts = sa.Table(
    "class_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("assignment_id", sa.String(32), nullable=False, index=True),
    sa.Column("member_id", sa.String(32), nullable=False, index=True),
    sa.Column("conversation_id", sa.String(64), nullable=False, index=True),
    sa.Column("customer_type", sa.String(32), nullable=False),
    sa.Column("started_at", sa.Float, nullable=False),
)

join_failures = sa.Table(
    "class_join_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("address", sa.String(64), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
)


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What the trainee typed, as a code: upper case, spaces and dashes dropped."""
    return "".join(ch for ch in (text or "").upper() if ch not in " -")


@dataclass
class Member:
    id: str
    class_id: str
    name: str
    employee_no: str
    group_no: Optional[int]
    joined_at: float

    @property
    def display(self) -> str:
        return f"{self.name} {self.employee_no}" if self.employee_no else self.name


@dataclass
class Assignment:
    id: str
    class_id: str
    group_no: Optional[int]
    scenario: str
    customer_type: str
    mode: str
    persona: Optional[str]
    minutes: int
    revealed: bool
    created_at: float
    ended_at: Optional[float]

    def ended(self, now: Optional[float] = None) -> bool:
        """Ended by the trainer, or its time limit has run out."""
        now = time.time() if now is None else now
        if self.ended_at is not None and self.ended_at <= now:
            return True
        return bool(self.minutes) and now >= self.created_at + self.minutes * 60

    def for_member(self, member: Member) -> bool:
        return self.group_no is None or self.group_no == member.group_no


class ClassNameTaken(Exception):
    """Another class already has this name: members are known by 「名字（班级名）」, so names must differ."""


class NameTaken(Exception):
    """Another member of the class already has this name (and employee number)."""


class ClassStore:
    def __init__(self, engine: sa.engine.Engine):
        self.engine = engine
        metadata.create_all(engine)

    # -- classes ---------------------------------------------------------------------------------
    def create_class(self, name: str, day: str, groups: int, trainer: str) -> Dict[str, Any]:
        class_id = secrets.token_hex(8)
        with self.engine.begin() as c:
            if c.execute(sa.select(classes.c.id).where(classes.c.name == name)).first() is not None:
                raise ClassNameTaken(name)
            taken = set(c.execute(sa.select(classes.c.join_code)).scalars())
            code = new_join_code()
            while code in taken:
                code = new_join_code()
            c.execute(
                classes.insert().values(
                    id=class_id,
                    name=name,
                    day=day,
                    groups=groups,
                    join_code=code,
                    trainer=trainer,
                    created_at=time.time(),
                )
            )
        return self.get_class(class_id) or {}

    def get_class(self, class_id: str) -> Optional[Dict[str, Any]]:
        with self.engine.connect() as c:
            row = c.execute(sa.select(classes).where(classes.c.id == class_id)).mappings().first()
        return dict(row) if row else None

    def class_by_code(self, code: str) -> Optional[Dict[str, Any]]:
        with self.engine.connect() as c:
            row = c.execute(sa.select(classes).where(classes.c.join_code == normalise_code(code))).mappings().first()
        return dict(row) if row else None

    def list_classes(self) -> List[Dict[str, Any]]:
        with self.engine.connect() as c:
            rows = c.execute(sa.select(classes).order_by(classes.c.created_at.desc())).mappings().all()
        return [dict(r) for r in rows]

    # -- joining, the rate limit ----------------------------------------------------------------
    def join_failures_since(self, address: str, since: float) -> int:
        with self.engine.connect() as c:
            return int(
                c.execute(
                    sa.select(sa.func.count())
                    .select_from(join_failures)
                    .where(join_failures.c.address == address, join_failures.c.at >= since)
                ).scalar()
                or 0
            )

    def record_join_failure(self, address: str, keep_seconds: float) -> None:
        now = time.time()
        with self.engine.begin() as c:
            c.execute(join_failures.delete().where(join_failures.c.at < now - keep_seconds))
            c.execute(join_failures.insert().values(address=address, at=now))

    def join(self, class_id: str, name: str, employee_no: str, token: str) -> Member:
        """A new member bound to this device token; NameTaken when the name (+ number) is already used.
        With groups, the member goes to the smallest group."""
        now = time.time()
        with self.engine.begin() as c:
            klass = c.execute(sa.select(classes).where(classes.c.id == class_id)).mappings().one()
            same = c.execute(
                sa.select(members.c.id).where(
                    members.c.class_id == class_id, members.c.name == name, members.c.employee_no == employee_no
                )
            ).first()
            if same:
                raise NameTaken()
            group_no = None
            if klass["groups"]:
                sizes = {g: 0 for g in range(1, klass["groups"] + 1)}
                for g in c.execute(sa.select(members.c.group_no).where(members.c.class_id == class_id)).scalars():
                    if g in sizes:
                        sizes[g] += 1
                group_no = min(sizes, key=lambda g: (sizes[g], g))
            member_id = secrets.token_hex(8)
            c.execute(
                members.insert().values(
                    id=member_id,
                    class_id=class_id,
                    name=name,
                    employee_no=employee_no,
                    group_no=group_no,
                    joined_at=now,
                )
            )
            c.execute(devices.insert().values(token_hash=token_hash(token), member_id=member_id, created_at=now))
        return Member(member_id, class_id, name, employee_no, group_no, now)

    def member_for_token(self, token: Optional[str]) -> Optional[Member]:
        if not token:
            return None
        with self.engine.connect() as c:
            row = (
                c.execute(
                    sa.select(members)
                    .select_from(members.join(devices, devices.c.member_id == members.c.id))
                    .where(devices.c.token_hash == token_hash(token))
                )
                .mappings()
                .first()
            )
        return Member(**row) if row else None

    def members_of(self, class_id: str) -> List[Member]:
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(members).where(members.c.class_id == class_id).order_by(members.c.joined_at)
            ).mappings()
            return [Member(**r) for r in rows]

    def get_member(self, member_id: str) -> Optional[Member]:
        with self.engine.connect() as c:
            row = c.execute(sa.select(members).where(members.c.id == member_id)).mappings().first()
        return Member(**row) if row else None

    # -- the trainer's member management ---------------------------------------------------------
    def rename_member(self, member_id: str, name: str, employee_no: str) -> None:
        with self.engine.begin() as c:
            member = c.execute(sa.select(members).where(members.c.id == member_id)).mappings().one()
            clash = c.execute(
                sa.select(members.c.id).where(
                    members.c.class_id == member["class_id"],
                    members.c.name == name,
                    members.c.employee_no == employee_no,
                    members.c.id != member_id,
                )
            ).first()
            if clash:
                raise NameTaken()
            c.execute(members.update().where(members.c.id == member_id).values(name=name, employee_no=employee_no))

    def set_group(self, member_id: str, group_no: Optional[int]) -> None:
        with self.engine.begin() as c:
            c.execute(members.update().where(members.c.id == member_id).values(group_no=group_no))

    def merge_members(self, source_id: str, target_id: str) -> None:
        """The same person joined twice (two devices): `source`'s devices and attempts become `target`'s."""
        with self.engine.begin() as c:
            c.execute(devices.update().where(devices.c.member_id == source_id).values(member_id=target_id))
            c.execute(attempts.update().where(attempts.c.member_id == source_id).values(member_id=target_id))
            c.execute(
                written_answers.update().where(written_answers.c.member_id == source_id).values(member_id=target_id)
            )
            c.execute(members.delete().where(members.c.id == source_id))

    def remove_member(self, member_id: str) -> None:
        """The member and their devices are gone (the device is logged out of the class); the tracker's
        transcripts are kept."""
        with self.engine.begin() as c:
            c.execute(devices.delete().where(devices.c.member_id == member_id))
            c.execute(attempts.delete().where(attempts.c.member_id == member_id))
            c.execute(members.delete().where(members.c.id == member_id))

    # -- assignments -----------------------------------------------------------------------------
    def create_assignment(
        self,
        class_id: str,
        group_no: Optional[int],
        scenario: str,
        customer_type: str,
        mode: str,
        minutes: int,
        persona: Optional[str] = None,
    ) -> Assignment:
        assignment_id = secrets.token_hex(8)
        with self.engine.begin() as c:
            c.execute(
                assignments.insert().values(
                    id=assignment_id,
                    class_id=class_id,
                    group_no=group_no,
                    scenario=scenario,
                    customer_type=customer_type,
                    mode=mode,
                    persona=persona,
                    minutes=minutes,
                    revealed=False,
                    created_at=time.time(),
                    ended_at=None,
                )
            )
        found = self.get_assignment(assignment_id)
        assert found is not None
        return found

    def get_assignment(self, assignment_id: str) -> Optional[Assignment]:
        with self.engine.connect() as c:
            row = c.execute(sa.select(assignments).where(assignments.c.id == assignment_id)).mappings().first()
        return _assignment(row) if row else None

    def assignments_of(self, class_id: str) -> List[Assignment]:
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(assignments).where(assignments.c.class_id == class_id).order_by(assignments.c.created_at)
            ).mappings()
            return [_assignment(r) for r in rows]

    def end_assignment(self, assignment_id: str) -> None:
        with self.engine.begin() as c:
            c.execute(
                assignments.update()
                .where(assignments.c.id == assignment_id, assignments.c.ended_at.is_(None))
                .values(ended_at=time.time())
            )

    def reveal(self, assignment_id: str, revealed: bool = True) -> None:
        with self.engine.begin() as c:
            c.execute(assignments.update().where(assignments.c.id == assignment_id).values(revealed=revealed))

    # -- attempts: which conversation a member used ---------------------------------------------
    def record_attempt(self, assignment_id: str, member_id: str, conversation_id: str, customer_type: str) -> None:
        with self.engine.begin() as c:
            c.execute(
                attempts.insert().values(
                    assignment_id=assignment_id,
                    member_id=member_id,
                    conversation_id=conversation_id,
                    customer_type=customer_type,
                    started_at=time.time(),
                )
            )

    def attempts_of(self, assignment_id: str) -> Dict[str, Dict[str, Any]]:
        """member id -> their newest attempt (conversation_id, customer_type, started_at)."""
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(attempts).where(attempts.c.assignment_id == assignment_id).order_by(attempts.c.id)
            ).mappings()
            return {r["member_id"]: dict(r) for r in rows}

    def attempt_for_conversation(self, conversation_id: str) -> Optional[Dict[str, Any]]:
        with self.engine.connect() as c:
            row = (
                c.execute(
                    sa.select(attempts)
                    .where(attempts.c.conversation_id == conversation_id)
                    .order_by(attempts.c.id.desc())
                )
                .mappings()
                .first()
            )
        return dict(row) if row else None


def _assignment(row) -> Assignment:
    values = dict(row)
    values["revealed"] = bool(values["revealed"])
    return Assignment(**values)


# -- written exercises (content/exercises.yml) as class tasks -----------------------------------------
written_tasks = sa.Table(
    "class_written",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("class_id", sa.String(32), nullable=False, index=True),
    sa.Column("group_no", sa.Integer, nullable=True),  # None = the whole class
    sa.Column("exercise", sa.String(64), nullable=False),
    sa.Column("names_hidden", sa.Boolean, nullable=False, default=False),  # board shows no names
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("ended_at", sa.Float, nullable=True),
)

# Every answer submitted (history kept); a member's latest answer to a prompt is the one that counts.
written_answers = sa.Table(
    "class_written_answers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("task_id", sa.String(32), nullable=False, index=True),
    sa.Column("member_id", sa.String(32), nullable=False, index=True),
    sa.Column("exercise", sa.String(64), nullable=False),
    sa.Column("prompt_index", sa.Integer, nullable=False),  # 0-based
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("grade", sa.Text, nullable=False),  # ExerciseGrade.as_dict() as JSON
    sa.Column("at", sa.Float, nullable=False),
)


@dataclass
class WrittenTask:
    id: str
    class_id: str
    group_no: Optional[int]
    exercise: str
    names_hidden: bool
    created_at: float
    ended_at: Optional[float]

    def ended(self) -> bool:
        return self.ended_at is not None

    def for_member(self, member: Member) -> bool:
        return self.group_no is None or self.group_no == member.group_no


def _written(row) -> WrittenTask:
    values = dict(row)
    values["names_hidden"] = bool(values["names_hidden"])
    return WrittenTask(**values)


class WrittenStore:
    """The written tasks of classes and their answers, on the class store's engine."""

    def __init__(self, engine: sa.engine.Engine):
        self.engine = engine
        metadata.create_all(engine)

    def create(self, class_id: str, group_no: Optional[int], exercise: str) -> WrittenTask:
        task_id = secrets.token_hex(8)
        with self.engine.begin() as c:
            c.execute(
                written_tasks.insert().values(
                    id=task_id,
                    class_id=class_id,
                    group_no=group_no,
                    exercise=exercise,
                    names_hidden=False,
                    created_at=time.time(),
                    ended_at=None,
                )
            )
        found = self.get(task_id)
        assert found is not None
        return found

    def get(self, task_id: str) -> Optional[WrittenTask]:
        with self.engine.connect() as c:
            row = c.execute(sa.select(written_tasks).where(written_tasks.c.id == task_id)).mappings().first()
        return _written(row) if row else None

    def of_class(self, class_id: str) -> List[WrittenTask]:
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(written_tasks)
                .where(written_tasks.c.class_id == class_id)
                .order_by(written_tasks.c.created_at)
            ).mappings()
            return [_written(r) for r in rows]

    def end(self, task_id: str) -> None:
        with self.engine.begin() as c:
            c.execute(
                written_tasks.update()
                .where(written_tasks.c.id == task_id, written_tasks.c.ended_at.is_(None))
                .values(ended_at=time.time())
            )

    def hide_names(self, task_id: str, hidden: bool) -> None:
        with self.engine.begin() as c:
            c.execute(written_tasks.update().where(written_tasks.c.id == task_id).values(names_hidden=hidden))

    def add_answer(
        self, task_id: str, member_id: str, exercise: str, prompt_index: int, text: str, grade: Dict[str, Any]
    ) -> None:
        with self.engine.begin() as c:
            c.execute(
                written_answers.insert().values(
                    task_id=task_id,
                    member_id=member_id,
                    exercise=exercise,
                    prompt_index=prompt_index,
                    text=text,
                    grade=json.dumps(grade, ensure_ascii=False),
                    at=time.time(),
                )
            )

    def answers(self, task_id: str, member_id: Optional[str] = None, latest: bool = True) -> List[Dict[str, Any]]:
        """Answers in the order given (grade decoded); latest=True keeps one per member and prompt, the newest."""
        query = sa.select(written_answers).where(written_answers.c.task_id == task_id)
        if member_id is not None:
            query = query.where(written_answers.c.member_id == member_id)
        with self.engine.connect() as c:
            rows = [dict(r) for r in c.execute(query.order_by(written_answers.c.id)).mappings()]
        for r in rows:
            r["grade"] = json.loads(r["grade"])
        if not latest:
            return rows
        newest = {(r["member_id"], r["prompt_index"]): r for r in rows}
        return sorted(newest.values(), key=lambda r: r["id"])
