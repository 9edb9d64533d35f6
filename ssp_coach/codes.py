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
