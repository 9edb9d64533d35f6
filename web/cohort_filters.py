"""The one set of filters every cohort view shares (table, heat map, replies, summary): which role-plays
count. Read from the query string, kept in every link between the views."""

from dataclasses import dataclass, field
from typing import List, Mapping, Optional, Sequence, Set, Tuple

from .session_list import Row, day_start

TEXT_FIELDS = ("date_from", "date_to", "scenario", "customer_type", "mode", "class_id", "group")
MAX_TRAINEES = 500


@dataclass
class CohortFilters:
    date_from: str = ""
    date_to: str = ""
    scenario: str = ""
    customer_type: str = ""
    mode: str = ""
    class_id: str = ""
    group: str = ""  # a group number of the class, as text
    # The chat names of the chosen class's (or group's) members, set by the view from the class store;
    # None = no class chosen.
    members: Optional[Set[str]] = None
    trainees: List[str] = field(default_factory=list)  # none ticked = everyone
    errors: List[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args, known: Mapping[str, Sequence[str]]) -> "CohortFilters":
        """`known`: the allowed codes per coded field; an unknown code or a bad date is dropped with a
        Chinese message (the rest of the filters still apply)."""
        f = cls()
        for name in TEXT_FIELDS:
            value = (args.get(name) or "").strip()[:64]
            if not value:
                continue
            if name.startswith("date_") and day_start(value) is None:
                f.errors.append(f"日期“{value}”格式不对，应为 年-月-日（如 2026-11-30），已忽略。")
            elif name in known and value not in known[name]:
                f.errors.append("所选的筛选项不存在，已忽略。")
            else:
                setattr(f, name, value)
        picked = [t.strip()[:64] for t in (args.getlist("trainee") or [])[:MAX_TRAINEES]]
        f.trainees = sorted({t for t in picked if t})
        start, end = day_start(f.date_from), day_start(f.date_to)
        if start is not None and end is not None and end < start:
            f.errors.append("结束日期早于开始日期，已对调。")
            f.date_from, f.date_to = f.date_to, f.date_from
        return f

    def keep(self, row: Row) -> bool:
        rp = row.rp
        if not rp.trainee or (self.trainees and rp.trainee not in self.trainees):
            return False
        if self.members is not None and rp.trainee not in self.members:
            return False
        if self.scenario and rp.scenario != self.scenario:
            return False
        if self.customer_type and rp.customer_type != self.customer_type:
            return False
        if self.mode and rp.mode != self.mode:
            return False
        start, end = day_start(self.date_from), day_start(self.date_to)
        if start is not None and rp.started_at < start:
            return False
        return end is None or rp.started_at < end + 86400

    def apply(self, rows: List[Row]) -> List[Row]:
        return [r for r in rows if self.keep(r)]

    def pairs(self, **changes) -> List[Tuple[str, str]]:
        """The filters as query pairs (for links), with some fields changed."""
        values = {name: getattr(self, name) for name in TEXT_FIELDS}
        values.update({k: v for k, v in changes.items() if k in TEXT_FIELDS})
        out = [(k, v) for k, v in values.items() if v]
        trainees = changes.get("trainees", self.trainees)
        return out + [("trainee", t) for t in trainees]
