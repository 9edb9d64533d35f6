"""rasa_addons.graph_runner: the trained model's NLU and policy graphs give the same results run node after node
as through Rasa's dask runner (the parse of held-out sentences, the prediction at every step of the test stories)."""
import asyncio
import os
from pathlib import Path

import pytest
import rasa.core.processor
from rasa.core.agent import Agent
from rasa.core.training import load_data
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.graph_runner import SequentialGraphRunner, install

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = ["您好，欢迎光临，我是顾问小周", "您平时主要谁开车？", "这台车油耗怎么样", "選 議價 練習模式",
             "/start_roleplay", "", "我先了解一下您的需求，再带您看车，您看行吗？"]


def model_path():
    if os.environ.get("SSP_RASA_MODEL"):
        return Path(os.environ["SSP_RASA_MODEL"])
    models = sorted((ROOT / "models").glob("ssp-coach-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def load_agent(runner, monkeypatch):
    path = model_path()
    if path is None or not path.exists():
        pytest.skip("no trained Rasa model: set SSP_RASA_MODEL or train one into models/")
    monkeypatch.setattr(rasa.core.processor, "DaskGraphRunner", runner)
    monkeypatch.chdir(ROOT)  # config.yml names models/spacy_zh relative to the repository
    agent = Agent.load(str(path))
    assert isinstance(agent.processor.graph_runner, runner)
    return agent


@pytest.fixture(scope="module")
def agents():
    with pytest.MonkeyPatch.context() as monkeypatch:
        dask_agent = load_agent(DaskGraphRunner, monkeypatch)
        sequential_agent = load_agent(SequentialGraphRunner, monkeypatch)
    return dask_agent, sequential_agent


def test_the_parse_is_the_same(agents):
    dask_agent, sequential_agent = agents
    for text in SENTENCES:
        expected = asyncio.run(dask_agent.parse_message(text))
        got = asyncio.run(sequential_agent.parse_message(text))
        assert got == expected


def test_the_predictions_are_the_same_at_every_step_of_the_test_stories(agents):
    dask_agent, sequential_agent = agents
    domain = dask_agent.domain
    compared = 0
    for i, story in enumerate(load_data(str(ROOT / "tests/stories"), domain, augmentation_factor=0)):
        tracker = DialogueStateTracker(f"story-{i}", domain.slots)
        for event in story.events:
            if isinstance(event, ActionExecuted):
                # a copy each: the processor clears a follow-up action off the tracker it predicts for
                expected = dask_agent.processor._predict_next_with_tracker(tracker.copy())
                got = sequential_agent.processor._predict_next_with_tracker(tracker.copy())
                assert (got.policy_name, got.max_confidence, got.events) == (
                    expected.policy_name, expected.max_confidence, expected.events)
                assert got.probabilities == expected.probabilities
                compared += 1
            tracker.update(event)
    assert compared > 100


def test_an_input_named_like_a_node_is_refused(agents):
    processor = agents[1].processor
    target = processor.model_metadata.nlu_target
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        processor.graph_runner.run(inputs={"__message__": target}, targets=[target])


def test_install_makes_the_processor_load_the_sequential_runner(monkeypatch):
    monkeypatch.setattr(rasa.core.processor, "DaskGraphRunner", DaskGraphRunner)
    install()
    assert rasa.core.processor.DaskGraphRunner is SequentialGraphRunner
