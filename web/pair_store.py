"""Pair and trio rooms of a class (course drill: one consultant, one customer, optional observer), in the
review database next to web/class_store.py: the rooms, who sits where, the lines said (the consultant's
with the scorer's judgement) and the observer's ticks. Roles rotate: seat s plays ROLES[(s + rotation) % n]."""

import json
import secrets
import time
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

metadata = sa.MetaData()
ROLES = ("consultant", "customer", "observer")

rooms = sa.Table(
    "pair_rooms",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("class_id", sa.String(32), nullable=False, index=True),
    sa.Column("scenario", sa.String(32), nullable=False),
    sa.Column("persona", sa.String(64), nullable=False),
    sa.Column("rotation", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.Float, nullable=False),
)

seats = sa.Table(
    "pair_seats",
    metadata,
    sa.Column("room_id", sa.String(32), primary_key=True),
    sa.Column("member_id", sa.String(32), primary_key=True),
    sa.Column("seat", sa.Integer, nullable=False),
)

lines = sa.Table(
    "pair_lines",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room_id", sa.String(32), nullable=False, index=True),
    sa.Column("rotation", sa.Integer, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("member_id", sa.String(32), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("assessment", sa.Text, nullable=True),  # JSON: the scorer's judgement of a consultant line
    sa.Column("at", sa.Float, nullable=False),
)

ticks = sa.Table(
    "pair_ticks",
    metadata,
    sa.Column("line_id", sa.Integer, primary_key=True),
    sa.Column("observer_id", sa.String(32), nullable=False),
    sa.Column("techniques", sa.Text, nullable=False),  # JSON list of pattern codes the observer heard
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)


class PairStore:
    def __init__(self, engine: sa.engine.Engine):
        self.engine = engine
        metadata.create_all(engine)

    def create_room(self, class_id: str, scenario: str, persona: str, member_ids: List[str]) -> str:
        room_id = secrets.token_hex(8)
        with self.engine.begin() as c:
            c.execute(
                rooms.insert().values(
                    id=room_id,
                    class_id=class_id,
                    scenario=scenario,
                    persona=persona,
                    rotation=0,
                    created_at=time.time(),
                )
            )
            for seat, member_id in enumerate(member_ids):
                c.execute(seats.insert().values(room_id=room_id, member_id=member_id, seat=seat))
        return room_id

    def rooms_of(self, class_id: str) -> List[Dict[str, Any]]:
        with self.engine.connect() as c:
            found = c.execute(sa.select(rooms).where(rooms.c.class_id == class_id).order_by(rooms.c.created_at))
            return [dict(r) for r in found.mappings()]

    def room_of_member(self, member_id: str) -> Optional[Dict[str, Any]]:
        """The member's newest room, with its seats (member id -> seat)."""
        with self.engine.connect() as c:
            row = (
                c.execute(
                    sa.select(rooms)
                    .select_from(rooms.join(seats, seats.c.room_id == rooms.c.id))
                    .where(seats.c.member_id == member_id)
                    .order_by(rooms.c.created_at.desc())
                )
                .mappings()
                .first()
            )
        return self.get_room(row["id"]) if row else None

    def get_room(self, room_id: str) -> Optional[Dict[str, Any]]:
        with self.engine.connect() as c:
            row = c.execute(sa.select(rooms).where(rooms.c.id == room_id)).mappings().first()
            if row is None:
                return None
            room = dict(row)
            room["seats"] = {
                r["member_id"]: r["seat"]
                for r in c.execute(sa.select(seats).where(seats.c.room_id == room_id)).mappings()
            }
        return room

    def rotate(self, room_id: str) -> None:
        with self.engine.begin() as c:
            c.execute(rooms.update().where(rooms.c.id == room_id).values(rotation=rooms.c.rotation + 1))

    def add_line(self, room_id: str, rotation: int, role: str, member_id: str, text: str, assessment) -> int:
        with self.engine.begin() as c:
            result = c.execute(
                lines.insert().values(
                    room_id=room_id,
                    rotation=rotation,
                    role=role,
                    member_id=member_id,
                    text=text,
                    assessment=json.dumps(assessment, ensure_ascii=False) if assessment is not None else None,
                    at=time.time(),
                )
            )
            return int(result.inserted_primary_key[0])

    def lines_of(self, room_id: str) -> List[Dict[str, Any]]:
        with self.engine.connect() as c:
            found = c.execute(
                sa.select(lines, ticks.c.techniques.label("ticked"), ticks.c.comment, ticks.c.observer_id)
                .select_from(lines.outerjoin(ticks, ticks.c.line_id == lines.c.id))
                .where(lines.c.room_id == room_id)
                .order_by(lines.c.id)
            ).mappings()
            out = []
            for r in found:
                row = dict(r)
                row["assessment"] = json.loads(row["assessment"]) if row["assessment"] else None
                row["ticked"] = json.loads(row["ticked"]) if row["ticked"] is not None else None
                out.append(row)
            return out

    def tick(self, line_id: int, observer_id: str, techniques: List[str], comment: str) -> None:
        """The observer's judgement of one consultant line (a new tick replaces the earlier one)."""
        with self.engine.begin() as c:
            c.execute(ticks.delete().where(ticks.c.line_id == line_id))
            c.execute(
                ticks.insert().values(
                    line_id=line_id,
                    observer_id=observer_id,
                    techniques=json.dumps(sorted(set(techniques))),
                    comment=comment,
                    at=time.time(),
                )
            )


def role_of(room: Dict[str, Any], member_id: str) -> Optional[str]:
    seat = room["seats"].get(member_id)
    if seat is None:
        return None
    return ROLES[(seat + room["rotation"]) % len(room["seats"])]


def agreement(rows: List[Dict[str, Any]]) -> Optional[float]:
    """Share of the six patterns on which observer and scorer agreed, over the ticked consultant lines
    (0-100), or None when nothing was ticked."""
    from .labels import PATTERNS

    same = total = 0
    for row in rows:
        if row["ticked"] is None or not row["assessment"]:
            continue
        auto = set(row["assessment"].get("techniques") or [])
        for code in PATTERNS:
            total += 1
            same += (code in auto) == (code in row["ticked"])
    return round(100 * same / total, 1) if total else None


# -- the observer's course checklist beyond the six patterns ----------------------------------------
# Per consultant line: the listening probe heard (expand/clarify/repeat/summarise, "" = none) and the
# listening level (1-5, web/labels.LISTENING_LEVELS); per room and rotation: the scenario's stage steps ticked.
line_checks = sa.Table(
    "pair_line_checks",
    metadata,
    sa.Column("line_id", sa.Integer, primary_key=True),
    sa.Column("observer_id", sa.String(32), nullable=False),
    sa.Column("probe", sa.String(16), nullable=False),
    sa.Column("listening", sa.Integer, nullable=True),
    sa.Column("at", sa.Float, nullable=False),
)

step_ticks = sa.Table(
    "pair_step_ticks",
    metadata,
    sa.Column("room_id", sa.String(32), primary_key=True),
    sa.Column("rotation", sa.Integer, primary_key=True),
    sa.Column("item", sa.String(64), primary_key=True),  # a checklist item id of the room's scenario
    sa.Column("observer_id", sa.String(32), nullable=False),
    sa.Column("done", sa.Boolean, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)


class ChecklistStore:
    """The observer's probe / listening ticks per line and stage-step ticks per rotation (last wins)."""

    def __init__(self, engine: sa.engine.Engine):
        self.engine = engine
        metadata.create_all(engine)

    def check_line(self, line_id: int, observer_id: str, probe: str, listening: Optional[int]) -> None:
        with self.engine.begin() as c:
            c.execute(line_checks.delete().where(line_checks.c.line_id == line_id))
            c.execute(
                line_checks.insert().values(
                    line_id=line_id, observer_id=observer_id, probe=probe, listening=listening, at=time.time()
                )
            )

    def line_checks_of(self, room_id: str) -> Dict[int, Dict[str, Any]]:
        """line id -> {probe, listening} for the room's checked lines."""
        with self.engine.connect() as c:
            found = c.execute(
                sa.select(line_checks)
                .select_from(line_checks.join(lines, lines.c.id == line_checks.c.line_id))
                .where(lines.c.room_id == room_id)
            ).mappings()
            return {r["line_id"]: {"probe": r["probe"], "listening": r["listening"]} for r in found}

    def tick_step(self, room_id: str, rotation: int, item: str, observer_id: str, done: bool) -> None:
        with self.engine.begin() as c:
            c.execute(
                step_ticks.delete().where(
                    step_ticks.c.room_id == room_id, step_ticks.c.rotation == rotation, step_ticks.c.item == item
                )
            )
            c.execute(
                step_ticks.insert().values(
                    room_id=room_id, rotation=rotation, item=item, observer_id=observer_id, done=done, at=time.time()
                )
            )

    def steps_of(self, room_id: str, rotation: int) -> Dict[str, bool]:
        with self.engine.connect() as c:
            found = c.execute(
                sa.select(step_ticks.c.item, step_ticks.c.done).where(
                    step_ticks.c.room_id == room_id, step_ticks.c.rotation == rotation
                )
            )
            return {item: bool(done) for item, done in found}


def probe_agreement(rows: List[Dict[str, Any]], checks: Dict[int, Dict[str, Any]]) -> Optional[float]:
    """Share of checked consultant lines where the observer's probe is the reading's (0-100), or None."""
    same = total = 0
    for row in rows:
        check = checks.get(row["id"])
        if check is None or not row["assessment"]:
            continue
        auto = (row["assessment"].get("question") or {}).get("probe") or ""
        total += 1
        same += auto == check["probe"]
    return round(100 * same / total, 1) if total else None


def step_agreement(auto: Dict[str, bool], ticked: Dict[str, bool]) -> Optional[float]:
    """Share of the stage steps the observer ticked on which the checklist's own judgement agrees."""
    judged = [item for item in ticked if item in auto]
    return round(100 * sum(auto[i] == ticked[i] for i in judged) / len(judged), 1) if judged else None
