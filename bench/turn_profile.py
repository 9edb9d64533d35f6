"""Where a role-play turn's CPU goes: Rasa's own Agent/processor in-process with the trained model.

    PYTHONPATH=. .venv/bin/python bench/turn_profile.py [--sessions 3] [--model PATH] [--cprofile 25]

Each session is the scripted role-play of bench/roleplay_bench.py (`/start_roleplay` and 8 trainee
lines); the first session is a warm-up and is not counted, and only the 8 trainee lines of a session
are counted (the `/start_roleplay` message still runs, untimed). Stages are timed with
time.perf_counter (wall) and time.process_time (CPU of this process, all threads: TensorFlow's too)
around Rasa's and our own functions, one message at a time, as *exclusive* times (a stage's nested
stages are subtracted from it), so the shares add up to 100 %. Wall above CPU is waiting: the
SQLite commit's disk sync, or other jobs on the machine taking the cores.

- tracker store read/write: the tracker store of `--endpoints` (default endpoints.env.yml, its SQLite
  file in a temporary folder) `retrieve` / `save`;
- NLU: every node of the NLU graph (one row per component), and the graph runner around them;
- policies: every node of the prediction graph (one row per policy / provider), and the runner;
- the custom action: Rasa's RemoteAction with its HTTP request replaced by rasa_sdk's own
  ActionExecutor in this process (the JSON body and answer are still serialised and parsed, timed
  as their own row), split into read_turn (the reading), score_turn (the scorer), take_turn (the
  customer's reaction and coach note) and emit.messages (response rendering), the rest of the action
  (tracker view, slot events, rasa_sdk) as "action: other";
- "action: Rasa side" is Rasa's RemoteAction around the call: the request body (tracker state and
  domain) built, the answer's events and messages validated and turned into Rasa events;
- Rasa's own response rendering (NLG `generate` for `utter_*` responses);
- "Rasa: other" is everything else in `Agent.handle_message` (events, session, lock, channel).

The real HTTP hop to the action server is not included; bench/roleplay_bench.py measures the whole
served turn over REST.
"""
import argparse
import asyncio
import cProfile
import json
import logging
import os
import pstats
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent

START = '/start_roleplay{"customer_type":"random","scenario":"full_visit","mode":"practice"}'


# ---------------------------------------------------------------- formatting (tested)

def format_table(rows: Iterable[Tuple[str, float, float, int]], turns: int) -> str:
    """A table of stages: `rows` are (stage, wall seconds, CPU seconds, calls), each summed over all
    turns; `turns` is the number of turns measured. Columns: wall ms per turn, share of the summed wall
    time, CPU ms per turn (this process, every thread), calls per turn; rows largest first, TOTAL last."""
    rows = sorted(rows, key=lambda r: (-r[1], r[0]))
    wall = sum(r[1] for r in rows)
    cpu = sum(r[2] for r in rows)

    def per_turn(x: float) -> float:
        return x / turns if turns else 0.0

    width = max([len("stage")] + [len(r[0]) for r in rows])
    rule = "-" * (width + 40)
    lines = [f"{'stage':<{width}}  {'ms/turn':>8}  {'share':>6}  {'CPU ms':>8}  {'calls/turn':>10}", rule]
    for name, seconds, cpu_seconds, calls in rows:
        share = 100 * seconds / wall if wall else 0.0
        lines.append(f"{name:<{width}}  {per_turn(seconds) * 1000:>8.2f}  {share:>5.1f}%  "
                     f"{per_turn(cpu_seconds) * 1000:>8.2f}  {per_turn(calls):>10.1f}")
    lines.append(rule)
    lines.append(f"{'TOTAL':<{width}}  {per_turn(wall) * 1000:>8.2f}  {(100.0 if wall else 0.0):>5.1f}%  "
                 f"{per_turn(cpu) * 1000:>8.2f}")
    return "\n".join(lines)


# ---------------------------------------------------------------- exclusive stage timer

