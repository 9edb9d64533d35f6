"""Cohort figures for trainers, computed in one pass over the filtered role-plays: per trainee and pattern
the use rate (replies using it / assessed replies) and the quality when used, kept apart so "never used"
is never confused with "used badly"; summary figures for a set of role-plays; replies by technique.

Whether and how well a reply uses a pattern is the scorecard's rule (ssp_coach.reports.scorecard)."""

from bisect import bisect_right
from dataclasses import dataclass, field
from statistics import median
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ssp_coach.reports.scorecard import pattern_use

from .labels import PATTERNS
from .session_list import Row
from .tracker_reader import RolePlay

# A trainer's correction in force of a reply's techniques, by (roleplay_id, the reply's events.id).
Corrections = Dict[Tuple[str, int], List[str]]


def judged_use(assessment: Any, code: str, corrected: Optional[List[str]]) -> Optional[float]:
    """The scorecard's judgement of a pattern in a reply, unless a trainer corrected the reply's techniques:
    then the pattern is used only if the trainer ticked it (quality as scored, or 1 if the scorer missed it)."""
    found = pattern_use(assessment, code)
    if corrected is None:
        return found
    if code not in corrected:
        return None
    return 1.0 if found is None else found


def corrections_in_force(review) -> Corrections:
    """The trainers' corrections in force, by (role-play id, reply event id)."""
    return {(c["roleplay_id"], c["event_id"]): c["labels"] for c in review.corrections_in_force()}


def judged_uses(rp: RolePlay, code: str, corrections: Corrections) -> List[Optional[float]]:
    """Each assessed reply's use of the pattern (quality, or None when not used), trainers' corrections
    counting over the scorer."""
    corrected = _corrected_by_index(rp, corrections) if corrections else {}
    return [judged_use(a, code, corrected.get(i)) for i, a in enumerate(rp.assessments)]


def _corrected_by_index(rp: RolePlay, corrections: Corrections) -> Dict[int, List[str]]:
    """Corrections of this role-play by assessment index: a reply's assessment is the first one stored
    after the reply (list reads carry the slot events' ids, not the replies')."""
    out: Dict[int, List[str]] = {}
    for (rid, reply_event), labels in corrections.items():
        if rid == rp.roleplay_id:
            index = bisect_right(rp.assessment_events, reply_event)
            if index < len(rp.assessments):
                out[index] = labels
    return out


@dataclass
class PatternStat:
    uses: int = 0
    replies: int = 0
    quality_sum: float = 0.0

    @property
    def rate(self) -> Optional[float]:
        """Share of assessed replies that used the pattern, 0-100; None without any assessed reply."""
        return round(100 * self.uses / self.replies, 1) if self.replies else None

    @property
    def quality(self) -> Optional[float]:
        """Mean quality when used, 0-100; None when never used."""
        return round(100 * self.quality_sum / self.uses, 1) if self.uses else None


@dataclass
class TraineeStats:
    trainee: str
    sessions: int = 0
    replies: int = 0
    scores: List[float] = field(default_factory=list)
    last: float = 0.0
    patterns: Dict[str, PatternStat] = field(default_factory=lambda: {code: PatternStat() for code in PATTERNS})

    @property
    def overall(self) -> Optional[float]:
        return round(sum(self.scores) / len(self.scores), 1) if self.scores else None


def trainee_table(rows: Sequence[Row], corrections: Optional[Corrections] = None) -> List[TraineeStats]:
    """One entry per trainee of the rows, by name; trainers' corrections in force count over the scorer."""
    stats: Dict[str, TraineeStats] = {}
    corrected_rps = {rid for rid, _ in corrections or {}}
    for row in rows:
        rp = row.rp
        corrected = _corrected_by_index(rp, corrections or {}) if rp.roleplay_id in corrected_rps else {}
        s = stats.setdefault(rp.trainee, TraineeStats(rp.trainee))
        s.sessions += 1
        s.last = max(s.last, rp.started_at)
        if row.final_score is not None:
            s.scores.append(row.final_score)
        s.replies += len(rp.assessments)
        for code, p in s.patterns.items():
            p.replies += len(rp.assessments)
            for i, a in enumerate(rp.assessments):
                q = judged_use(a, code, corrected.get(i))
                if q is not None:
                    p.uses += 1
                    p.quality_sum += q
    return [stats[name] for name in sorted(stats)]


SORTS = ("trainee", "sessions", "overall") + tuple(f"{c}.{k}" for c in PATTERNS for k in ("rate", "quality"))


def sort_table(table: List[TraineeStats], key: str, descending: bool) -> List[TraineeStats]:
    """Sorted by a column; a trainee without a value there (未使用, no score) always comes last."""
    if key == "trainee":
        return sorted(table, key=lambda s: s.trainee, reverse=descending)

    def value(s: TraineeStats) -> Optional[float]:
        if key == "sessions":
            return s.sessions
        if key == "overall":
            return s.overall
        code, _, kind = key.partition(".")
        return getattr(s.patterns[code], kind)

    known = sorted((s for s in table if value(s) is not None), key=lambda s: (value(s), s.trainee), reverse=descending)
    return known + [s for s in table if value(s) is None]


@dataclass
class Summary:
    count: int
    scored: int
    mean: Optional[float]
    median: Optional[float]
    low: Optional[float]
    high: Optional[float]
    passed: int
    pass_mark: float
    buckets: List[int]  # role-plays per 10-point band: 0-9, 10-19, ..., 90-100

    @property
    def pass_rate(self) -> Optional[float]:
        return round(100 * self.passed / self.scored, 1) if self.scored else None


def summary(rows: Sequence[Row], pass_mark: float) -> Summary:
    """Scores of a set of role-plays (the trainer's override where set); unfinished ones are counted apart."""
    scores = [r.final_score for r in rows if r.final_score is not None]
    buckets = [0] * 10
    for s in scores:
        buckets[min(9, int(s // 10))] += 1
    return Summary(
        count=len(rows),
        scored=len(scores),
        mean=round(sum(scores) / len(scores), 1) if scores else None,
        median=round(median(scores), 1) if scores else None,
        low=min(scores) if scores else None,
        high=max(scores) if scores else None,
        passed=sum(1 for s in scores if s >= pass_mark),
        pass_mark=pass_mark,
        buckets=buckets,
    )


@dataclass
class Reply:
    rp: RolePlay
    event_id: int
    text: str
    quality: float  # 0-100, this pattern in this reply
    assessment: Dict[str, Any]
    missing: List[str]  # the scorer's advice on this pattern's missing parts


def replies_using(
    plays: Sequence[RolePlay], code: str, worst_first: bool, corrections: Optional[Corrections] = None
) -> List[Reply]:
    """Every trainee reply of these role-plays that uses the pattern (after trainers' corrections), worst
    (or best) first."""
    found = []
    for rp in plays:
        for line in rp.lines:
            if line.role != "trainee" or line.is_command or not isinstance(line.assessment, dict):
                continue
            q = judged_use(line.assessment, code, (corrections or {}).get((rp.roleplay_id, line.event_id)))
            if q is None:
                continue
            missing = [
                str(m.get("message") or "")
                for m in line.assessment.get("missing") or []
                if isinstance(m, dict) and m.get("label") == code and m.get("message")
            ]
            found.append(Reply(rp, line.event_id, line.text, round(100 * q, 1), line.assessment, missing))
    found.sort(key=lambda r: (r.quality if worst_first else -r.quality, -r.rp.started_at, r.event_id))
    return found
