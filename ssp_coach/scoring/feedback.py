"""Short Chinese feedback: what worked, what was missing, and ONE better phrasing for the stage."""

from typing import Any, Dict, List, Optional

from ..codes import PATTERN_CODES
from ..reading.phrases import load_cues
from .patterns.phrases import load_phrasebook
from .weights import ScoringConfig

PART_NAMES = {
    "echo": "复述",
    "agreement_phrase": "认同语",
    "positive_explanation": "正面解释",
    "praise_phrase": "赞美语",
    "praise_point": "具体赞美点",
    "guiding_phrase": "引导问题",
    "narration": "叙述",
    "facts": "事实",
    "statement": "陈述",
    "check_question": "反问",
    "next_step": "下一步",
    "consent_question": "征求同意",
}
FORM_NAMES = {
    "authority": "权威式",
    "case": "案例式",
    "comparison": "对比式",
    "metaphor": "比喻式",
    "probe": "追根问底式",
    "indirect": "旁敲侧击式",
    "heart_to_heart": "交心式",
}


def example_for(cfg: ScoringConfig, stage: Optional[str], used: List[str]) -> str:
    """One course-style sentence: a pattern suited to the stage that the reply did not use, if any."""
    by_pattern = cfg.examples.get(stage or "", cfg.examples["default"])
    preferred = [c for c in cfg.stage_patterns.get(stage or "", []) if c in by_pattern]
    order = [c for c in preferred if c not in used] + [c for c in by_pattern if c not in used] + list(by_pattern)
    return by_pattern[order[0]]


FBI_NAMES = {"feature": "配备", "benefit": "利益", "impact": "冲击"}


def _skills_done(fbi_parts: Dict[str, Any], r: Any) -> List[str]:
    done = []
    fbi = [FBI_NAMES[p] for p in FBI_NAMES if fbi_parts.get(p)]
    if fbi:
        done.append("FBI（" + "+".join(fbi) + "）")
    if r is not None and r.question.kind == "open":
        done.append("开放式提问")
    if r is not None and r.objection.steps:
        done.append("异议处理步骤" + "、".join(str(x) for x in r.objection.steps))
    if r is not None and r.closing:
        done.append("成交技巧")
    return done


def _most_useful(missing: List[dict], stage: Optional[str]) -> dict:
    """The one gap to mention: a pattern's missing part first; FBI gaps only lead in the presentation stage."""

    def rank(m: dict) -> int:
        if m["label"] in PATTERN_CODES:
            return 0
        if m["label"].startswith("fbi") and stage != "presentation":
            return 2
        return 1

    return min(missing, key=rank)


def compose(
    cfg: ScoringConfig,
    stage: Optional[str],
    patterns: Dict[str, dict],
    missing: List[dict],
    anti_patterns: List[str],
    hostile: bool,
    fbi_parts: Optional[Dict[str, Any]] = None,
    reading: Any = None,
    strike: bool = False,
) -> str:
    """The note: what worked (never on a turn that broke the customer's trust), what to avoid, the one gap
    that matters most, and one better phrasing for the stage."""
    book = load_phrasebook()
    msg = cfg.messages
    lines = []
    done = _skills_done(fbi_parts or {}, reading)
    if (patterns or done) and not strike and not hostile:
        pattern_done = []
        for code in PATTERN_CODES:
            if code in patterns:
                p = patterns[code]
                parts = "+".join(PART_NAMES.get(x, x) for x in p["parts_present"])
                kind = FORM_NAMES.get(p.get("form") or p.get("style") or "")
                pattern_done.append(f"{book.patterns[code].name}{'（' + kind + '）' if kind else ''}（{parts}）")
        lines.append(f"{msg['good']}：用了" + "、".join(pattern_done + done) + "。")
    warnings = [load_cues().anti_messages.get(a, a) for a in anti_patterns]
    if hostile and not anti_patterns:
        warnings.append(msg["hostile"])
    if warnings:
        lines.append(f"{msg['anti']}：" + "".join(warnings))
    gaps = [m for m in missing if m["label"] != "anti"]  # anti-patterns are already named above
    if gaps:
        lines.append(f"{msg['missing']}：{_most_useful(gaps, stage)['message']}")
    elif not patterns and not warnings:
        lines.append(f"{msg['missing']}：{msg['no_pattern']}")
    lines.append(f"{msg['try']}：“{example_for(cfg, stage, list(patterns))}”")
    return "\n".join(lines)
