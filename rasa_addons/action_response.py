"""The action server's answer checked against Rasa's schema with a validator built once per process.

Rasa 3.6's `RemoteAction._validate_action_result` calls `jsonschema.validate(result, schema)` on every
custom-action call, and `validate` checks the schema itself against the JSON-Schema meta-schema each
time before checking the answer: 5.7 of the 7.5 ms it took per role-play turn under cProfile (which inflates
every figure; bench/turn_profile.py --cprofile; 4.1 -> 1.6 ms for the whole action call on Rasa's side without it). `install()` swaps in the same check (same schema, same best-matching error, same message
appended) with the schema checked once. rasa_addons.launcher installs it before Rasa starts.
"""
from typing import Any, Dict

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_validator = None


def _compiled_validator() -> Any:
    global _validator
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        cls = validators.validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    return _validator


def validate_action_result(_action: RemoteAction, result: Dict[str, Any]) -> bool:
    error = best_match(_compiled_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action "
        f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]

