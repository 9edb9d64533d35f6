"""A dialogue policy that stops slash commands the role-play does not expect in the current phase.

Rasa reads any message typed as `/intent{...}` as that intent with confidence 1.0 (its own /back,
/out_of_scope, /session_start, /nlu_fallback, any domain intent), and an unknown `/name` goes through
NLU. Which commands are expected in each phase is the domain's decision (ssp_coach.coach_menu.COMMANDS);
this policy only applies it: for a slash message that is not allowed it predicts
`action_command_unavailable` (a coach message, no other event) and then `action_listen`, ahead of every
other policy (its priority is the highest), so no rule, form or default action (e.g. action_back) runs.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from ssp_coach.coach_menu import command_allowed

GUARD_ACTION = "action_command_unavailable"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class SlashCommandPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 7, "phase_slot": "phase"}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn: the whitelist is the domain's

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        result = self._default_predictions(domain)
        latest = tracker.latest_action_name
        if latest == GUARD_ACTION:
            result[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        elif latest == ACTION_LISTEN_NAME and tracker.latest_message is not None:
            message = tracker.latest_message
            intent = (message.intent or {}).get("name")
            if not command_allowed(tracker.get_slot(self.config["phase_slot"]), intent, message.text):
                result[domain.index_for_action(GUARD_ACTION)] = 1.0
        return self._prediction(result)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> SlashCommandPolicy:
        return cls(config, model_storage, resource, execution_context)
