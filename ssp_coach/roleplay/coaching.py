"""What the coach says: the opening briefing, per-turn notes (practice mode), /hint and the summary text.
All Chinese, without the 【教练】 marker (the action layer adds it)."""

from typing import Any, Dict, List, Optional

from ..scoring.weights import load_scoring_config
from .catalog import CUSTOMER_TYPES, MODES, OUTCOMES, Catalog, Persona, Scenario
from .responses import fill
from .session import SessionState
from .turn_view import TurnView


def briefing(scenario: Scenario, persona: Persona, customer_type: str, mode: str, variables: Dict[str, Any]) -> str:
    first = scenario.stages[0]
    mode_note = "每句话后我会点评一句。" if mode == "practice" else "考核模式：过程中不点评，结束时统一出成绩单。"
    return (
        f"场景：{scenario.title}｜客户类型：{CUSTOMER_TYPES[customer_type]}｜模式：{MODES[mode]}\n"
        f"{fill(scenario.briefing, variables)}\n"
        f"客户：{persona.name}，{persona.age}岁，{persona.occupation}，今天关注{variables['model']}。\n"
        f"本次练习重点：{'、'.join(scenario.practise)}。\n"
        f"第一步：{first.title}——{first.goal}。{mode_note}输入 /hint 获取提示，/end 结束。"
    )


def turn_note(
    catalog: Catalog,
    state: SessionState,
    reading: TurnView,
    assessment: Dict[str, Any],
    variables: Dict[str, Any],
    revealed: List[str],
    held_back: List[str],
    evaded: Optional[List[str]] = None,
) -> str:
    """One short note: what the question drew out of the customer, the scorer's judgement of the reply, and
    one suggestion from the coach for this moment (stage, customer, what is still unknown), rotated."""
    if not reading.readable:
        return "客户没看懂这句话。请用中文、像面对面一样和客户交流；不会说的时候输入 /hint。"
    parts = []
    if revealed:
        parts.append(f"问得好，客户说出了{'、'.join(catalog.topic_label(t) for t in revealed)}。")
    elif evaded:
        labels = "、".join(catalog.topic_label(t) for t in evaded)
        parts.append(f"客户还没信任你，直接问{labels}只换来推托：先认同、赞美或用开放式问题聊聊需求，建立关系后再问。")
    elif held_back:
        labels = "、".join(catalog.topic_label(t) for t in held_back)
        parts.append(f"封闭式问题只换来一句简短回答，客户的{labels}还没说清楚，改用开放式问题试试。")
    try_label = load_scoring_config().messages["try"]
    feedback = (assessment or {}).get("feedback")
    if isinstance(feedback, str) and feedback.strip():
        kept = [ln for ln in feedback.strip().splitlines() if not ln.startswith(try_label)]
        parts.append("\n".join(kept))
    suggestion = _rotated_suggestion(catalog, state)
    if suggestion:
        parts.append(f"\n{try_label}：“{fill(suggestion, variables)}”")
    return "".join(parts).strip()


def _scenario(catalog: Catalog, state: SessionState) -> Scenario:
    """The role-play's scenario; a session without one fails as an unknown scenario id would."""
    if state.scenario is None:
        raise KeyError(None)
    return catalog.scenarios[state.scenario]


def next_step(catalog: Catalog, state: SessionState) -> str:
    """The course step that comes next (the chat header, /hint): the next objection-handling step while an
    objection is open, else a customer fact this stage still needs, else the stage goal."""
    scenario = _scenario(catalog, state)
    stage = scenario.stage(state.stage)
    objection = catalog.objections.get(state.pending_objection or "")
    if objection:
        step = _next_step(catalog, state)
        return f"处理异议「{objection.label}」：第{step}步 {catalog.dynamics['objection_steps'][step]['label']}"
    missing = [t for t in _missing_facts(catalog, state) if t in catalog.topics]
    if stage.exit_facts > len(state.facts_revealed) and missing:
        return f"用开放式问题了解客户的{catalog.topics[missing[0]].label}"
    return stage.goal


def _rotated_suggestion(catalog: Catalog, state: SessionState) -> Optional[str]:
    """The first suggestion for this moment that the coach has not given in its last three notes."""
    candidates = _suggestions(catalog, state)
    recent = list(state.memory.get("suggested") or [])[-3:]
    choice = next((c for c in candidates if c not in recent), candidates[0] if candidates else None)
    if choice:
        state.memory["suggested"] = (list(state.memory.get("suggested") or []) + [choice])[-10:]
    return choice


