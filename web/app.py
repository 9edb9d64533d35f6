"""Application factory: wires configuration, the two stores, templates, routes and security headers."""

from pathlib import Path
from typing import Optional

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.exceptions import InvalidUsage, PayloadTooLarge

from . import (
    chat,
    class_admin,
    class_board,
    class_join,
    class_pairs,
    class_results,
    class_written,
    cohort_views,
    progress,
    review,
    review_workflow,
)
from .class_store import ClassStore, WrittenStore
from .config import WebConfig
from .login_guard import LoginGuard
from .pair_store import ChecklistStore, PairStore
from .review_store import ReviewStore
from .tracker_reader import TrackerReader

HERE = Path(__file__).resolve().parent
# No inline scripts anywhere: even if some text escaped the templates, the browser would not run it.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


MAX_BODY = 256 * 1024  # every form and JSON body of this app is far smaller


def _client_error(request, message: str, status: int):
    if request is not None and request.path.startswith("/api/"):
        return response.json({"error": message}, status=status, ensure_ascii=False)
    return response.text(f"{status} {message}", status=status)


def create_app(config: Optional[WebConfig] = None, name: str = "ssp_coach_web") -> Sanic:
    config = config or WebConfig.from_env()
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = MAX_BODY
    if config.proxies_count:
        app.config.PROXIES_COUNT = config.proxies_count
    app.ctx.config = config
    app.ctx.review = ReviewStore(config.review_db_url)
    app.ctx.reader = TrackerReader(config.tracker_db_url)
    app.ctx.classes = ClassStore(app.ctx.review.engine)
    app.ctx.pairs = PairStore(app.ctx.review.engine)
    app.ctx.written = WrittenStore(app.ctx.review.engine)
    app.ctx.pair_checks = ChecklistStore(app.ctx.review.engine)
    app.ctx.login_guard = LoginGuard.from_env(app.ctx.review)
    templates = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    app.ctx.render = lambda template, **ctx: templates.get_template(template).render(**ctx)
    app.static("/static", str(HERE / "static"))
    app.blueprint(chat.bp)
    app.blueprint(review.bp)
    app.blueprint(progress.bp)
    app.blueprint(class_join.bp)
    app.blueprint(class_admin.bp)
    app.blueprint(class_board.bp)
    app.blueprint(class_results.bp)
    app.blueprint(class_pairs.bp)
    app.blueprint(cohort_views.bp)
    app.blueprint(review_workflow.bp)
    app.blueprint(class_written.bp)

    @app.exception(PayloadTooLarge)
    async def too_large(request, _error):
        return _client_error(request, "请求内容太大。", 413)

    @app.exception(InvalidUsage)
    async def invalid(request, _error):
        return _client_error(request, "请求格式不正确。", 400)

    @app.on_response
    async def security_headers(request, resp):
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith(("/review", "/api/", "/progress", "/class")):
            resp.headers["Cache-Control"] = "no-store"

    return app
