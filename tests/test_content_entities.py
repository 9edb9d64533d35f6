"""The TensorFlow-free entity components (nlu_components/content_entities.py), without a model:
names from content/, lookup tables for the CRF's `pattern` feature, and one span per entity."""
import re

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.content_entities import (
    FEATURE_CUE,
    ContentEntities,
    ContentLookups,
    content_names,
    merge,
    unambiguous,
)
from ssp_coach.reading.phrases import load_cues
from ssp_coach.roleplay.catalog import load_catalog, menu_names


def test_names_come_from_the_catalog_and_products():
    names = content_names()
    for product in load_catalog().products.values():
        assert product.name in names["car_model"][product.id]
    assert "S5" in names["car_model"]["s5"]  # the model code of 启航S5
    assert "考核模式" in names["mode"]["exam"] and "练习" in names["mode"]["practice"]
    for question, options in menu_names().items():
        for oid in options:
            assert oid not in names[question][oid]  # ids are not typed names


def test_only_long_menu_names_and_car_models_are_unambiguous():
    words = {w: (e, v) for w, e, v in unambiguous(content_names())}
    assert words["支配型"] == ("customer_type", "dominant")
    assert words["L7"] == ("car_model", "l7")
    assert "练习" not in words and "电话" not in words  # ordinary words: left to the CRF
    lengths = [len(w) for w in words]
    assert lengths == sorted(lengths, reverse=True)


def test_lookups_are_added_and_merged_into_a_table_of_the_same_name():
    data = TrainingData(lookup_tables=[{"name": "mode", "elements": ["练习模式", "自选"]}])
    data = ContentLookups().process_training_data(data)
    tables = {t["name"]: t["elements"] for t in data.lookup_tables}
    assert len(data.lookup_tables) == len(tables)  # no second "mode" table
    assert tables["mode"][:2] == ["练习模式", "自选"] and "考核" in tables["mode"]
    assert tables["mode"].count("练习模式") == 1
    assert "启航M8" in tables["car_model"] and "展厅接待" in tables["scenario"]


def test_the_scorers_feature_cues_become_regex_features_named_apart_from_every_entity():
    data = ContentLookups().process_training_data(TrainingData())
    cues = [r for r in data.regex_features if r["name"].startswith(FEATURE_CUE)]
    assert len(cues) == len(load_cues().fbi_lines["feature"])
    assert any(re.search(r["pattern"], "全系标配了自适应巡航") for r in cues)
    assert not {r["name"] for r in cues} & (set(content_names()) | {"feature", "price"})


def _entity(entity, start, end, value="x"):
    return {"entity": entity, "start": start, "end": end, "value": value}


def test_merge_keeps_one_span_where_two_overlap_the_longer_or_the_name():
    found = [_entity("customer_type", 0, 3, "analytical")]
    assert merge(found, [_entity("customer_type", 0, 5)]) == [_entity("customer_type", 0, 5)]
    assert merge(found, [_entity("scenario", 1, 4)]) == found  # tie: the name
    assert merge(found, [_entity("mode", 2, 3)]) == found
    both = merge(found, [_entity("price", 5, 8)])
    assert [e["start"] for e in both] == [0, 5]


def _trained(tmp_path, regex_features=()):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("content_entities")
    context = ExecutionContext(GraphSchema({}), "test")
    component = ContentEntities.create({}, storage, resource, context)
    examples = [Message(data={TEXT: "13万", "intent": "quote_price",
                              ENTITIES: [_entity("price", 0, 3, "13万")]})]
    component.train(TrainingData(examples, regex_features=list(regex_features)))
    return ContentEntities.load({}, storage, resource, context)


def test_the_trained_component_finds_names_and_entity_regexes_and_labels_every_span(tmp_path):
    regexes = [{"name": "price", "pattern": r"\d+万"}, {"name": "not_an_entity", "pattern": "启航"}]
    component = _trained(tmp_path, regexes)
    crf = {**_entity("feature", 11, 16, "自适应巡航"), "extractor": "CRFEntityExtractor"}
    message = Message(data={TEXT: "启航S5只要13万，带自适应巡航", ENTITIES: [crf]})
    [message] = component.process([message])
    got = [(e["entity"], e["value"], e["extractor"]) for e in message.get(ENTITIES)]
    assert got == [
        ("car_model", "s5", "ContentEntities"),
        ("price", "13万", "ContentEntities"),
        ("feature", "自适应巡航", "ContentEntities"),
    ]


def test_a_message_with_no_name_keeps_the_crf_entities(tmp_path):
    component = _trained(tmp_path)
    crf = {"entity": "feature", "value": "座椅", "start": 3, "end": 5, "extractor": "CRFEntityExtractor"}
    message = Message(data={TEXT: "随便聊聊座椅", ENTITIES: [dict(crf)]})
    [message] = component.process([message])
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [("feature", "座椅")]
