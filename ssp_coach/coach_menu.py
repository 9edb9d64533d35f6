"""The coach's set-up menu: which question comes next, its options, and reading the answer."""
from typing import Dict, List, Optional, Tuple

from .roleplay.catalog import CUSTOMER_TYPES, MODES, parse_choice, scenario_menu

QUESTIONS = ("customer_type", "scenario", "mode")
PROMPTS = {
    "customer_type": "请选择客户类型（点按钮，或输入名称/序号）：",
    "scenario": "请选择练习场景：",
    "mode": "请选择模式：练习（每句点评）或考核（结束时统一评分）：",
}


def options(question: str) -> List[Tuple[str, str]]:
    """(id, Chinese label) pairs offered for a question, in menu order."""
    if question == "customer_type":
        return list(CUSTOMER_TYPES.items()) + [("random", "随机")]
    if question == "scenario":
        return list(scenario_menu())
    if question == "mode":
        return [(k, f"{v}模式") for k, v in MODES.items()]
    raise ValueError(f"unknown menu question: {question}")


def next_question(choices: Dict[str, Optional[str]]) -> Optional[str]:
    return next((q for q in QUESTIONS if not choices.get(q)), None)


def buttons(question: str) -> List[Dict[str, str]]:
    return [{"title": label, "payload": f'/choose{{"{question}":"{oid}"}}'} for oid, label in options(question)]


def read_answer(text: str, entities: Dict[str, str], pending: Optional[str]) -> Dict[str, str]:
    """Menu choices named by button entities, typed names, or a number for the pending question."""
    found = {q: entities[q] for q in QUESTIONS if isinstance(entities.get(q), str)}
    found.update({k: v for k, v in parse_choice(text or "").items() if k not in found})
    stripped = (text or "").strip().rstrip(".、。")
    if pending and pending not in found and stripped.isdigit():
        index = int(stripped) - 1
        opts = options(pending)
        if 0 <= index < len(opts):
            found[pending] = opts[index][0]
    return {q: v for q, v in found.items() if v in {oid for oid, _ in options(q)}}
