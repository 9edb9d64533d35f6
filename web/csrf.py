"""CSRF protection: a per-session token echoed in forms (field `csrf_token`) or in the X-CSRF-Token
header, plus a same-origin check of the Origin header when the browser sends one."""
import hmac
import secrets
from typing import Optional

FIELD = "csrf_token"
HEADER = "x-csrf-token"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def same_origin(request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return origin == f"{request.scheme}://{request.host}"


def submitted_token(request) -> str:
    token = request.headers.get(HEADER)
    if token:
        return token
    return request.form.get(FIELD) or ""


def valid(request, expected: Optional[str]) -> bool:
    token = submitted_token(request)
    return bool(expected) and bool(token) and same_origin(request) and hmac.compare_digest(token, expected)
