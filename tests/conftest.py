"""Shared fixtures. `stack` starts the real action server, Rasa and web app once per test session."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stack import ServerStack  # noqa: E402


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    servers = ServerStack(tmp_path_factory.mktemp("stack"))
    try:
        servers.start_actions()
        servers.start_rasa()
        servers.start_web()
        yield servers
    finally:
        servers.stop_all()
