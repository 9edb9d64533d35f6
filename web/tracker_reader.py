"""Reads role-plays straight from Rasa's SQL tracker store (table `events`), read-only.

A conversation (sender_id) is split into role-plays at each `slot` event named `roleplay_id`; a
`restart` closes the current one. Slot values are read defensively: a missing or odd value never
raises, it just shows as empty.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import sqlalchemy as sa

from ssp_coach.codes import PATTERN_CODES as PATTERNS
from ssp_coach.tracker_events import EVENTS
from ssp_coach.transcript import COACH_MARK, SCORECARD_MARK

# Slots copied onto the role-play whenever they change while it runs.
ROLEPLAY_SLOTS = (
    "trainee",
    "customer_type",
    "scenario",
    "mode",
    "persona_id",
    "outcome",
    "p_level",
    "summary",
    "stage",
    "prospect_card",
)
LIST_SLOTS = ROLEPLAY_SLOTS + ("roleplay_id", "trust", "last_assessment")
ROLEPLAY_ID_RE = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")

events_table = EVENTS  # Rasa's events table


@dataclass
class Line:
    """One message of a transcript."""

    event_id: int
    timestamp: float
    role: str  # trainee | customer | coach | scorecard
    text: str
    intent: Optional[str] = None
    assessment: Optional[Dict[str, Any]] = None
    trust_after: Optional[float] = None
    image: Optional[str] = None

    @property
    def is_command(self) -> bool:
        return self.role == "trainee" and self.text.startswith("/")


@dataclass
class RolePlay:
    roleplay_id: str
    conversation_id: str
    started_at: float
    ended_at: float
    slots: Dict[str, Any] = field(default_factory=dict)
    trust: List[float] = field(default_factory=list)  # trust at the start, then after each turn
    turns: int = 0  # assessed trainee replies
    turn_scores: List[float] = field(default_factory=list)  # each assessed reply's score, in order
    lines: List[Line] = field(default_factory=list)
    assessments: List[Dict[str, Any]] = field(default_factory=list)  # each assessed reply's, in order
    assessment_events: List[int] = field(default_factory=list)  # the events.id of each assessment's slot event

    def _text(self, name: str) -> str:
        value = self.slots.get(name)
        return value if isinstance(value, str) else ""

    trainee = property(lambda self: self._text("trainee"))
    customer_type = property(lambda self: self._text("customer_type"))
    scenario = property(lambda self: self._text("scenario"))
    mode = property(lambda self: self._text("mode"))
    persona_id = property(lambda self: self._text("persona_id"))
    p_level = property(lambda self: self._text("p_level"))

    @property
    def summary(self) -> Dict[str, Any]:
        value = self.slots.get("summary")
        return value if isinstance(value, dict) else {}

    @property
    def prospect_card(self) -> Dict[str, Any]:
        """The A卡 filled after this role-play (ssp_coach.prospect_card.record), or {}."""
        value = self.slots.get("prospect_card")
        return value if isinstance(value, dict) and value.get("roleplay_id") == self.roleplay_id else {}

    @property
    def scorecard(self) -> Dict[str, Any]:
        card = self.summary.get("scorecard")
        return card if isinstance(card, dict) else {}

    @property
    def outcome(self) -> str:
        outcome = self.summary.get("outcome")
        return self._text("outcome") or (outcome if isinstance(outcome, str) else "")

    @property
    def finished(self) -> bool:
        return bool(self.summary)

    @property
    def overall(self) -> Optional[float]:
        return _number(self.scorecard.get("overall"))

    @property
    def pattern_scores(self) -> Dict[str, Optional[float]]:
        patterns = self.scorecard.get("patterns")
        patterns = patterns if isinstance(patterns, dict) else {}
        return {
            code: _number((patterns.get(code) or {}).get("score") if isinstance(patterns.get(code), dict) else None)
            for code in PATTERNS
        }

    @property
    def radar_svg(self) -> str:
        svg = self.summary.get("radar_svg")
        return svg if isinstance(svg, str) and svg.lstrip().startswith("<svg") else ""


def _number(value: Any) -> Optional[float]:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return round(float(value), 1)
    return None


def _bot_role(text: str, metadata: Dict[str, Any]) -> str:
    if text.startswith(SCORECARD_MARK):
        return "scorecard"
    if metadata.get("role") == "coach" or text.startswith(COACH_MARK):
        return "coach"
    return "customer"


class _Splitter:
    """Walks one conversation's events in order and cuts them into role-plays."""

    def __init__(self, conversation_id: str, with_lines: bool):
        self.conversation_id = conversation_id
        self.with_lines = with_lines
        self.slots: Dict[str, Any] = {}
        self.current: Optional[RolePlay] = None
        self.done: List[RolePlay] = []
        # Bot lines since the last user message: Rasa stores an action's messages before the events it
        # returns, so a role-play's briefing and opening line come just before its roleplay_id.
        self.since_user: List[Line] = []

    def feed(self, event_id: int, type_name: str, timestamp: Optional[float], data: Dict[str, Any]) -> None:
        ts = float(timestamp or data.get("timestamp") or 0)
        rp = self.current
        if rp is not None:
            rp.ended_at = max(rp.ended_at, ts)
        if type_name == "restart":
            self._close()
            self.slots = {}
        elif type_name == "slot":
            self._slot(str(data.get("name")), data.get("value"), ts, event_id)
        elif type_name == "user":
            self.since_user = []
            if rp is not None and self.with_lines:
                intent = ((data.get("parse_data") or {}).get("intent") or {}).get("name")
                rp.lines.append(Line(event_id, ts, "trainee", str(data.get("text") or ""), intent=intent))
        elif self.with_lines and type_name == "bot":
            line = self._bot(event_id, ts, data)
            self.since_user.append(line)
            if rp is not None:
                rp.lines.append(line)

    def _slot(self, name: str, value: Any, ts: float, event_id: int = 0) -> None:
        if name == "roleplay_id":
            if value:
                opening = self.since_user
                if self.current is not None:
                    self.current.lines = [x for x in self.current.lines if all(x is not o for o in opening)]
                self._close()
                self.current = RolePlay(
                    str(value), self.conversation_id, ts, ts, slots={k: self.slots.get(k) for k in ROLEPLAY_SLOTS}
                )
                self.current.lines.extend(opening)
            return
        self.slots[name] = value
        rp = self.current
        if rp is None:
            return
        if name in ROLEPLAY_SLOTS:
            rp.slots[name] = value
        elif name == "trust":
            trust = _number(value)
            if trust is None:
                return
            # Rasa only records a changed trust, so each turn's entry starts as a copy of the last one
            # (see last_assessment below) and is overwritten here when this turn changed it.
            if rp.trust:
                rp.trust[-1] = trust
            else:
                rp.trust.append(trust)
            last = self._last_trainee_line()
            if last is not None and last.assessment is not None:
                last.trust_after = trust
        elif name == "last_assessment" and isinstance(value, dict):
            rp.turns += 1
            score = _number(value.get("score"))
            if score is not None:
                rp.turn_scores.append(score)
            rp.assessments.append(value)
            rp.assessment_events.append(event_id)
            if rp.trust:
                rp.trust.append(rp.trust[-1])
            last = self._last_trainee_line()
            if last is not None:
                last.assessment = value
                last.trust_after = rp.trust[-1] if rp.trust else None

    def _bot(self, event_id: int, ts: float, data: Dict[str, Any]) -> Line:
        text = str(data.get("text") or "")
        extra: Dict[str, Any] = data["data"] if isinstance(data.get("data"), dict) else {}
        role = _bot_role(text, data.get("metadata") or {})
        shown = text[len(COACH_MARK) :] if text.startswith(COACH_MARK) else text
        image = extra.get("image") if isinstance(extra.get("image"), str) else None
        return Line(event_id, ts, role, shown, image=image)

    def _last_trainee_line(self) -> Optional[Line]:
        if self.current is None:
            return None
        return next((line for line in reversed(self.current.lines) if line.role == "trainee"), None)

    def _close(self) -> None:
        if self.current is not None:
            self.done.append(self.current)
            self.current = None

    def finish(self) -> List[RolePlay]:
        self._close()
        return self.done


