"""rasa_addons.action_response: the action server's answer is checked against Rasa's own schema, as Rasa does,
with the schema's own check done once; `install()` puts it in place of Rasa's per-call check."""
import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from rasa_addons import action_response


def test_a_valid_answer_passes():
    answer = {"events": [{"event": "slot", "name": "phase", "value": "roleplay"}],
              "responses": [{"text": "您好"}]}
    assert action_response.validate_action_result(None, answer) is True


@pytest.mark.parametrize("answer", [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
    [],
])
def test_an_invalid_answer_is_refused_as_rasa_refuses_it(answer):
    with pytest.raises(jsonschema.ValidationError) as ours:
        action_response.validate_action_result(None, answer)
    with pytest.raises(jsonschema.ValidationError) as rasas:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    assert ours.value.message.startswith(rasas.value.message)
    assert "Failed to validate Action server response" in ours.value.message


def test_install_replaces_rasas_check(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    action_response.install()
    action = RemoteAction("action_customer_turn", None)
    assert action._validate_action_result({"events": []}) is True
    with pytest.raises(jsonschema.ValidationError):
        action._validate_action_result({"events": [{"event": "no_such_event"}]})
    assert RemoteAction._validate_action_result is action_response.validate_action_result
