"""The stored card: the trainee's entries, its grade, and the memory a follow-up call needs (what the
customer said, objections, the trainee's promises). Plain JSON values: it lives in the `prospect_card`
slot, so the tracker store keeps it beside the transcript."""

import datetime as dt
from typing import Any, Dict, List, Optional

from ..reading.units import sentences
from ..roleplay.catalog import load_catalog
from ..text import to_simplified
from .grading import grade_card, said_in_roleplay
from .spec import CardSpec, load_spec

OFFER = "要为这位客户填写A卡（购车意向记录表）吗？我会逐项问您，填完后对照客户在对话中说过的内容给您反馈。"
OFFER_BUTTONS = [{"title": "填写A卡", "payload": "/fill_card"}, {"title": "不用了，再练一次", "payload": "/start"}]
AFTER_BUTTONS = [
    {"title": "打A卡跟踪电话", "payload": "/start_follow_up"},
    {"title": "再来一次", "payload": "/start"},
]
NOTHING_TO_FILL = "现在没有可以填写A卡的练习：完成一次需求分析、完整到店或电话接待练习后再填写。"
STARTED = "开始填写A卡。随时可以输入“改一下某项”（例如：改一下预算）重新填写，输入“不填了”或 /end 保存已填内容并结束。"
CORRECTING = "好的，重新填写“{label}”。"
ABANDONED = "A卡没有填完：已保存填好的 {n} 项，标记为未完成。"


def can_offer(summary: Optional[Dict[str, Any]], spec: Optional[CardSpec] = None) -> bool:
    """A card is offered after a needs analysis, a full visit or a phone enquiry the customer did not
    walk out of."""
    spec = spec or load_spec()
    if not summary:
        return False
    return summary.get("scenario") in spec.offered_after and summary.get("outcome") != "lost"


def promises(trainee_lines: List[str], spec: Optional[CardSpec] = None) -> List[str]:
    """The trainee's promises in the role-play ("我明天把报价发给您"), one sentence each, in order."""
    spec = spec or load_spec()
    found: List[str] = []
    for line in trainee_lines:
        simple = to_simplified(line)
        for start, end in sentences(simple):
            text = simple[start:end].strip()
            hit = next((m for m in (p.search(text) for p in spec.promise_cues) if m), None)
            if hit and text[hit.start() :] not in found:
                found.append(text[hit.start() :])  # from the promise on ("好的，" left out)
    return found


def build(
    values: Dict[str, Optional[str]],
    summary: Dict[str, Any],
    roleplay_id: Optional[str],
    trainee_lines: List[str],
    filled_on: dt.date,
    complete: bool,
    spec: Optional[CardSpec] = None,
    trainee: Optional[str] = None,
) -> Dict[str, Any]:
    """The card as stored: entries, status, grade and the follow-up memory."""
    spec = spec or load_spec()
    catalog = load_catalog()
    persona = catalog.personas.get(summary.get("persona_id") or "")
    facts = persona.facts if persona else {}
    revealed = [f["id"] for f in summary.get("facts_discovered") or [] if isinstance(f, dict)]
    said = said_in_roleplay(facts, summary.get("facts_record") or [], revealed)
    entries = {f: values.get(f) for f in spec.field_ids + ["card_level_reason"]}
    grade = grade_card(
        entries, said, persona.name if persona else "", summary.get("p_level"), summary.get("trust"), filled_on, spec
    )
    filled = [f for f in spec.field_ids if values.get(f) is not None]
    if not complete:
        grade["feedback"].insert(0, ABANDONED.format(n=len(filled)))
    return {
        "status": "complete" if complete else "incomplete",
        "roleplay_id": roleplay_id,
        "trainee": trainee,
        "persona_id": summary.get("persona_id"),
        "persona_name": summary.get("persona_name"),
        "customer_type": summary.get("customer_type"),
        "scenario": summary.get("scenario"),
        "filled_on": filled_on.isoformat(),
        "entries": [{"field": f.id, "label": f.label, "value": values.get(f.id)} for f in spec.fields],
        "level": values.get("card_level"),
        "level_reason": values.get("card_level_reason"),
        "next_date": values.get("card_next_date"),
        "next_purpose": values.get("card_next_purpose"),
        "grade": grade,
        "memory": {
            "said": said,
            "objections_raised": [o.get("label") for o in summary.get("objections_raised") or []],
            "objections_handled": [o.get("label") for o in summary.get("objections_handled") or []],
            "promises": promises(trainee_lines, spec),
            "trust": summary.get("trust"),
        },
    }


def render_text(card: Dict[str, Any]) -> str:
    """The card and its grade as chat text (Chinese, no internal ids)."""
    grade = card.get("grade") or {}
    head = "A卡（购车意向记录表）" + ("" if card.get("status") == "complete" else "（未完成）")
    lines = [f"{head}  得分 {grade.get('score', 0)}"]
    for entry in card.get("entries") or []:
        value = entry.get("value")
        if entry["field"] == "card_level" and value:
            value = f"{value}（{card.get('level_reason') or ''}）"
        lines.append(f"· {entry['label']}：{value if value is not None else '（未填写）'}")
    rows = grade.get("fields") or []
    if rows:
        lines.append(
            "逐项对照：" + "；".join(f"{r['field_label']}·{_topic(r['topic'])} {r['status_label']}" for r in rows)
        )
    lines += grade.get("feedback") or []
    return "\n".join(lines)


def _topic(topic_id: str) -> str:
    return load_catalog().topic_label(topic_id)