class StageTimer:
    """Exclusive time per stage: a nested stage pauses its parent. One message at a time (the
    profiler awaits each turn before the next), so a plain stack is correct across awaits."""

    def __init__(self) -> None:
        self.stack: List[list] = []
        self.seconds: Dict[str, float] = defaultdict(float)
        self.cpu: Dict[str, float] = defaultdict(float)
        self.calls: Dict[str, int] = defaultdict(int)
        self.enabled = False

    def enter(self, name: str) -> None:
        self.stack.append([name, time.perf_counter(), 0.0, time.process_time(), 0.0])

    def leave(self) -> None:
        name, start, child, cpu_start, cpu_child = self.stack.pop()
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        if self.enabled:
            self.seconds[name] += elapsed - child
            self.cpu[name] += cpu - cpu_child
            self.calls[name] += 1
        if self.stack:
            self.stack[-1][2] += elapsed
            self.stack[-1][4] += cpu

    def current(self) -> Optional[str]:
        return self.stack[-1][0] if self.stack else None

    def reset(self) -> None:
        self.seconds.clear()
        self.cpu.clear()
        self.calls.clear()

    def rows(self) -> List[Tuple[str, float, float, int]]:
        return [(k, v, self.cpu[k], self.calls[k]) for k, v in self.seconds.items()]


TIMER = StageTimer()


def wrap_sync(owner, attr: str, name) -> None:
    original = getattr(owner, attr)

    def wrapper(*args, **kwargs):
        TIMER.enter(name(args) if callable(name) else name)
        try:
            return original(*args, **kwargs)
        finally:
            TIMER.leave()

    setattr(owner, attr, wrapper)


def wrap_async(owner, attr: str, name: str) -> None:
    original = getattr(owner, attr)

    async def wrapper(*args, **kwargs):
        TIMER.enter(name)
        try:
            return await original(*args, **kwargs)
        finally:
            TIMER.leave()

    setattr(owner, attr, wrapper)


# ---------------------------------------------------------------- instrumentation

NLU_RUNNER = "NLU: graph runner"
POLICY_RUNNER = "policies: graph runner"
ACTION_SDK = "action: other (tracker view, slots, rasa_sdk)"


def instrument() -> None:
    from rasa.core import processor as processor_mod
    from rasa.core.actions import action as action_mod
    from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
    from rasa.engine.graph import GraphNode

    P = processor_mod.MessageProcessor
    wrap_async(P, "parse_message", NLU_RUNNER)
    wrap_sync(P, "_predict_next_with_tracker", POLICY_RUNNER)
    wrap_async(P, "_run_action", "Rasa: run action (events, side effects)")
    wrap_async(action_mod.RemoteAction, "run", "action: Rasa side (tracker+domain to JSON, events back)")
    wrap_async(TemplatedNaturalLanguageGenerator, "generate", "rendering: Rasa NLG (utter_*)")

    def node_name(args) -> str:
        node = args[0]
        label = node._node_name
        if label.startswith("run_"):
            label = label[len("run_"):]
        label = label.replace("nlu_components.traditional_to_simplified.", "")
        label = label.replace("rasa_addons.command_policy.", "")
        parent = TIMER.current()
        kind = "NLU" if parent == NLU_RUNNER else "policies" if parent == POLICY_RUNNER else "graph"
        return f"{kind}: {label}"

    wrap_sync(GraphNode, "__call__", node_name)

    # our domain code, inside the action
    from ssp_coach.roleplay import engine
    import actions.emit as emit
    import actions.roleplay_actions as ra
    wrap_sync(engine, "read_turn", "action: read_turn (reading)")
    wrap_sync(engine, "score_turn", "action: score_turn (scorer)")
    wrap_sync(engine, "take_turn", "action: take_turn (customer reaction, coach note)")
    wrap_sync(emit, "messages", "rendering: emit.messages (customer/coach lines)")
    assert ra.emit is emit


