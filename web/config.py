"""Web app settings, read once from the environment (see web/README.md for the variables)."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return Path(os.environ.get("SSP_DATA_DIR", REPO_ROOT / "var"))


def _default_db_url(name: str) -> str:
    return f"sqlite:///{data_dir() / name}"


def persistent_secret_key() -> str:
    """SSP_SECRET_KEY, or a random key created once per installation and kept private under var/."""
    given = os.environ.get("SSP_SECRET_KEY")
    if given:
        return given
    path = data_dir() / "web_secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


@dataclass
class WebConfig:
    host: str
    port: int
    rasa_url: str
    rasa_token: str
    tracker_db_url: str
    review_db_url: str
    secret_key: str
    session_hours: float
    rasa_timeout: float = 60.0
    idle_minutes: float = 30.0  # a trainer session unused this long is ended
    action_health_url: str = ""  # the action server's /health, checked before a message goes to Rasa
    proxies_count: int = 0  # reverse proxies in front (trust their X-Forwarded-For)

    @classmethod
    def from_env(cls) -> "WebConfig":
        token = os.environ.get("SSP_RASA_TOKEN")
        token_file = data_dir() / "rasa_token"
        if not token and token_file.exists():
            token = token_file.read_text().strip()
        return cls(
            host=os.environ.get("SSP_WEB_HOST", "127.0.0.1"),
            port=int(os.environ.get("SSP_WEB_PORT", "8000")),
            rasa_url=os.environ.get("SSP_RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            rasa_token=token or "",
            tracker_db_url=os.environ.get("SSP_TRACKER_DB_URL") or _default_db_url("rasa_tracker.db"),
            review_db_url=os.environ.get("SSP_REVIEW_DB_URL") or _default_db_url("review.db"),
            secret_key=persistent_secret_key(),
            session_hours=float(os.environ.get("SSP_SESSION_HOURS", "8")),
            rasa_timeout=float(os.environ.get("SSP_RASA_TIMEOUT", "60")),
            idle_minutes=float(os.environ.get("SSP_IDLE_MINUTES", "30")),
            action_health_url=_action_health_url(os.environ.get("SSP_ACTION_URL", "")),
            proxies_count=int(os.environ.get("SSP_PROXIES_COUNT", "0")),
        )


def _action_health_url(webhook: str) -> str:
    """http://host:5055/webhook -> http://host:5055/health ("" when no action server is configured)."""
    webhook = webhook.strip().rstrip("/")
    if not webhook:
        return ""
    return (webhook[: -len("/webhook")] if webhook.endswith("/webhook") else webhook) + "/health"