def _decode(raw: Optional[str]) -> Dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class TrackerReader:
    def __init__(self, url: str):
        self.engine = sa.create_engine(url, future=True)
        self._list_cache: Optional[Tuple[Tuple[Any, ...], List[RolePlay]]] = None

    def _split(self, rows: Iterable, with_lines: bool) -> List[RolePlay]:
        splitters: Dict[str, _Splitter] = {}
        for row in rows:
            splitter = splitters.setdefault(row.sender_id, _Splitter(row.sender_id, with_lines))
            splitter.feed(row.id, row.type_name, row.timestamp, _decode(row.data))
        return [rp for s in splitters.values() for rp in s.finish()]

    def _has_table(self) -> bool:
        return sa.inspect(self.engine).has_table("events")

    def list_roleplays(self) -> List[RolePlay]:
        """Every role-play of every conversation, without transcripts (only the slot events are read).
        Decoding the slot JSON is most of the cost, so the result is kept until the events table changes
        (Rasa only appends; the newest id and the row count tell)."""
        if not self._has_table():
            return []
        t = events_table
        with self.engine.connect() as conn:
            stamp = tuple(conn.execute(sa.select(sa.func.max(t.c.id), sa.func.count()).select_from(t)).one())
        cached = self._list_cache
        if cached is not None and cached[0] == stamp:
            return list(cached[1])
        plays = self._read_roleplays()
        self._list_cache = (stamp, plays)
        return list(plays)

    def _read_roleplays(self) -> List[RolePlay]:
        with self.engine.connect() as conn:
            return self._list_rows(conn)

    def _list_rows(self, conn, senders: Optional[Sequence[str]] = None, with_user: bool = False) -> List[RolePlay]:
        """Role-plays built from the events a list needs: restarts and the listed slots (and, `with_user`,
        the trainee's messages), of these conversations (of every one when None)."""
        t = events_table
        types = ("restart", "user") if with_user else ("restart",)
        wanted = sa.or_(t.c.type_name.in_(types), sa.and_(t.c.type_name == "slot", t.c.action_name.in_(LIST_SLOTS)))
        if senders is None:
            query = sa.select(t).where(wanted).order_by(t.c.sender_id, t.c.id)
            return self._split(conn.execute(query), with_lines=with_user)
        found: List[RolePlay] = []
        for first in range(0, len(senders), 500):  # bounded IN lists
            chunk = sa.select(t).where(t.c.sender_id.in_(senders[first : first + 500]), wanted)
            found += self._split(conn.execute(chunk.order_by(t.c.sender_id, t.c.id)), with_lines=with_user)
        return found

    def roleplays_in(self, conversation_ids: Iterable[str]) -> List[RolePlay]:
        """The role-plays of these conversations, without transcripts (as list_roleplays)."""
        ids = sorted(set(conversation_ids))
        if not ids or not self._has_table():
            return []
        with self.engine.connect() as conn:
            return self._list_rows(conn, ids)

    def roleplays_of(self, trainee: str) -> List[RolePlay]:
        """The role-plays whose `trainee` slot is exactly this name (as list_roleplays, fewer rows read)."""
        if not trainee or not self._has_table():
            return []
        t = events_table
        forms = {json.dumps(trainee), json.dumps(trainee, ensure_ascii=False)}  # with quotes: 张 is not 张伟
        with self.engine.connect() as conn:
            senders = (
                conn.execute(
                    sa.select(t.c.sender_id)
                    .distinct()
                    .where(
                        t.c.type_name == "slot",
                        t.c.action_name == "trainee",
                        sa.or_(*[t.c.data.contains(f, autoescape=True) for f in forms]),
                    )
                )
                .scalars()
                .all()
            )
            plays = self._list_rows(conn, senders) if senders else []
        return [rp for rp in plays if rp.trainee == trainee]

    def with_replies(self, conversation_ids: Iterable[str]) -> List[RolePlay]:
        """The role-plays of these conversations with only the trainee's lines (each with its assessment):
        user and slot events are read, bot messages are not."""
        ids = sorted(set(conversation_ids))
        if not ids or not self._has_table():
            return []
        with self.engine.connect() as conn:
            return self._list_rows(conn, ids, with_user=True)

    def search_text(self, text: str) -> Set[str]:
        """Ids of the role-plays whose transcript (trainee, customer or coach lines) contains the text,
        case-insensitively. The SQL narrows to conversations whose stored JSON holds the text (as written,
        or \\u-escaped as Rasa writes it); their transcripts are then read and checked line by line."""
        if not text or not self._has_table():
            return set()
        t = events_table
        forms = {json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}
        wanted = text.casefold()
        with self.engine.connect() as conn:
            senders = (
                conn.execute(
                    sa.select(t.c.sender_id)
                    .distinct()
                    .where(
                        t.c.type_name.in_(("user", "bot")),
                        # lower(): LIKE is case-sensitive on PostgreSQL
                        sa.or_(*[sa.func.lower(t.c.data).contains(f.lower(), autoescape=True) for f in forms]),
                    )
                )
                .scalars()
                .all()
            )
            found: Set[str] = set()
            for start in range(0, len(senders), 200):
                rows = conn.execute(
                    sa.select(t).where(t.c.sender_id.in_(senders[start : start + 200])).order_by(t.c.sender_id, t.c.id)
                )
                for rp in self._split(rows, with_lines=True):
                    if any(wanted in line.text.casefold() for line in rp.lines if not line.is_command):
                        found.add(rp.roleplay_id)
        return found

    def get_roleplay(self, roleplay_id: str) -> Optional[RolePlay]:
        """One role-play with its full transcript, or None."""
        if not ROLEPLAY_ID_RE.match(roleplay_id or "") or not self._has_table():
            return None
        t = events_table
        with self.engine.connect() as conn:
            senders = (
                conn.execute(
                    sa.select(t.c.sender_id)
                    .distinct()
                    .where(t.c.type_name == "slot", t.c.action_name == "roleplay_id", t.c.data.contains(roleplay_id))
                )
                .scalars()
                .all()
            )
            for sender in senders:
                rows = conn.execute(sa.select(t).where(t.c.sender_id == sender).order_by(t.c.id))
                for rp in self._split(rows, with_lines=True):
                    if rp.roleplay_id == roleplay_id:
                        return rp
        return None