def _suggestions(catalog: Catalog, state: SessionState) -> List[str]:
    """What the trainee could say next, most useful first: the next objection-handling step while an
    objection is open; otherwise questions about what is still unknown, then the stage's course example."""
    if state.pending_objection:
        return [catalog.dynamics["objection_steps"][_next_step(catalog, state)]["example"]]
    scenario = _scenario(catalog, state)
    stage = scenario.stage(state.stage)
    out = []
    if scenario.process_of(stage.id) in ("presentation", "test_drive"):
        out += _product_fbi(catalog, state)  # FBI about the car this customer wants, one feature at a time
    if stage.exit_facts > len(state.facts_revealed):
        out += [catalog.topics[t].example for t in _missing_facts(catalog, state) if t in catalog.topics]
    return out + [stage.example]


def _product_fbi(catalog: Catalog, state: SessionState) -> List[str]:
    persona = catalog.personas.get(state.persona_id or "")
    product = catalog.products.get(persona.preferred_model) if persona else None
    if not product:
        return []
    return [f"{f['feature']}（配备），{f['benefit']}（利益），{f['impact']}（冲击）。" for f in product.features]


def hint(catalog: Catalog, state: SessionState, variables: Dict[str, Any]) -> str:
    scenario = _scenario(catalog, state)
    stage = scenario.stage(state.stage)
    if state.pending_objection:
        objection = catalog.objections[state.pending_objection]
        step = _next_step(catalog, state)
        info = catalog.dynamics["objection_steps"][step]
        return (
            f"客户提出了“{objection.label}”的异议。先处理情感，再处理事情；下一步是第{step}步“{info['label']}”。"
            f"例如：“{fill(info['example'], variables)}”"
        )
    missing = _missing_facts(catalog, state)
    if stage.exit_facts > len(state.facts_revealed) and missing:
        topic = catalog.topics[missing[0]]
        return (
            f"当前阶段：{stage.title}。你还不了解客户的{topic.label}，用开放式问题去问，封闭式问题只用来确认。"
            f"例如：“{fill(topic.example, variables)}”"
        )
    return (
        f"当前阶段：{stage.title}——{stage.goal}。课程步骤：{'→'.join(stage.steps)}。"
        f"例如：“{fill(stage.example, variables)}”"
    )


def summary_text(summary: Dict[str, Any]) -> str:
    outcome = OUTCOMES[summary["outcome"]]
    if summary.get("p_level"):
        outcome += f"（{summary['p_level']} {summary.get('p_level_label', '')}）"
    lines = [
        f"练习结束：{summary['persona_name']}——{outcome}。",
        f"到达的阶段：{'→'.join(s['title'] for s in summary['stages_reached']) or '无'}"
        f"（共{summary['stages_total']}个）。",
        f"了解到的信息：{'、'.join(f['label'] for f in summary['facts_discovered']) or '无'}。",
    ]
    if summary.get("hints_used"):
        lines.append(f"使用提示：{summary['hints_used']}次。")
    if summary["facts_missed"]:
        lines.append(
            f"遗漏的信息：{'、'.join(f['label'] for f in summary['facts_missed'])}——下次用开放式问题把它们问出来。"
        )
    if summary["objections_raised"]:
        handled = {o["id"] for o in summary["objections_handled"]}
        lines.append(
            "异议："
            + "、".join(
                f"{o['label']}（{'已化解' if o['id'] in handled else '未化解'}）" for o in summary["objections_raised"]
            )
            + "。"
        )
    return "\n".join(lines)


def _missing_facts(catalog: Catalog, state: SessionState) -> List[str]:
    return [t for t in _scenario(catalog, state).facts if t not in state.facts_revealed]


def _next_step(catalog: Catalog, state: SessionState) -> int:
    required = [int(s) for s in catalog.dynamics["objection_resolve_steps"]]
    return next((s for s in required if s not in state.objection_steps), required[-1])


def level_label(catalog: Catalog, level_id: Optional[str]) -> str:
    return next((lv["label"] for lv in catalog.prospect_levels if lv["id"] == level_id), "")
