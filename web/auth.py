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
    if not hmac.compare_digest(mac, hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()):
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
    set_cookie(resp, TRAINEE_COOKIE, sign(request.app.ctx.config.secret_key, session),
               TRAINEE_COOKIE_DAYS * 86400)


# -- trainer sessions ----------------------------------------------------------------------------
def start_trainer_session(request, resp, trainer: str) -> None:
    token = secrets.token_urlsafe(32)
    hours = request.app.ctx.config.session_hours
    request.app.ctx.review.create_session(token, trainer, csrf.new_token(), time.time() + hours * 3600)
    set_cookie(resp, TRAINER_COOKIE, token, int(hours * 3600))


def trainer_session(request) -> Optional[Dict[str, Any]]:
    token = request.cookies.get(TRAINER_COOKIE)
    return request.app.ctx.review.find_session(token) if token else None


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


class LoginThrottle:
    """Slows password guessing: after `limit` failures for one account within `window` seconds,
    further attempts are refused until the window has passed (kept in memory, per web process)."""

    def __init__(self, limit: int = 5, window: float = 900):
        self.limit, self.window = limit, window
        self.failures: Dict[str, list] = {}

    def _recent(self, name: str) -> list:
        now = time.time()
        recent = [t for t in self.failures.get(name, []) if now - t < self.window]
        self.failures[name] = recent
        return recent

    def blocked(self, name: str) -> bool:
        return len(self._recent(name)) >= self.limit

    def failed(self, name: str) -> None:
        self._recent(name).append(time.time())

    def succeeded(self, name: str) -> None:
        self.failures.pop(name, None)
