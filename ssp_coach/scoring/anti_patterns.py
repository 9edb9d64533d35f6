"""Anti-patterns that cost the customer's trust: contradicting, blaming, belittling competitors, pressure,
dismissive or curt replies, calling the engine noisy, a bare price, and two that depend on the customer:
a lecture to a dominant customer and a data-free claim to an analytical one."""
from .analysis import Analysis, Missing
from .skill_phrases import first_match, load_skill_phrases
from .skill_result import SkillResult

LIST_CHECKED = ("contradict", "blame", "belittle_competitor", "pressure", "dismissive", "noisy_engine")


def _curt(a: Analysis, curt_chars) -> bool:
    content = [c for c in a.text if c.isalnum()]
    return 0 < len(content) <= 4 and all(c in curt_chars for c in content)


def _bare_price(a: Analysis, cues):
    m = cues["price"].search(a.text)
    if not m or len(a.text.strip()) > 30 or cues["price_value_words"].search(a.text):
        return None
    return m


def detect_anti_patterns(a: Analysis) -> SkillResult:
    cues = load_skill_phrases()
    found = {}  # code -> (start, end)
    for code in LIST_CHECKED:
        m = first_match(cues["anti"][code], a.text)
        if m:
            found[code] = (m.start(), m.end())
    if "dismissive" not in found and _curt(a, cues["curt_chars"]):
        found["dismissive"] = (0, len(a.text))
    price = _bare_price(a, cues)
    if price:
        found["bare_price"] = (price.start(), price.end())
    if a.customer_type == "dominant" and (len(a.text) > cues["lecture_chars"]
                                          or len(a.sentences) > cues["lecture_sentences"]):
        found["lecture"] = (0, len(a.text))
    if a.customer_type == "analytical" and not cues["data_words"].search(a.text):
        m = first_match(cues["anti"]["vague_claim"], a.text)
        if m:
            found["vague_claim"] = (m.start(), m.end())

    codes = [c for c in cues["anti_messages"] if c in found]  # stable order, as in skills.yml
    evidence = [a.evidence("anti", c, *found[c]) for c in codes]
    missing = [Missing("anti", c, cues["anti_messages"][c]) for c in codes]
    return SkillResult(data={"anti_patterns": codes}, evidence=evidence, missing=missing)
