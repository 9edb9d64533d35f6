"""Rasa's RulePolicy, with the conversation's dialogue states computed once per event instead of once per call.

To predict, RulePolicy turns the tracker into a list of dialogue states (one before every action, one now) by
replaying every event of the conversation session from the start, three times per prediction and twice per
turn: 4 of its 6.7 ms per role-play turn under cProfile (which inflates every figure; 3.5 -> 2.1 ms without it),
growing with the conversation (bench/turn_profile.py --cprofile).
Then it checks every rule against every state of the conversation, although a rule can only fail on its own
last few states (`_is_rule_applicable` is true past a rule's length): here the check stops past the longest
rule. A state depends only on the events before it, so this policy keeps, per conversation, the events already
replayed, the replayed tracker and the states found so far, and replays only the new events. The kept
prefix is reused only when the tracker's applied events start with the very same event objects (the tracker
store's cached tracker, rasa_addons/tracker_store.py, keeps them between turns); any other tracker (read back
from the database, another replica's write, an undone message) is replayed from the start, as Rasa does.
The states are exactly Rasa's (tests/test_rule_policy.py compares them on every step of the test stories).

Rasa's recipe validator looks for `RulePolicy` itself (`==`, not a subclass): `rasa train` therefore warns that no
RulePolicy is configured (/restart and /back still work: this is a RulePolicy) and leaves the domain check to
RulePolicy's training, and `rasa test core` does not mark rule predictions as memorised.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Text

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

CACHED_CONVERSATIONS = 2000


@dataclass
class _Replay:
    domain: Domain
    replayed: DialogueStateTracker  # the tracker after `events`
    events: List[Event] = field(default_factory=list)
    states: List[State] = field(default_factory=list)  # one per ActionExecuted in `events`, before it


class DialogueStates:
    """Per-conversation incremental version of `tracker.past_states(domain)` (Rasa's defaults)."""

    def __init__(self, size: int = CACHED_CONVERSATIONS) -> None:
        self.size = size
        self._replays: OrderedDict[str, _Replay] = OrderedDict()

    def past_states(self, tracker: DialogueStateTracker, domain: Domain) -> List[State]:
        applied = tracker.applied_events()
        replay = self._replays.pop(tracker.sender_id, None)
        if replay is None or not self._extends(replay, applied, domain):
            replay = _Replay(domain=domain, replayed=tracker.init_copy())
        for event in applied[len(replay.events):]:
            if isinstance(event, ActionExecuted):
                replay.states.append(domain._clean_state(domain.get_active_state(replay.replayed)))
            replay.replayed.update(event)
            replay.events.append(event)
        self._replays[tracker.sender_id] = replay
        while len(self._replays) > self.size:
            self._replays.popitem(last=False)
        now = domain._clean_state(domain.get_active_state(replay.replayed))
        # callers edit the states they get (the featurizer drops text or intent), and a state's parts may be the
        # replayed tracker's own dicts: hand out copies
        return [{kind: dict(sub_state) for kind, sub_state in state.items()} for state in [*replay.states, now]]

    @staticmethod
    def _extends(replay: _Replay, applied: List[Event], domain: Domain) -> bool:
        if replay.domain is not domain or len(replay.events) > len(applied):
            return False
        return all(kept is event for kept, event in zip(replay.events, applied))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class IncrementalRulePolicy(RulePolicy):
    """RulePolicy (same configuration keys, same predictions) with incremental dialogue states."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._dialogue_states = DialogueStates()

    def _prediction_states(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: Optional[Dict[Text, Any]] = None,
    ) -> List[State]:
        # What RulePolicy's featurizer does with RulePolicy's flags (rule-only turns kept, action_unlikely_intent
        # kept): the states of `tracker.past_states(domain)`, sliced to max_history, the last user input as text
        # or as intent.
        featurizer = self.featurizer
        states = featurizer.slice_state_history(self._dialogue_states.past_states(tracker, domain),
                                                featurizer.max_history)
        featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states

    def _get_possible_keys(self, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
        possible_keys = set(lookup.keys())
        longest = max((len(self._rule_key_to_state(key)) for key in possible_keys), default=0)
        for turn_index, state in enumerate(reversed(states[-longest:] if longest else [])):
            possible_keys = {key for key in possible_keys if self._is_rule_applicable(key, turn_index, state)}
        return possible_keys
