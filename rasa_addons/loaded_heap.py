"""Keep what Rasa loads at start-up (the model's graphs, its featurizers' vocabularies, Rasa's own modules) out of
Python's cyclic garbage collector.

Python's full collection walks every tracked object; after the model is loaded those are millions, and each full
collection then pauses the event loop, with every trainee waiting on it. Frozen objects are never walked again
(gc.freeze); what a turn creates is still collected as before. `install()` wraps the listener that loads the
agent, so the freeze happens once the model is in memory and before the first trainee is served; the action
server freezes after its warm-up (actions/roleplay_actions.py). SSP_GC_FREEZE=0 turns both off, for measuring
(docs/capacity.md has the A/B).
"""
import gc
import os
from functools import wraps


def freeze_loaded_heap() -> None:
    if os.environ.get("SSP_GC_FREEZE", "1") != "0":
        gc.collect()
        gc.freeze()


def install() -> None:
    import rasa.core.run

    load = rasa.core.run.load_agent_on_start

    @wraps(load)
    async def load_then_freeze(*args, **kwargs):
        agent = await load(*args, **kwargs)
        freeze_loaded_heap()
        return agent

    rasa.core.run.load_agent_on_start = load_then_freeze
