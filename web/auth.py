"""Who is asking: the trainee's signed cookie session, and trainer login sessions.

Trainee: an HMAC-signed cookie holding the conversation id, the identity and a CSRF token. The
conversation id only ever comes from this cookie, so a trainee can only talk in / read their own.
Trainer: a random session token in a cookie; its hash, expiry and CSRF token live in the review DB,
so logout and expiry are enforced server-side.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from functools import wraps
from typing import Any, Dict, Optional

from sanic import response

from . import csrf

TRAINEE_COOKIE = "ssp_trainee"
TRAINER_COOKIE = "ssp_review"
LOGIN_CSRF_COOKIE = "ssp_login_csrf"
TRAINEE_COOKIE_DAYS = 30


# -- signed values -------------------------------------------------------------------------------
def sign(secret: str, payload: Dict[str, Any]) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"


def unsign(secret: str, value: Optional[str]) -> Optional[Dict[str, Any]]:
    if not value or "." not in value:
        return None
    body, mac = value.rsplit(".", 1)
    expected = hmac.new(secret.encode(), body.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(mac.encode("utf-8", "surrogatepass"), expected.encode()):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def set_cookie(resp, name: str, value: str, max_age: int, path: str = "/") -> None:
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = path
    cookie["max-age"] = max_age


def clear_cookie(resp, name: str, path: str = "/") -> None:
    set_cookie(resp, name, "", 0, path)


# -- trainee sessions ----------------------------------------------------------------------------
def new_conversation_id() -> str:
    return "web-" + uuid.uuid4().hex


def trainee_session(request) -> Dict[str, Any]:
    """The caller's trainee session; a fresh one (not yet saved) when the cookie is missing or forged."""
    payload = unsign(request.app.ctx.config.secret_key, request.cookies.get(TRAINEE_COOKIE))
    if payload and isinstance(payload.get("csrf"), str):
        return payload
    return {"csrf": csrf.new_token(), "conv": None, "who": None}


def save_trainee_session(request, resp, session: Dict[str, Any]) -> None:
    set_cookie(resp, TRAINEE_COOKIE, sign(request.app.ctx.config.secret_key, session), TRAINEE_COOKIE_DAYS * 86400)


# -- trainer sessions ----------------------------------------------------------------------------
def start_trainer_session(request, resp, trainer: str) -> None:
    token = secrets.token_urlsafe(32)
    hours = request.app.ctx.config.session_hours
    request.app.ctx.review.create_session(token, trainer, csrf.new_token(), time.time() + hours * 3600)
    set_cookie(resp, TRAINER_COOKIE, token, int(hours * 3600))


def trainer_session(request) -> Optional[Dict[str, Any]]:
    """The trainer's live session; ended when unused for longer than the idle timeout."""
    token = request.cookies.get(TRAINER_COOKIE)
    if not token:
        return None
    return request.app.ctx.review.find_session(token, idle_seconds=request.app.ctx.config.idle_minutes * 60)


def client_address(request) -> str:
    """The client's IP address: the socket peer, or what a trusted reverse proxy reports when
    SSP_PROXIES_COUNT is set (see docs/security.md)."""
    return (request.remote_addr or request.ip or "unknown")[:64]


def end_trainer_session(request, resp) -> None:
    token = request.cookies.get(TRAINER_COOKIE)
    if token:
        request.app.ctx.review.delete_session(token)
    clear_cookie(resp, TRAINER_COOKIE)


def trainer_required(api: bool = False):
    """Pages redirect to the login form, data endpoints answer 401; POSTs also need the CSRF token."""

    def decorator(handler):
        @wraps(handler)
        async def wrapped(request, *args, **kwargs):
            session = trainer_session(request)
            if session is None:
                if api:
                    return response.text("401 login required", status=401)
                return response.redirect("/review/login")
            if request.method == "POST" and not csrf.valid(request, session["csrf_token"]):
                return response.text("403 invalid CSRF token", status=403)
            request.ctx.trainer = session
            return await handler(request, *args, **kwargs)

        return wrapped

    return decorator
