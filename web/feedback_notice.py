"""新反馈: a trainee's role-plays with trainer feedback (comments, comment edits, score overrides) newer than
their last visit to 我的进度. Shown as a badge on the chat's 我的进度 link; the visit clears it."""

import time
from typing import Set

from . import review_store


def new_feedback(reader, review, trainee: str) -> Set[str]:
    """Ids of the trainee's role-plays with feedback they have not seen yet."""
    if not trainee:
        return set()
    seen = review_store.feedback_seen_at(review, trainee)
    ids = [rp.roleplay_id for rp in reader.roleplays_of(trainee)]
    return {rid for rid, when in review_store.feedback_times(review, ids).items() if when > seen}


def seen_now(review, trainee: str) -> None:
    review_store.mark_feedback_seen(review, trainee, time.time())
