"""Chinese display names for codes found in the tracker (unknown codes are shown as they are, except in
evidence names and commands, which never show an internal code)."""

import json
from functools import lru_cache
from typing import Any, Dict, Optional

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
# The course's five levels of listening, lowest first (the observer's checklist in pair rooms).
LISTENING_LEVELS = {1: "听而不闻", 2: "假装听", 3: "选择性地听", 4: "专注地听", 5: "积极倾听"}
EXTRA_LABELS = {
    "reply": "回复",
    "fbi": "FBI",
    "question": "提问",
    "objection": "异议处理",
    "closing": "成交",
    "anti_pattern": "不当说法",
    "anti": "不当说法",
    "probe": "积极倾听",
    "tmd": "TMD",
}
# Parts of the skill evidence (ssp_coach.scoring.engine._skill_evidence).
TMD = {"time": "购车时间", "money": "预算", "decision": "决策人"}
OBJECTION_TECHNIQUES = {
    "ignore": "忽视法",
    "deny": "否认法",
    "defer": "延迟法",
    "transfer": "转化法",
    "prevention": "预防法",
    "comparison": "比较法",
}
CLOSING_TECHNIQUES = {
    "if_then": "条件成交法",
    "step_by_step": "分步成交法",
    "alternative": "二选一法",
    "assumptive": "假定成交法",
    "future_event": "未来事件法",
    "ask_wait": "提问等待法",
}
COMMANDS = {
    "start": "开始练习",
    "start_roleplay": "开始角色扮演",
    "choose": "选择",
    "hint": "请求提示",
    "end": "结束对话",
    "help": "帮助",
    "restart": "重新开始",
    "fill_card": "填写A卡",
    "start_follow_up": "开始A卡跟踪",
}


@lru_cache(maxsize=1)
def scenarios() -> Dict[str, str]:
    try:
        from ssp_coach.roleplay.catalog import scenario_menu

        return dict(scenario_menu())
    except Exception:  # noqa: BLE001 - content errors must not take the review pages down
        return {}


def topics() -> Dict[str, str]:
    """Hidden-fact topics (用途, 预算 ...) by id, for the A卡 grade."""
    catalog = _catalog()
    return {t: catalog.topic_label(t) for t in catalog.topics} if catalog else {}


@lru_cache(maxsize=1)
def anti_patterns() -> Dict[str, str]:
    try:
        from ssp_coach.reports.scorecard import load_config

        return dict(load_config()["labels"]["anti_patterns"])
    except Exception:  # noqa: BLE001 - content errors must not take the review pages down
        return {}


@lru_cache(maxsize=1)
def _catalog() -> Any:
    try:
        from ssp_coach.roleplay.catalog import load_catalog

        return load_catalog()
    except Exception:  # noqa: BLE001 - content errors must not take the review pages down
        return None


def persona(code: Any) -> str:
    """A persona's display name (马总); never the id."""
    if code in (None, ""):
        return "—"
    found = getattr(_catalog(), "personas", {}).get(code)
    return str(getattr(found, "name", "")) or "（未知客户）"


def p_levels() -> Dict[str, str]:
    """Purchase-intention levels explained: {"P2": "P2 意向较高：认可产品，…"} (content/prospect_levels.yml)."""
    levels = getattr(_catalog(), "prospect_levels", None) or []
    return {
        str(lv.get("id")): f"{lv.get('id')} {lv.get('label', '')}：{lv.get('description', '')}"
        for lv in levels
        if isinstance(lv, dict) and lv.get("id")
    }


def p_level_text(code: Any) -> str:
    return p_levels().get(code, "") if isinstance(code, str) else ""


def objection_steps() -> Dict[str, str]:
    steps = (getattr(_catalog(), "dynamics", None) or {}).get("objection_steps") or {}
    names = {f"step{k}": f"第{k}步 {v.get('label', '')}".strip() for k, v in steps.items() if isinstance(v, dict)}
    return names or {f"step{k}": f"第{k}步" for k in range(1, 5)}


def _known(table: Dict[str, str], code: Any) -> Optional[str]:
    return table.get(code) if isinstance(code, str) else None


def evidence_name(code: Any, part: Any) -> str:
    """ "认同法 · 复述", "积极倾听 · 展开法", "不当说法 · 反驳客户": Chinese names only; an unknown code is left out."""
    head = str(code or "")
    if "." in head:  # "fbi.benefit"
        head, _, sub = head.partition(".")
        part = part or sub
    name = _known({**PATTERNS, **EXTRA_LABELS}, head)
    parts = {
        "anti": anti_patterns(),
        "tmd": TMD,
        "closing": CLOSING_TECHNIQUES,
        "objection": {**OBJECTION_TECHNIQUES, **objection_steps()},
    }.get(head, {})
    part_name = _known(parts, part) or _known({**EXTRA_PARTS, **PART_NAMES, **FORM_NAMES}, part)
    shown = [n for n in (name, part_name) if n]
    return " · ".join(shown) if shown else "其他"


def command_text(text: str) -> Optional[str]:
    """A menu or command payload as the trainee's choice in Chinese ("/choose{"customer_type":"dominant"}" ->
    "选择：支配型"); None for text that is not a command."""
    if not text.startswith("/"):
        return None
    intent, brace, rest = text[1:].partition("{")
    name = COMMANDS.get(intent.strip(), "命令")
    try:
        values = json.loads(brace + rest) if brace else {}
    except ValueError:
        values = {}
    if not isinstance(values, dict):
        values = {}
    shown = []
    for key, value in values.items():
        if key in ("customer_type", "mode", "scenario"):
            if key == "customer_type" and value == "random":
                shown.append("随机")
            else:
                shown.append(label(key, value))
        elif key == "trainee" and isinstance(value, str):
            shown.append(f"学员 {value}")
    return f"{name}：{'、'.join(shown)}" if shown else name


def label(kind: str, code) -> str:
    if code in (None, ""):
        return "—"
    if kind == "persona":
        return persona(code)
    table = {
        "customer_type": CUSTOMER_TYPES,
        "mode": MODES,
        "outcome": OUTCOMES,
        "pattern": PATTERNS,
        "part": {**EXTRA_PARTS, **PART_NAMES},
        "form": FORM_NAMES,
        "scenario": scenarios(),
        "anti_pattern": anti_patterns(),
        "tmd": TMD,
        "closing": CLOSING_TECHNIQUES,
        "evidence": {**PATTERNS, **EXTRA_LABELS},
        "topic": topics(),
    }
    return table.get(kind, {}).get(code, str(code))


# -- classroom (web/class_*.py) --------------------------------------------------------------------
CLASS_CUSTOMER_CHOICES = {"random": "随机", "rotate": "轮换（按学员依次分配）"}
MEMBER_STATES = {"waiting": "未开始", "running": "进行中", "finished": "已完成"}


def group_name(group_no: Any) -> str:
    return f"第{group_no}组" if isinstance(group_no, int) and group_no > 0 else "全班"


def customer_choice(code: Any) -> str:
    return CLASS_CUSTOMER_CHOICES.get(code) or label("customer_type", code)


def assignment_summary(a: Any) -> str:
    """「需求分析 · 社交型 · 练习 · 15 分钟」 for a web.class_store.Assignment."""
    parts = [label("scenario", a.scenario), customer_choice(a.customer_type), label("mode", a.mode)]
    if getattr(a, "persona", None):
        parts.insert(2, f"客户 {persona(a.persona)}")
    if a.minutes:
        parts.append(f"{a.minutes} 分钟")
    if a.group_no:
        parts.append(group_name(a.group_no))
    return " · ".join(parts)
