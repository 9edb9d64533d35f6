"""Chinese display names for codes found in the tracker (unknown codes are shown as they are)."""

from functools import lru_cache
from typing import Dict

from ssp_coach.roleplay.catalog import CUSTOMER_TYPES, MODES, OUTCOMES
from ssp_coach.scoring.feedback import FORM_NAMES, PART_NAMES

PATTERNS = {
    "agree": "认同法",
    "praise": "赞美法",
    "guide": "引导法",
    "narrate": "叙述法",
    "rhetorical": "反问法",
    "commit": "承诺法",
}
FBI = {"feature": "F 配备", "benefit": "B 利益", "impact": "I 冲击"}
# Parts the scorer reports outside the six patterns (FBI, questions, listening probes).
EXTRA_PARTS = {
    "feature": "配备",
    "benefit": "利益",
    "impact": "冲击",
    "open": "开放式问题",
    "closed": "封闭式问题",
    "text": "中文内容",
    "expand": "展开法",
    "clarify": "澄清法",
    "repeat": "重复法",
    "summarise": "总结法",
}
EXTRA_LABELS = {
    "reply": "回复",
    "fbi": "FBI",
    "question": "提问",
    "objection": "异议处理",
    "closing": "成交",
    "anti_pattern": "不当说法",
}


@lru_cache(maxsize=1)
def scenarios() -> Dict[str, str]:
    try:
        from ssp_coach.roleplay.catalog import scenario_menu

        return dict(scenario_menu())
    except Exception:  # noqa: BLE001 - content errors must not take the review pages down
        return {}


@lru_cache(maxsize=1)
def anti_patterns() -> Dict[str, str]:
    try:
        from ssp_coach.reports.scorecard import load_config

        return dict(load_config()["labels"]["anti_patterns"])
    except Exception:  # noqa: BLE001 - content errors must not take the review pages down
        return {}


def label(kind: str, code) -> str:
    if code in (None, ""):
        return "—"
    table = {
        "customer_type": CUSTOMER_TYPES,
        "mode": MODES,
        "outcome": OUTCOMES,
        "pattern": PATTERNS,
        "part": {**EXTRA_PARTS, **PART_NAMES},
        "form": FORM_NAMES,
        "scenario": scenarios(),
        "anti_pattern": anti_patterns(),
        "evidence": {**PATTERNS, **EXTRA_LABELS},
    }
    return table.get(kind, {}).get(code, str(code))