def use_inprocess_actions(agent) -> None:
    """Replace the HTTP call of the action endpoint with rasa_sdk's ActionExecutor in this process;
    the request body and answer still go through JSON."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    endpoint = agent.action_endpoint or agent.processor.action_endpoint

    async def request(method="post", subpath=None, content_type="application/json", compress=False, **kwargs):
        TIMER.enter("action: JSON serialise/parse")
        body = json.loads(json.dumps(kwargs.get("json")))
        TIMER.leave()
        TIMER.enter(ACTION_SDK)
        try:
            answer = await executor.run(body)
        finally:
            TIMER.leave()
        TIMER.enter("action: JSON serialise/parse")
        answer = json.loads(json.dumps(answer))
        TIMER.leave()
        return answer

    endpoint.request = request


def instrument_tracker_store(store) -> None:
    wrap_async(store, "retrieve", "tracker store: read (SQLite)")
    wrap_async(store, "save", "tracker store: write (SQLite)")


# ---------------------------------------------------------------- run

def script() -> List[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    from roleplay_bench import SCRIPT  # the same trainee lines as the REST benchmark
    return list(SCRIPT)


def find_model(explicit: Optional[str]) -> str:
    if explicit or os.environ.get("SSP_RASA_MODEL"):
        return explicit or os.environ["SSP_RASA_MODEL"]
    import subprocess
    out = subprocess.run([str(ROOT / "scripts" / "train_if_needed.sh")], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


async def run(model: str, sessions: int, lines: Sequence[str], profiler: Optional[cProfile.Profile],
              endpoints_file: str = "endpoints.env.yml"):
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    from rasa_addons import action_response, graph_runner

    # the log level `rasa run` uses by default (INFO): unconfigured, structlog prints every debug line
    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)
    action_response.install()  # as rasa_addons.launcher does for the served product
    graph_runner.install()
    instrument()
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / endpoints_file))
    t0 = time.perf_counter()
    agent = await load_agent(model_path=model, endpoints=endpoints)
    print(f"model loaded in {time.perf_counter() - t0:.1f} s: {model}", file=sys.stderr)
    use_inprocess_actions(agent)
    instrument_tracker_store(agent.processor.tracker_store)

    async def say(sender: str, text: str, timed: bool) -> list:
        out = CollectingOutputChannel()
        TIMER.enabled = timed
        TIMER.enter("Rasa: other (handle_message)")
        try:
            await agent.handle_message(UserMessage(text, out, sender, metadata={"trainee": "bench"}))
        finally:
            TIMER.leave()
            TIMER.enabled = False
        return out.messages

    turns, wall = 0, 0.0
    for n in range(sessions + 1):  # session 0 warms up
        sender = f"profile-{uuid.uuid4().hex[:10]}"
        await say(sender, START, timed=False)
        for line in lines:
            counted = n > 0
            if counted and profiler:
                profiler.enable()
            t = time.perf_counter()
            replies = await say(sender, line, timed=counted)
            if counted:
                wall += time.perf_counter() - t
                turns += 1
            if counted and profiler:
                profiler.disable()
            if not replies:
                print(f"warning: no reply to {line!r}", file=sys.stderr)
    return turns, wall


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=3, help="counted scripted role-plays (8 turns each)")
    parser.add_argument("--model", help="model archive (default: scripts/train_if_needed.sh)")
    parser.add_argument("--endpoints", default="endpoints.env.yml",
                        help="Rasa endpoints file: its tracker store is profiled (SQLite in a temporary folder)")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N",
                        help="also print cProfile's N most expensive functions (cumulative)")
    parser.add_argument("--cprofile-out", metavar="FILE", help="also save the cProfile statistics (pstats format)")
    args = parser.parse_args(argv)

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    model = find_model(args.model)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SSP_TRACKER_DB"] = str(Path(tmp) / "rasa_tracker.db")
        os.environ.setdefault("SSP_ACTION_URL", "http://127.0.0.1:1/webhook")  # never called: in-process
        os.chdir(ROOT)  # config.yml names models/spacy_zh relative to the project
        profiler = cProfile.Profile() if args.cprofile else None
        turns, wall = asyncio.run(run(model, args.sessions, script(), profiler, args.endpoints))
    print(f"\nper-turn CPU by stage: {turns} role-play turns ({args.sessions} scripted sessions), "
          f"exclusive times; measured wall {wall * 1000 / max(turns, 1):.1f} ms/turn")
    print(format_table(TIMER.rows(), turns))
    if profiler:
        print(f"\ncProfile, top {args.cprofile} by cumulative time:")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)
        if args.cprofile_out:
            profiler.dump_stats(args.cprofile_out)


if __name__ == "__main__":
    main()
