"""The trainer's review workflow on one role-play: reviewed / flagged status and tags, and editing or
deleting a comment (the previous text is kept with who changed it and when). Bad input gets a Chinese
message and changes nothing."""

import re
from typing import List, Optional, Tuple

from sanic import Blueprint, response

from . import auth

bp = Blueprint("review_workflow", url_prefix="/review/sessions")
MAX_TAGS = 10
MAX_TAG = 20
MAX_COMMENT = 2000
TAG_SPLIT = re.compile(r"[,，、;；\s]+")


def parse_tags(text: str) -> Tuple[Optional[List[str]], str]:
    """Tags typed by a trainer, separated by commas or spaces: (tags in order, without repeats) or
    (None, the reason in Chinese)."""
    tags: List[str] = []
    for tag in TAG_SPLIT.split(text or ""):
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        return None, f"标签最多 {MAX_TAGS} 个"
    if any(len(t) > MAX_TAG for t in tags):
        return None, f"每个标签最多 {MAX_TAG} 个字"
    return tags, ""


def _exists(request, roleplay_id: str) -> bool:
    return request.app.ctx.reader.get_roleplay(roleplay_id) is not None


@bp.post("/<roleplay_id>/marks")
@auth.trainer_required()
async def save_marks(request, roleplay_id: str):
    tags, problem = parse_tags((request.form.get("tags") or "")[:1000])
    if tags is None:
        return response.text(f"400 {problem}，请修改后再保存（状态和标签都未改动）", status=400)
    if not _exists(request, roleplay_id):
        return response.text("404 会话不存在", status=404)
    request.app.ctx.review.set_marks(
        roleplay_id,
        request.ctx.trainer["trainer"],
        reviewed=request.form.get("reviewed") == "1",
        flagged=request.form.get("flagged") == "1",
        tags=tags,
    )
    return response.redirect(f"/review/sessions/{roleplay_id}#marks")


def _own_comment(request, roleplay_id: str, comment_id: str):
    try:
        found = request.app.ctx.review.comment(int(comment_id))
    except ValueError:
        found = None
    return found if found and found["roleplay_id"] == roleplay_id else None


@bp.post("/<roleplay_id>/comments/<comment_id>/edit")
@auth.trainer_required()
async def edit_comment(request, roleplay_id: str, comment_id: str):
    text = (request.form.get("text") or "").strip()
    if not text or len(text) > MAX_COMMENT:
        return response.text(f"400 评语不能为空且不超过 {MAX_COMMENT} 字（原评语未改动）", status=400)
    found = _own_comment(request, roleplay_id, comment_id)
    if found is None or not request.app.ctx.review.edit_comment(found["id"], request.ctx.trainer["trainer"], text):
        return response.text("404 评语不存在或已删除", status=404)
    return response.redirect(f"/review/sessions/{roleplay_id}#turn-{found['event_id']}")


@bp.post("/<roleplay_id>/comments/<comment_id>/delete")
@auth.trainer_required()
async def delete_comment(request, roleplay_id: str, comment_id: str):
    found = _own_comment(request, roleplay_id, comment_id)
    if found is None or not request.app.ctx.review.delete_comment(found["id"], request.ctx.trainer["trainer"]):
        return response.text("404 评语不存在或已删除", status=404)
    return response.redirect(f"/review/sessions/{roleplay_id}#turn-{found['event_id']}")
