"""Coherence of the simulated customer: does the customer answer the turn?

tests/coherence/*.yml holds scripted role-plays (every scenario, all three customer types, both modes). Each
trainee turn carries the kinds of reply a trainer expects from a real customer (`expect`, kinds of
ssp_coach/roleplay/reply_kinds.py). A turn is met when some customer line of that turn has one of those
kinds; a turn after the role-play has ended is unmet. The test prints the share met per expected kind and
overall, and the unmet turns, and asks for at least 90% met over at least 150 turns.
"""
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

import pytest
import yaml

from ssp_coach.roleplay import engine
from ssp_coach.roleplay.catalog import CUSTOMER_TYPES, MODES, load_catalog
from ssp_coach.roleplay.reply_kinds import KINDS, reply_kind

DIALOGUES = Path(__file__).resolve().parent / "coherence"
TARGET_SHARE = 0.90
MIN_TURNS = 150


@dataclass
class Turn:
    file: str
    line: int
    dialogue: str
    say: str
    expect: List[str]
    got: List[Optional[str]] = field(default_factory=list)
    texts: List[str] = field(default_factory=list)
    ended_before: bool = False

    @property
    def met(self) -> bool:
        return not self.ended_before and any(k in self.expect for k in self.got)


def _say_lines(path: Path) -> List[int]:
    """Line numbers of the `- say:` entries, in file order (one per turn)."""
    return [i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if re.match(r"\s*-\s+say:", text)]


def load_dialogues():
    dialogues = []
    for path in sorted(DIALOGUES.glob("*.yml")):
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        lines = iter(_say_lines(path))
        for entry in entries:
            entry["file"] = f"tests/coherence/{path.name}"
            entry["lines"] = [next(lines) for _ in entry["turns"]]
            dialogues.append(entry)
    return dialogues


def play_dialogue(dialogue) -> List[Turn]:
    state = engine.start(dialogue["customer_type"], dialogue["scenario"], dialogue["mode"],
                         seed=dialogue.get("seed")).state
    if dialogue.get("persona"):
        state.persona_id = dialogue["persona"]
    name = f"{dialogue['scenario']}/{dialogue['customer_type']}/{dialogue.get('persona')}/{dialogue['mode']}"
    turns, ended = [], False
    for spec, line in zip(dialogue["turns"], dialogue["lines"]):
        turn = Turn(dialogue["file"], line, name, spec["say"], list(spec["expect"]))
        if ended:
            turn.ended_before = True
        else:
            result = engine.play(state, spec["say"], spec.get("intent"), spec.get("context"))
            customer = [m for m in result.messages if m.role == "customer"]
            turn.got = [reply_kind(m.response) for m in customer]
            turn.texts = [m.text or "" for m in customer]
            state, ended = result.state, result.ended
        turns.append(turn)
    return turns


@pytest.fixture(scope="module")
def dialogues():
    return load_dialogues()


def test_the_dialogues_cover_every_scenario_type_and_mode(dialogues):
    catalog = load_catalog()
    assert {d["scenario"] for d in dialogues} == set(catalog.scenarios)
    assert {d["customer_type"] for d in dialogues} == set(CUSTOMER_TYPES)
    assert {d["mode"] for d in dialogues} == set(MODES)
    for d in dialogues:
        assert d["persona"] in catalog.personas and catalog.personas[d["persona"]].type == d["customer_type"], d
        for turn in d["turns"]:
            assert turn["say"] and turn["expect"], (d["file"], turn)
            assert set(turn["expect"]) <= set(KINDS), (d["file"], turn["say"], turn["expect"])


def test_the_customer_answers_the_turn(dialogues):
    turns = [t for d in dialogues for t in play_dialogue(d)]
    per_kind = defaultdict(lambda: [0, 0])  # expected kind -> [met, total]
    for t in turns:
        for kind in t.expect:
            per_kind[kind][1] += 1
            per_kind[kind][0] += t.met
    met = sum(t.met for t in turns)
    share = met / len(turns) if turns else 0.0

    print(f"\n== coherence: {met}/{len(turns)} turns met ({share:.1%}), target {TARGET_SHARE:.0%}")
    print("per expected kind (a turn counts under each kind it accepts):")
    for kind in sorted(per_kind, key=lambda k: -per_kind[k][1]):
        ok, total = per_kind[kind]
        print(f"  {kind:18s} {ok:3d}/{total:3d}  {ok / total:.0%}")
    unmet = [t for t in turns if not t.met]
    if unmet:
        print(f"unmet turns ({len(unmet)}):")
    for t in unmet:
        print(f"- {t.file}:{t.line} [{t.dialogue}]\n    say: {t.say}\n    expected: {t.expect}")
        if t.ended_before:
            print("    got: (the role-play had already ended)")
        else:
            got = "; ".join(f"{k}「{x}」" for k, x in zip(t.got, t.texts)) or "(no customer line)"
            print(f"    got: {got}")

    assert len(turns) >= MIN_TURNS
    assert share >= TARGET_SHARE, f"only {share:.1%} of {len(turns)} turns met (target {TARGET_SHARE:.0%})"
