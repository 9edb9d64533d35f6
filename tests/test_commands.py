"""Which slash commands each phase expects (ssp_coach.coach_menu) and the policy that applies it."""
import pytest
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from ssp_coach import coach_menu

DOMAIN = Domain.from_path("domain.yml")


def test_typed_speech_is_never_a_command():
    for phase in coach_menu.PHASES:
        assert coach_menu.command_allowed(phase, "greet", "您好")
        assert coach_menu.command_allowed(phase, "nlu_fallback", "嗯")


@pytest.mark.parametrize("command", ["back", "out_of_scope", "session_start", "nlu_fallback", "greet",
                                     "attempt_close", "no_such_command", None])
def test_rasa_defaults_dialogue_acts_and_unknown_names_are_never_expected(command):
    for phase in coach_menu.PHASES:
        assert not coach_menu.command_allowed(phase, command, f"/{command or 'x'}")


def test_each_phase_expects_its_own_commands():
    assert coach_menu.command_allowed("roleplay", "hint", "/hint")
    assert coach_menu.command_allowed("roleplay", "end", "/end")
    assert not coach_menu.command_allowed("roleplay", "choose", '/choose{"mode":"exam"}')  # an old button
    assert not coach_menu.command_allowed("roleplay", "start", "/start")
    assert coach_menu.command_allowed("setup", "choose", '/choose{"mode":"exam"}')
    assert not coach_menu.command_allowed("setup", "hint", "/hint")
    assert not coach_menu.command_allowed("ended", "end", "/end")
    assert coach_menu.command_allowed("ended", "start", "/start")
    for phase in coach_menu.PHASES:
        assert coach_menu.command_allowed(phase, "help", "/help")
        assert coach_menu.command_allowed(phase, "restart", "/restart")
    assert coach_menu.command_allowed(None, "start", "/start")  # no phase yet = set-up


def test_every_command_is_a_domain_intent():
    assert {c for cs in coach_menu.COMMANDS.values() for c in cs} <= set(DOMAIN.intents)


def test_refusal_names_the_command_and_what_works():
    text = coach_menu.unavailable("roleplay", '/choose{"mode":"exam"}')
    assert "/choose" in text and "/hint" in text and "/end" in text and "{" not in text


def _predict(phase, text, intent, latest_action=None):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from rasa_addons.command_policy import SlashCommandPolicy

    policy = SlashCommandPolicy.create(SlashCommandPolicy.get_default_config(), LocalModelStorage("/tmp"),
                                       Resource("guard"), ExecutionContext(GraphSchema({}), "test"))
    events = [ActionExecuted(ACTION_LISTEN_NAME), SlotSet("phase", phase),
              UserUttered(text, {"name": intent, "confidence": 1.0})]
    if latest_action:
        events.append(ActionExecuted(latest_action))
    tracker = DialogueStateTracker.from_events("t", events, slots=DOMAIN.slots)
    prediction = policy.predict_action_probabilities(tracker, DOMAIN)
    if max(prediction.probabilities) == 0:
        return None
    return DOMAIN.action_names_or_texts[prediction.max_confidence_index]


def test_policy_stops_unexpected_commands_and_leaves_the_rest_to_the_rules():
    assert _predict("roleplay", "/back", "back") == "action_command_unavailable"
    assert _predict("roleplay", "/out_of_scope", "out_of_scope") == "action_command_unavailable"
    assert _predict("setup", "/hint", "hint") == "action_command_unavailable"
    assert _predict("roleplay", "/hint", "hint") is None
    assert _predict("roleplay", "您好", "greet") is None
    assert _predict("roleplay", "/back", "back", "action_command_unavailable") == ACTION_LISTEN_NAME
    assert _predict("roleplay", "/hint", "hint", "action_hint") is None
