"""The label codes every part of the product shares (corpus, scorer, reports)."""

PATTERN_CODES = ("agree", "praise", "guide", "narrate", "rhetorical", "commit")
NARRATE_FORMS = ("authority", "case", "comparison", "metaphor")
FBI_PARTS = ("feature", "benefit", "impact")
STAGES = (
    "reception",
    "phone",
    "needs",
    "presentation",
    "test_drive",
    "negotiation",
    "closing",
    "delivery",
    "follow_up",
    "prospecting",
)
CUSTOMER_TYPES = ("analytical", "dominant", "social")
# Trust breakers people label (docs/annotation-guide.md §9); the reading decides the other anti-pattern codes
# (bare price, lecture, data-free claim, noisy engine) from stage and customer type.
TRUST_BREAKERS = (
    "contradict",
    "blame",
    "belittle_competitor",
    "belittle_customer",
    "pressure",
    "dismissive",
    "off_topic",
)
# The trust breakers a reply's own words show. off_topic is one by the stage and what the customer just asked
# (guide §9, G3): the reading decides it from small talk and the stage, with no cue list, and no model learns it.
WORDED_TRUST_BREAKERS = tuple(code for code in TRUST_BREAKERS if code != "off_topic")
