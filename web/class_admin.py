"""The trainer's classes (/review/classes): create a class (join code + QR code of the join link), manage
its members (rename, regroup, merge, remove) and assign exercises. Trainer login as for /review."""

import re
import time
from typing import Any, Dict, Optional

import segno
from sanic import Blueprint, response

from ssp_coach.roleplay.catalog import CUSTOMER_TYPES, MODES, load_catalog

from . import auth, class_pairs, class_written
from .class_join import EMPLOYEE_RE, NAME_RE, store
from .class_store import ClassNameTaken, NameTaken
from .labels import CLASS_CUSTOMER_CHOICES, assignment_summary, group_name, label, scenarios

bp = Blueprint("class_admin", url_prefix="/review/classes")
CLASS_NAME_RE = re.compile(r"^[^\x00-\x1f<>\"'`{}\\（）()]{1,40}$")
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_GROUPS = 10
MAX_MINUTES = 240


def join_url(request, klass: Dict[str, Any]) -> str:
    return f"{request.scheme}://{request.host}/class?c={klass['join_code']}"


def qr_svg(url: str) -> str:
    """The join link as an SVG QR code, drawn here (no online service)."""
    return segno.make(url, error="m").svg_inline(scale=6, dark="#111827", border=2)


def _render(request, template: str, **ctx):
    trainer = request.ctx.trainer
    return response.html(
        request.app.ctx.render(
            template,
            trainer=trainer,
            csrf_token=trainer["csrf_token"],
            label=label,
            group_name=group_name,
            summary=assignment_summary,
            when=_when,
            **ctx,
        )
    )


def _when(ts: Optional[float]) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else ""


def _form(request, key: str) -> str:
    return (request.form.get(key) or "").strip()


def _class_or_404(request, class_id: str):
    klass = store(request).get_class(class_id)
    if klass is None:
        return None, response.text("404 班级不存在", status=404)
    return klass, None


@bp.get("")
@auth.trainer_required()
async def class_list(request):
    return _render(
        request, "class_list.html", classes=store(request).list_classes(), today=time.strftime("%Y-%m-%d"), error=""
    )


@bp.post("")
@auth.trainer_required()
async def create_class(request):
    name, day, groups = _form(request, "name"), _form(request, "day"), _form(request, "groups") or "0"
    error = ""
    if not CLASS_NAME_RE.match(name):
        error = "请填写班级名称（最多 40 个字，不含括号和特殊符号）。"
    elif not DAY_RE.match(day):
        error = "日期格式应为 年-月-日，例如 2026-11-30。"
    elif not groups.isdigit() or int(groups) > MAX_GROUPS:
        error = f"分组数应为 0 到 {MAX_GROUPS}（0 表示不分组）。"
    if not error:
        try:
            klass = store(request).create_class(name, day, int(groups), request.ctx.trainer["trainer"])
        except ClassNameTaken:
            error = f"已有名为“{name}”的班级，请换一个名称（例如加上日期或期数）。"
    if error:
        classes = store(request).list_classes()
        return _render(request, "class_list.html", classes=classes, today=day, error=error, form=request.form)
    return response.redirect(f"/review/classes/{klass['id']}")


@bp.get("/<class_id>")
@auth.trainer_required()
async def class_page(request, class_id: str):
    klass, missing = _class_or_404(request, class_id)
    if missing:
        return missing
    url = join_url(request, klass)
    return _render(
        request,
        "class_admin.html",
        klass=klass,
        join_link=url,
        qr=qr_svg(url),
        members=store(request).members_of(class_id),
        assignments=list(reversed(store(request).assignments_of(class_id))),
        scenario_choices=scenarios(),
        type_choices={**{c: label("customer_type", c) for c in CUSTOMER_TYPES}, **CLASS_CUSTOMER_CHOICES},
        mode_choices=MODES,
        persona_choices=persona_choices(),
        card_choices={k: v for k, v in persona_choices().items() if k},
        rooms=class_pairs.rooms_view(request, class_id),
        exercise_choices=class_written.exercise_choices(),
        written_tasks=list(reversed(request.app.ctx.written.of_class(class_id))),
        written_title=class_written.task_title,
        error=request.args.get("error", ""),
    )


