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


def same_token(given: Optional[str], expected: Optional[str]) -> bool:
    """Constant-time comparison that also copes with non-ASCII input (str compare_digest raises on it)."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


def valid(request, expected: Optional[str]) -> bool:
    return same_token(submitted_token(request), expected) and same_origin(request)
