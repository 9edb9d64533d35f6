"""rasa_addons.loaded_heap: what the Rasa server and the action server load at start-up is frozen out of the cyclic
garbage collector, once the model is loaded and before the first trainee (a full collection over it paused the
event loop ~100 ms)."""
import asyncio
import gc
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import rasa.core.run
from rasa.core.agent import Agent
from rasa.core.utils import AvailableEndpoints

from rasa_addons import loaded_heap
from tests.stack import trained_model

ROOT = Path(__file__).resolve().parent.parent


def test_the_rasa_server_freezes_its_heap_once_the_model_is_loaded(monkeypatch):
    monkeypatch.chdir(ROOT)  # config.yml names models/spacy_zh relative to the repository
    # install() replaces Rasa's listener: monkeypatch puts the original back after the test
    monkeypatch.setattr(rasa.core.run, "load_agent_on_start", rasa.core.run.load_agent_on_start)
    gc.unfreeze()
    loaded_heap.install()
    app = SimpleNamespace(ctx=SimpleNamespace())  # what the listener writes to: Sanic's app.ctx
    try:
        loop = asyncio.new_event_loop()
        agent = loop.run_until_complete(
            rasa.core.run.load_agent_on_start(trained_model(), AvailableEndpoints(), None, app, loop)
        )
        loop.close()
        assert isinstance(agent, Agent) and agent.is_ready() and app.ctx.agent is agent
        assert gc.get_freeze_count() > 100_000  # the loaded model and Rasa's modules, not a handful of objects
    finally:
        gc.unfreeze()


def _freeze_count_after_importing_the_actions(switch: str) -> int:
    code = "import gc, actions.roleplay_actions; print(gc.get_freeze_count())"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "SSP_GC_FREEZE": switch})
    return int(out.stdout.strip().splitlines()[-1])


def test_the_action_server_freezes_its_heap_after_warming_up_and_the_switch_turns_it_off():
    assert _freeze_count_after_importing_the_actions("1") > 100_000
    assert _freeze_count_after_importing_the_actions("0") == 0
