"""Models trained at first use and cached on disk under models/, keyed by a hash of their inputs."""

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable

from ..paths import models_dir


def cached_model(prefix: str, key: str, train: Callable[[], Any]) -> Any:
    """The model `prefix-key.pkl` from disk, or `train()` saved there (older keys are removed)."""
    path = models_dir() / f"{prefix}-{key}.pkl"
    if path.exists():
        try:
            with path.open("rb") as f:
                return pickle.load(f)  # noqa: S301 - our own cache under models/, written by this function
        except Exception:  # noqa: BLE001, S110 - deliberate: a corrupt or incompatible cache (any unpickling error) is simply rebuilt
            pass
    model = train()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(model, f)
        os.replace(tmp, path)  # atomic: concurrent processes never read a half-written file
        for old in path.parent.glob(f"{prefix}-*.pkl"):
            if old != path:
                old.unlink(missing_ok=True)  # models of older training data
    except OSError:
        pass  # read-only models dir: keep the in-memory model
    return model


def files_key(version: str, paths: Iterable[Path]) -> str:
    """A cache key for a model trained from these files (names and contents) by code of this feature version."""
    h = hashlib.sha256(version.encode())
    for path in paths:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]
