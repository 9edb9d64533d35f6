"""The trainer's session list: role-plays joined with score overrides, filtered and sorted."""

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional

from .tracker_reader import RolePlay

SORT_KEYS = {"started": "开始时间", "trainee": "学员", "score": "得分", "turns": "轮数"}
OUTCOME_FILTERS = ("deal", "prospect", "lost", "unfinished")
STATUS_FILTERS = {"unreviewed": "未复核", "reviewed": "已复核", "flagged": "需关注"}


@dataclass
class Row:
    rp: RolePlay
    override: Optional[Dict[str, Any]]
    marks: Optional[Dict[str, Any]] = None  # review status and tags in force (review_store.roleplay_marks)

    @property
    def reviewed(self) -> bool:
        return bool(self.marks and self.marks["reviewed"])

    @property
    def flagged(self) -> bool:
        return bool(self.marks and self.marks["flagged"])

    @property
    def tags(self) -> List[str]:
        return list(self.marks["tags"]) if self.marks else []

    @property
    def final_score(self) -> Optional[float]:
        """The trainer's override when there is one, else the automatic score."""
        return float(self.override["score"]) if self.override else self.rp.overall


def day_start(text: str) -> Optional[float]:
    """Local midnight of a YYYY-MM-DD date, or None when the text is not such a date."""
    try:
        return time.mktime(datetime.strptime(text, "%Y-%m-%d").timetuple())
    except (TypeError, ValueError):
        return None


def _float(text: str) -> Optional[float]:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


@dataclass
class Filters:
    trainee: str = ""
    scenario: str = ""
    customer_type: str = ""
    outcome: str = ""
    date_from: str = ""
    date_to: str = ""
    min_score: str = ""
    max_score: str = ""
    status: str = ""
    tag: str = ""
    q: str = ""  # text in the transcript (applied by the caller: it needs the tracker store)
    sort: str = "started"
    order: str = "desc"

    @classmethod
    def from_args(cls, args) -> "Filters":
        values = {name: (args.get(name) or "").strip()[:64] for name in cls.__dataclass_fields__}
        f = cls(**{k: v for k, v in values.items() if v})
        f.sort = f.sort if f.sort in SORT_KEYS else "started"
        f.order = "asc" if f.order == "asc" else "desc"
        f.status = f.status if f.status in STATUS_FILTERS else ""
        return f

    def keep(self, row: Row) -> bool:
        rp = row.rp
        if self.status == "reviewed" and not row.reviewed or self.status == "unreviewed" and row.reviewed:
            return False
        if self.status == "flagged" and not row.flagged:
            return False
        if self.tag and self.tag not in row.tags:
            return False
        if self.trainee and self.trainee.lower() not in rp.trainee.lower():
            return False
        if self.scenario and rp.scenario != self.scenario:
            return False
        if self.customer_type and rp.customer_type != self.customer_type:
            return False
        if self.outcome == "unfinished" and rp.finished:
            return False
        if self.outcome and self.outcome != "unfinished" and rp.outcome != self.outcome:
            return False
        start, end = day_start(self.date_from), day_start(self.date_to)
        if start is not None and rp.started_at < start:
            return False
        if end is not None and rp.started_at >= end + 86400:
            return False
        low, high, score = _float(self.min_score), _float(self.max_score), row.final_score
        if (low is not None or high is not None) and score is None:
            return False
        if low is not None and score is not None and score < low:
            return False
        return high is None or (score is not None and score <= high)

    def apply(self, rows: List[Row]) -> List[Row]:
        kept = [r for r in rows if self.keep(r)]
        keys = {
            "started": lambda r: r.rp.started_at,
            "trainee": lambda r: (r.rp.trainee, r.rp.started_at),
            "score": lambda r: (r.final_score is not None, r.final_score or 0),
            "turns": lambda r: r.rp.turns,
        }
        return sorted(kept, key=keys[self.sort], reverse=self.order == "desc")

    def query(self, **changes) -> Dict[str, str]:
        values = {k: getattr(self, k) for k in self.__dataclass_fields__}
        values.update(changes)
        return {k: v for k, v in values.items() if v}


def load_rows(reader, review) -> List[Row]:
    overrides, marks = review.latest_overrides(), review.latest_marks()
    return [Row(rp, overrides.get(rp.roleplay_id), marks.get(rp.roleplay_id)) for rp in reader.list_roleplays()]
