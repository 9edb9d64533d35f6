"""Entities without TensorFlow: the names the trainer content defines, beside a CRF.

`ContentLookups` (before RegexFeaturizer) adds lookup tables built from content/ to the training
data: every menu name (customer types, scenarios, modes: `catalog.menu_names()`) and every car model
(content/products.yml); and, as regexes, the cue lines the scorer reads an FBI feature (配备) by
(content/phrases/skills.yml `fbi.feature`). The RegexFeaturizer turns them into the `pattern` token
feature the CRFEntityExtractor learns from, so a name the trainer adds to content/ is known without new
examples (their effect, measured by cross-validation, is in docs/capacity.md).

`ContentEntities` (after CRFEntityExtractor) finds the unambiguous names in the text (car model
names and codes, menu titles of three or more characters, `<mode>模式`, and the training data's
regexes named after an entity, such as `price`), keeps the CRF's entities where no name was found,
and reports each span once: where a name and a CRF entity overlap, the longer span wins (the name on a
tie). Values are the option ids (EntitySynonymMapper maps the CRF's literal values the same way).
"""
import json
import re
from typing import Any, Dict, Iterable, List, Optional, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from ssp_coach.reading.phrases import load_cues
from ssp_coach.roleplay.catalog import MODES, load_catalog, menu_names

CAR_MODEL = "car_model"
FEATURE_CUE = "feature_cue"  # regex feature names for the FBI feature cues (content/phrases/skills.yml)
MIN_NAME = 3  # shorter menu words (练习, 电话, 介绍 ...) are ordinary words too: the CRF decides
_ASCII_ID = re.compile(r"[a-z_]+")  # option ids (needs, exam ...): not something a trainee types
_MODEL_CODE = re.compile(r"[A-Za-z0-9]+$")  # 启航S5 -> S5
_FILE = "names.json"


def content_names() -> Dict[str, Dict[str, List[str]]]:
    """{entity: {value: [names]}}: the menu's names and the car models, from content/."""
    names = {q: {oid: [w for w in words if not _ASCII_ID.fullmatch(w)] for oid, words in options.items()}
             for q, options in menu_names().items()}
    for mode, label in MODES.items():
        names["mode"][mode].append(f"{label}模式")
    names[CAR_MODEL] = {}
    for product in load_catalog().products.values():
        code = _MODEL_CODE.search(product.name)
        names[CAR_MODEL][product.id] = [product.name] + ([code.group(0)] if code else [])
    return names


def unambiguous(names: Dict[str, Dict[str, List[str]]]) -> List[Tuple[str, str, str]]:
    """(name, entity, value), longest name first: car models, and menu names of MIN_NAME+ characters."""
    found = {}
    for entity, options in names.items():
        for value, words in options.items():
            for word in words:
                if entity == CAR_MODEL or len(word) >= MIN_NAME:
                    found.setdefault(word, (entity, value))
    return sorted(((w, e, v) for w, (e, v) in found.items()), key=lambda t: (-len(t[0]), t[0]))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class ContentLookups(GraphComponent):
    """Adds content/'s names to the training data's lookup tables (merged into a table of the same
    name) and the FBI feature cues to its regexes, for the RegexFeaturizer that follows."""

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ContentLookups":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        tables = {t["name"]: t for t in training_data.lookup_tables}
        for entity, options in content_names().items():
            table = tables.get(entity)
            if table is None:
                table = tables[entity] = {"name": entity, "elements": []}
                training_data.lookup_tables.append(table)
            words = [w for ws in options.values() for w in ws]
            table["elements"] = list(dict.fromkeys(list(table["elements"]) + words))
        for i, line in enumerate(load_cues().fbi_lines["feature"]):  # not an entity's name: a feature only
            training_data.regex_features.append({"name": f"{FEATURE_CUE}{i}", "pattern": line.pattern})
        return training_data


def _overlaps(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    return a[ENTITY_ATTRIBUTE_START] < b[ENTITY_ATTRIBUTE_END] and b[ENTITY_ATTRIBUTE_START] < a[ENTITY_ATTRIBUTE_END]


def _length(entity: Dict[str, Any]) -> int:
    return entity[ENTITY_ATTRIBUTE_END] - entity[ENTITY_ATTRIBUTE_START]


def merge(found: List[Dict[str, Any]], others: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """`found` (non-overlapping) and `others` as one list with no overlapping spans: of two that
    overlap the longer stays, `found` on a tie. In text order."""
    kept = list(found)
    for other in others:
        rivals = [f for f in kept if _overlaps(f, other)]
        if all(_length(other) > _length(r) for r in rivals):
            kept = [k for k in kept if k not in rivals] + [other]
    return sorted(kept, key=lambda e: (e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END]))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class ContentEntities(GraphComponent, EntityExtractorMixin):
    """Content names and entity regexes found in the text, merged with the entities before it."""

    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 names: Optional[List[Tuple[str, str, str]]] = None,
                 regexes: Optional[List[Tuple[str, str]]] = None) -> None:
        self._storage, self._resource = model_storage, resource
        self.names = names or []
        self.regexes = regexes or []
        self._compiled = [(re.compile(p, re.IGNORECASE), e) for p, e in self.regexes]

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ContentEntities":
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        entities = training_data.entities
        self.names = unambiguous(content_names())
        self.regexes = [(r["pattern"], r["name"]) for r in training_data.regex_features if r["name"] in entities]
        self._compiled = [(re.compile(p, re.IGNORECASE), e) for p, e in self.regexes]
        with self._storage.write_to(self._resource) as directory:
            (directory / _FILE).write_text(
                json.dumps({"names": self.names, "regexes": self.regexes}, ensure_ascii=False), encoding="utf-8")
        return self._resource

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "ContentEntities":
        with model_storage.read_from(resource) as directory:
            data = json.loads((directory / _FILE).read_text(encoding="utf-8"))
        return cls(model_storage, resource, [tuple(n) for n in data["names"]], [tuple(r) for r in data["regexes"]])

    def find(self, text: str) -> List[Dict[str, Any]]:
        """The names and regex matches in `text`, longest first, none overlapping another."""
        spans: List[Tuple[int, int, str, str]] = []
        lowered = text.lower()
        for name, entity, value in self.names:
            start = lowered.find(name.lower())
            while start >= 0:
                spans.append((start, start + len(name), entity, value))
                start = lowered.find(name.lower(), start + 1)
        for pattern, entity in self._compiled:
            matches = (m for m in pattern.finditer(text) if m.end() > m.start())
            spans.extend((m.start(), m.end(), entity, m.group(0)) for m in matches)
        found: List[Dict[str, Any]] = []
        for start, end, entity, value in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
            candidate = {ENTITY_ATTRIBUTE_TYPE: entity, ENTITY_ATTRIBUTE_START: start,
                         ENTITY_ATTRIBUTE_END: end, ENTITY_ATTRIBUTE_VALUE: value}
            if not any(_overlaps(candidate, f) for f in found):
                found.append(candidate)
        return found

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            merged = merge(self.find(text), message.get(ENTITIES) or [])
            for entity in merged:
                entity[EXTRACTOR] = self.name
            message.set(ENTITIES, merged, add_to_output=True)
        return messages
