"""Rasa NLU components that let the Simplified-trained model read Traditional-script input.

`TraditionalToSimplified` (first in the pipeline) rewrites the message text with
`ssp_coach.text.normalise` (same length: Traditional -> Simplified, full-width ASCII folded) and
collapses runs of whitespace, so the tokenizer and featurizers always see one script.
`RestoreOriginalText` (last in the pipeline) puts the trainee's original text back and moves entity
offsets onto it, so `tracker.latest_message["text"]` is what the trainee typed (the scorer's evidence
offsets point into that text); entity values stay normalised so synonyms map to ids.
"""
import bisect
import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from ssp_coach.text import normalise

ORIGINAL_TEXT = "ssp_original_text"  # message key (not an output property)
INDEX_MAP = "ssp_index_map"  # new index -> original index, with len(original) appended
_SPACE = re.compile(r"\s+")
EMPTY_PLACEHOLDER = "。"  # what an empty or all-blank message is classified as (it falls back)


def rewrite(text: Text) -> Tuple[Text, List[int]]:
    """Normalised text with whitespace runs collapsed to one space (and stripped), plus the map
    from each index of the result (and its end) to the index in `text`."""
    norm = normalise(text)
    out: List[str] = []
    index: List[int] = []
    pos = 0
    for match in _SPACE.finditer(norm):
        out.append(norm[pos:match.start()])
        index.extend(range(pos, match.start()))
        if 0 < match.start() and match.end() < len(norm):  # inner run -> one space
            out.append(" ")
            index.append(match.start())
        pos = match.end()
    out.append(norm[pos:])
    index.extend(range(pos, len(norm)))
    index.append(len(norm))
    return "".join(out), index


def _move_entities(message: Message, mapping, old_text: Text = "", new_text: Text = "") -> None:
    """Moves entity offsets with `mapping`. Given the texts, a value that was the literal old span
    becomes the new span (so an annotated Traditional word does not turn into a synonym)."""
    for entity in message.get(ENTITIES) or []:
        if ENTITY_ATTRIBUTE_START not in entity or ENTITY_ATTRIBUTE_END not in entity:
            continue
        old_start, old_end = entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END]
        start, end = mapping(old_start, old_end)
        entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END] = start, end
        if new_text and entity.get(ENTITY_ATTRIBUTE_VALUE) == old_text[old_start:old_end]:
            entity[ENTITY_ATTRIBUTE_VALUE] = new_text[start:end]


class _Stateless(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "_Stateless":
        return cls()

    def process_one(self, message: Message, training: bool) -> None:
        raise NotImplementedError

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.process_one(message, training=False)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self.process_one(message, training=True)
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class TraditionalToSimplified(_Stateless):
    """Rewrites TEXT: Traditional -> Simplified (same length) and whitespace runs collapsed."""

    def process_one(self, message: Message, training: bool) -> None:
        text: Optional[Text] = message.get(TEXT)
        if text is None:
            return
        new_text, index = rewrite(text)
        if not new_text and not training:  # LogisticRegressionClassifier fails on zero tokens
            new_text, index = EMPTY_PLACEHOLDER, [0, len(text)]
        if new_text == text:
            return
        message.set(TEXT, new_text)
        if training:  # annotated offsets refer to the original: move them onto the new text
            _move_entities(
                message,
                lambda s, e: (bisect.bisect_left(index, s), bisect.bisect_left(index, e - 1) + 1),
                text,
                new_text,
            )
        else:
            message.set(ORIGINAL_TEXT, text)
            message.set(INDEX_MAP, index)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class RestoreOriginalText(_Stateless):
    """Puts the trainee's original text back (at parse time) and moves entity offsets onto it."""

    def process_one(self, message: Message, training: bool) -> None:
        original = message.get(ORIGINAL_TEXT)
        if training or original is None:
            return
        index: List[int] = message.get(INDEX_MAP)
        _move_entities(message, lambda s, e: (index[s], index[e - 1] + 1 if e > s else index[s]))
        message.set(TEXT, original)
        message.data.pop(ORIGINAL_TEXT, None)
        message.data.pop(INDEX_MAP, None)
