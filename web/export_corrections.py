"""`python -m web.export_corrections [--retrain]` (run by `make train`): writes the trainers' corrections
in force from the review database (SSP_REVIEW_DB_URL) to the scorer's corrections file
(ssp_coach.learn.corrections.corrections_file(), under SSP_DATA_DIR). The scorer's models include that
file in their cache key, so they retrain at their next use; --retrain retrains them now."""

import argparse
import os
import sys
from typing import List, Optional

from ssp_coach.learn.corrections import corrections_file, write_corrections

from .config import _default_db_url
from .review_corrections import training_rows
from .review_store import ReviewStore


def export(review_db_url: str) -> int:
    rows = training_rows(ReviewStore(review_db_url))
    path = corrections_file()
    if rows or path.exists():  # an empty file after the last correction is withdrawn: the models forget it
        write_corrections(rows, path)
    return len(rows)


def retrain() -> None:
    """Load the scorer's models now (each retrains when its training data changed)."""
    from ssp_coach.scoring import trust
    from ssp_coach.scoring.fbi import model as fbi_model
    from ssp_coach.scoring.patterns import classifier

    trust._cached_model.cache_clear()
    classifier._cached_classifier.cache_clear()
    fbi_model._cached_fbi_model.cache_clear()
    trust.load_trust_model()  # first: the pattern classifier's features ask it
    classifier.load_classifier()
    fbi_model.load_fbi_model()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.export_corrections", description=__doc__)
    parser.add_argument("--retrain", action="store_true", help="retrain the scorer's models now")
    parser.add_argument("--db", help="review database URL (default: SSP_REVIEW_DB_URL)")
    args = parser.parse_args(argv)
    url = args.db or os.environ.get("SSP_REVIEW_DB_URL") or _default_db_url("review.db")
    count = export(url)
    print(f"trainers' corrections: {count} turn(s) -> {corrections_file()}")
    if args.retrain:
        retrain()
        print("scorer models are up to date with the corrections")
    return 0


if __name__ == "__main__":
    sys.exit(main())