def persona_choices() -> Dict[str, str]:
    """ "" (no fixed customer), then each persona as 「马总（支配型）」."""
    try:
        personas = load_catalog().personas
    except Exception:  # noqa: BLE001 - content errors must not take the page down
        personas = {}
    named = {pid: f"{p.name}（{label('customer_type', p.type)}）" for pid, p in personas.items()}
    return {"": "不指定（按客户类型挑选）", **dict(sorted(named.items(), key=lambda x: x[1]))}


def _back(class_id: str, error: str = ""):
    from urllib.parse import quote

    return response.redirect(f"/review/classes/{class_id}" + (f"?error={quote(error)}" if error else ""))


def _member_of(request, class_id: str, member_id: str):
    member = store(request).get_member(member_id)
    return member if member is not None and member.class_id == class_id else None


@bp.post("/<class_id>/members/<member_id>")
@auth.trainer_required()
async def edit_member(request, class_id: str, member_id: str):
    """One form per member: 改名 (name, employee no., group), 合并到 another member, or 移出."""
    member = _member_of(request, class_id, member_id)
    if member is None:
        return response.text("404 学员不存在", status=404)
    action = _form(request, "action")
    classes = store(request)
    if action == "remove":
        classes.remove_member(member_id)
    elif action == "merge":
        target = _member_of(request, class_id, _form(request, "into"))
        if target is None or target.id == member.id:
            return _back(class_id, "请选择要合并到的另一名学员。")
        classes.merge_members(member.id, target.id)
    elif action == "rename":
        name, number, group = _form(request, "name"), _form(request, "employee_no"), _form(request, "group")
        if not NAME_RE.match(name) or not EMPLOYEE_RE.match(number):
            return _back(class_id, "姓名最多 20 个字（不含括号和特殊符号），工号只能包含字母、数字和短横线。")
        try:
            classes.rename_member(member_id, name, number)
        except NameTaken:
            return _back(class_id, "本班已有同名同工号的学员。")
        klass = classes.get_class(class_id) or {}
        if group.isdigit() and 1 <= int(group) <= klass.get("groups", 0):
            classes.set_group(member_id, int(group))
    else:
        return _back(class_id, "未知的操作。")
    return _back(class_id)


@bp.post("/<class_id>/assignments")
@auth.trainer_required()
async def create_assignment(request, class_id: str):
    klass, missing = _class_or_404(request, class_id)
    if missing:
        return missing
    scenario, ctype, mode = _form(request, "scenario"), _form(request, "customer_type"), _form(request, "mode")
    minutes, group = _form(request, "minutes") or "0", _form(request, "group") or "0"
    persona = _form(request, "persona")
    if persona:
        if persona not in persona_choices():
            return _back(class_id, "请选择一位客户，或选“不指定”。")
        ctype = load_catalog().personas[persona].type  # the fixed customer decides the type
    if scenario not in scenarios():
        return _back(class_id, "请选择场景。")
    if ctype not in CUSTOMER_TYPES and ctype not in CLASS_CUSTOMER_CHOICES:
        return _back(class_id, "请选择客户类型。")
    if mode not in MODES:
        return _back(class_id, "请选择模式。")
    if not minutes.isdigit() or int(minutes) > MAX_MINUTES:
        return _back(class_id, f"时间限制应为 0 到 {MAX_MINUTES} 分钟（0 表示不限时）。")
    if not group.isdigit() or int(group) > klass["groups"]:
        return _back(class_id, "请选择全班或一个小组。")
    a = store(request).create_assignment(
        class_id, int(group) or None, scenario, ctype, mode, int(minutes), persona=persona or None
    )
    return response.redirect(f"/review/classes/{class_id}/board/{a.id}")
