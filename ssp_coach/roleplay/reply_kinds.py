"""What kind of answer each customer line is (the coherence test and transcripts read it): the line's
response name or situation, grouped as a trainer would describe the customer's move."""

from typing import Optional

KINDS = {
    "answers_question": (
        "fact.",
        "partial.",
        "gives_name",
        "utter_customer_already_said",
        "utter_customer_guarded",
        "utter_customer_closed_answer",
        "utter_customer_good_question",
        "survey_answer",
        "referral_again",
    ),
    "evades": ("tmd_evasion", "utter_customer_referral_later"),
    "reacts_to_claim": (
        "claim_relevant",
        "claim_irrelevant",
        "utter_customer_fbi_good",
        "utter_customer_feature_only",
        "utter_customer_vague_claim",
    ),
    "accepts_summary": ("summary_accepted",),
    "objection": ("objection_raised", "objection_restated", "not_answered", "utter_customer_objection_"),
    "reacts_to_problem": (
        "objection_escalated",
        "utter_customer_pressured",
        "utter_customer_contradicted",
        "utter_customer_dismissed",
        "utter_customer_belittled",
        "utter_customer_belittled_competitor",
        "utter_customer_dodged",
        "utter_customer_noisy_engine",
        "utter_customer_bare_price",
        "utter_customer_lectured",
        "utter_customer_long_speech",
    ),
    "warning": ("walk_warning",),
    "leaves": ("utter_customer_walking_away",),
    "close": ("alternative_choice", "alternative_not_yet", "utter_customer_close_"),
    "greeting": ("utter_customer_greeted",),
    "goodbye": ("utter_customer_goodbye",),
    "accepts_step": (
        "utter_customer_test_drive_",
        "utter_customer_appointment_ok",
        "utter_customer_overview_ok",
        "utter_customer_process_ok",
        "purpose_heard",
    ),
    "relationship": (
        "utter_customer_praised",
        "utter_customer_small_talk",
        "utter_customer_warming",
        "utter_customer_cooling",
        "referrer_recognised",
        "thanked",
    ),
    "confused": ("utter_customer_confused", "utter_customer_off_topic"),
    "filler": ("utter_customer_neutral",),
    # a new call of a cadence picks up (after the coach's time jump), with or without a memory of earlier calls
    "call_opening": ("call_recalled", "call_opening"),
}


def reply_kind(response: Optional[str]) -> Optional[str]:
    if not response:
        return None
    for kind, prefixes in KINDS.items():
        if any(response == p or (p.endswith(("_", ".")) and response.startswith(p)) for p in prefixes):
            return kind
    return None
