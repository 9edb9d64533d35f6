"""rasa_addons.rule_policy: the incremental dialogue states are Rasa's own at every step of the project's rules
and test stories, and IncrementalRulePolicy, trained on the project's rules, predicts exactly what Rasa's
RulePolicy predicts at every one of those steps."""
from pathlib import Path
from typing import List

import pytest
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.core.training import load_data
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, UserUtteranceReverted
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.rule_policy import DialogueStates, IncrementalRulePolicy

ROOT = Path(__file__).resolve().parent.parent
CONFIG = {"core_fallback_threshold": 0.3, "enable_fallback_prediction": True}  # as in config.yml


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def trackers_of(domain, *resources):
    found = []
    for resource in resources:
        found += load_data(str(ROOT / resource), domain, augmentation_factor=0)
    return found


@pytest.fixture(scope="module")
def trackers(domain):
    """The rules and stories Rasa trains on, and the test stories (whose slash commands another policy answers)."""
    found = trackers_of(domain, "data", "tests/stories")
    assert len(found) > 30
    return found


def replay(events: List[Event], domain: Domain, sender: str):
    """Yields one growing tracker object (as the tracker store's cached tracker grows) before every action."""
    tracker = DialogueStateTracker(sender, domain.slots)
    for event in events:
        if isinstance(event, ActionExecuted):
            yield tracker
        tracker.update(event)
    yield tracker


def test_incremental_states_are_rasas_states_at_every_step(domain, trackers):
    states = DialogueStates()
    steps = 0
    for i, story in enumerate(trackers):
        for tracker in replay(list(story.events), domain, f"story-{i}"):
            assert states.past_states(tracker, domain) == tracker.past_states(domain)
            steps += 1
    assert steps > 300


def test_a_rebuilt_or_reverted_tracker_is_replayed_from_the_start(domain, trackers):
    states = DialogueStates()
    events = list(max(trackers, key=lambda t: len(t.events)).events)
    tracker = DialogueStateTracker.from_events("same-sender", events, domain.slots)
    assert states.past_states(tracker, domain) == tracker.past_states(domain)
    rebuilt = DialogueStateTracker.from_events("same-sender", events[: len(events) // 2], domain.slots)
    assert states.past_states(rebuilt, domain) == rebuilt.past_states(domain)  # a shorter history, new objects
    tracker.update(UserUtteranceReverted())
    assert states.past_states(tracker, domain) == tracker.past_states(domain)


def test_handed_out_states_can_be_edited_without_touching_the_kept_ones(domain, trackers):
    states = DialogueStates()
    tracker = DialogueStateTracker.from_events("s", list(trackers[0].events), domain.slots)
    for state in states.past_states(tracker, domain):
        for sub_state in state.values():
            sub_state.clear()
    assert states.past_states(tracker, domain) == tracker.past_states(domain)


def test_the_cache_keeps_a_bounded_number_of_conversations(domain, trackers):
    states = DialogueStates(size=3)
    for i in range(5):
        states.past_states(DialogueStateTracker.from_events(f"s{i}", list(trackers[0].events), domain.slots), domain)
    assert list(states._replays) == ["s2", "s3", "s4"]


def trained(cls, domain, trackers, tmp_path, name):
    (tmp_path / name).mkdir()
    policy = cls.create({**cls.get_default_config(), **CONFIG}, LocalModelStorage(tmp_path / name),
                        Resource(name), ExecutionContext(GraphSchema({}), name))
    policy.train(trackers, domain)
    return policy


def test_predictions_equal_rasas_rule_policy(domain, trackers, tmp_path):
    training = trackers_of(domain, "data")
    stock = trained(RulePolicy, domain, training, tmp_path, "stock")
    ours = trained(IncrementalRulePolicy, domain, training, tmp_path, "ours")
    compared = 0
    for i, story in enumerate(trackers):
        if story.is_rule_tracker:
            continue
        for tracker in replay(list(story.events), domain, f"story-{i}"):
            expected = stock.predict_action_probabilities(tracker, domain)
            got = ours.predict_action_probabilities(tracker, domain)
            assert got.probabilities == expected.probabilities
            assert got.events == expected.events and got.optional_events == expected.optional_events
            assert got.is_end_to_end_prediction == expected.is_end_to_end_prediction
            states = ours._prediction_states(tracker, domain)
            for lookup in (ours.lookup[RULES], ours.lookup[RULES_FOR_LOOP_UNHAPPY_PATH]):
                assert ours._get_possible_keys(lookup, states) == RulePolicy._get_possible_keys(ours, lookup, states)
            compared += 1
    assert compared > 100
