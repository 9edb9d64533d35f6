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


# -- phases and the commands a trainee may type with a leading slash ------------------------------
PHASES = ("setup", "roleplay", "ended", "card")
# What the role-play expects in each phase. Anything else typed as /intent (Rasa's /back,
# /out_of_scope, /session_start, /nlu_fallback, a dialogue act such as /greet, or an unknown name)
# gets a coach message and changes nothing: no turn, no trust change, no undo.
COMMANDS: Dict[str, Tuple[str, ...]] = {
    "setup": ("start", "choose", "start_roleplay", "start_follow_up", "help", "restart"),
    "roleplay": ("hint", "end", "help", "restart"),
    "ended": ("start", "start_roleplay", "fill_card", "start_follow_up", "help", "restart"),
    # filling the A卡 after a role-play: /end keeps what was entered and ends the form
    "card": ("end", "help", "restart"),
}
COMMAND_LABELS = {
    "start": "/start 打开练习菜单",
    "choose": "点菜单按钮",
    "start_roleplay": "/start_roleplay 直接开始",
    "help": "/help 使用说明",
    "restart": "/restart 重新开始",
    "hint": "/hint 提示",
    "end": "/end 结束并看成绩单",
    "fill_card": "/fill_card 填写A卡",
    "start_follow_up": "/start_follow_up A卡跟踪电话",
}
NOT_STARTED = "练习还没开始。输入 /start 打开菜单，选好客户类型、场景和模式后再开始对话。"
ENDED = "本次练习已经结束。点“再来一次”或输入 /start 开始新的练习。"
BUSY = "当前练习还在进行中。输入 /end 结束并查看成绩单，或 /restart 放弃并重新开始。"
NOT_UNDERSTOOD = "没有看懂这个选择。"


def is_command(text: Optional[str]) -> bool:
    """Typed with a leading slash: Rasa reads it as /intent{entities}, not as something said."""
    return (text or "").strip().startswith("/")


def phase_of(value: Optional[str]) -> str:
    return value if value in PHASES else "setup"


def command_allowed(phase: Optional[str], intent: Optional[str], text: Optional[str]) -> bool:
    """False for a slash command the role-play does not expect in this phase; typed speech is always allowed."""
    if not is_command(text):
        return True
    return intent in COMMANDS[phase_of(phase)]


def unavailable(phase: Optional[str], text: Optional[str] = None) -> str:
    """The coach's answer to a command that is not available now (nothing else happens)."""
    phase = phase_of(phase)
    command = (text or "").strip().split("{", 1)[0][:40]
    lead = f"“{command}”现在不可用，没有任何改变。" if command else "这个命令现在不可用。"
    where = {"setup": "练习还没开始", "roleplay": "角色扮演进行中", "ended": "本次练习已结束", "card": "正在填写A卡"}[
        phase
    ]
    usable = "；".join(COMMAND_LABELS[c] for c in COMMANDS[phase])
    return f"{lead}{where}，可用：{usable}。"


def outside_roleplay(phase: Optional[str]) -> str:
    """What the coach says when someone talks to the customer outside a role-play."""
    return ENDED if phase_of(phase) == "ended" else NOT_STARTED


def menu_slot(text: Optional[str], entities: Dict[str, str], requested: Optional[str], slot: str) -> Optional[str]:
    """The answer for one menu question read from a message, or None. Only menu buttons
    (/choose, /start_roleplay) and typed text are read; other commands answer nothing."""
    if is_command(text) and not (text or "").strip().startswith(("/choose", "/start_roleplay")):
        return None
    if is_command(text):
        text = ""  # a button: only its entities count
    return read_answer(text or "", entities, requested).get(slot)
