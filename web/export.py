"""CSV exports with Chinese headers and names: the (filtered) session list, one row per role-play with
per-pattern scores and review status; and one row
per trainee reply with the automatic and the trainer-corrected techniques and FBI parts."""

import csv
import io
import time
from typing import Any, Dict, Iterable

from ssp_coach.text import spreadsheet_cell

from .labels import PATTERNS as PATTERN_NAMES
from .labels import label
from .review_corrections import FBI_NAMES
from .session_list import Row
from .tracker_reader import PATTERNS

COLUMNS = [
    "会话ID",
    "对话ID",
    "学员",
    "开始时间",
    "结束时间",
    "客户类型",
    "场景",
    "模式",
    "结果",
    "客户级别",
    "轮数",
    "自动评分",
    "调整后分数",
    "调整理由",
    "最终得分",
    "复核状态",
    "需关注",
    "标签",
] + [f"{name}得分" for name in PATTERN_NAMES.values()]
assert list(PATTERN_NAMES) == list(PATTERNS)


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else ""


def sessions_csv(rows: Iterable[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        rp, override = row.rp, row.override or {}
        writer.writerow(
            [
                spreadsheet_cell(v)
                for v in [
                    rp.roleplay_id,
                    rp.conversation_id,
                    rp.trainee,
                    _when(rp.started_at),
                    _when(rp.ended_at),
                    label("customer_type", rp.customer_type),
                    label("scenario", rp.scenario),
                    label("mode", rp.mode),
                    label("outcome", rp.outcome) if rp.finished else "未结束",
                    rp.p_level,
                    rp.turns,
                    rp.overall,
                    override.get("score"),
                    override.get("reason"),
                    row.final_score,
                    "已复核" if row.reviewed else "未复核",
                    "是" if row.flagged else "否",
                    "、".join(row.tags),
                ]
                + [rp.pattern_scores[code] for code in PATTERNS]
            ]
        )
    return "\ufeff" + out.getvalue()  # BOM: Excel opens the Chinese text as UTF-8


TURN_COLUMNS = [
    "会话ID",
    "学员",
    "场景",
    "客户类型",
    "轮次",
    "时间",
    "客户上一句",
    "学员回复",
    "单句得分",
    "自动话术",
    "自动FBI",
    "是否更正",
    "更正后话术",
    "更正后FBI",
    "更正培训师",
    "更正时间",
]


def _names(codes, table: Dict[str, str]) -> str:
    return "、".join(table.get(code, code) for code in codes) or "无"


def turns_csv(rows: Iterable[Dict[str, Any]]) -> str:
    """Rows from review_corrections.turn_rows; techniques and FBI parts by their Chinese names."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TURN_COLUMNS)
    for row in rows:
        rp, line = row["rp"], row["line"]
        writer.writerow(
            [
                spreadsheet_cell(v)
                for v in [
                    rp.roleplay_id,
                    rp.trainee,
                    label("scenario", rp.scenario),
                    label("customer_type", rp.customer_type),
                    row["turn"],
                    _when(line.timestamp),
                    row["context"],
                    line.text,
                    row["score"],
                    _names(row["auto_labels"], PATTERN_NAMES),
                    _names(row["auto_fbi"], FBI_NAMES),
                    "是" if row["corrected"] else "否",
                    _names(row["labels"], PATTERN_NAMES),
                    _names(row["fbi"], FBI_NAMES),
                    row["trainer"],
                    _when(row["corrected_at"] or 0),
                ]
            ]
        )
    return "\ufeff" + out.getvalue()
