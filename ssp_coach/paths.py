"""Where content and built models live; each overridable by an environment variable."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def content_dir() -> Path:
    return Path(os.environ.get("SSP_CONTENT_DIR", REPO_ROOT / "content"))


def models_dir() -> Path:
    return Path(os.environ.get("SSP_MODELS_DIR", REPO_ROOT / "models"))


def spacy_model_dir() -> Path:
    return Path(os.environ.get("SSP_SPACY_MODEL", models_dir() / "spacy_zh"))


def data_dir() -> Path:
    """Runtime data: the SQLite tracker store, review database, logs."""
    return Path(os.environ.get("SSP_DATA_DIR", REPO_ROOT / "var"))
