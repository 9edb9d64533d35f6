"""The simulated customer: start a role-play, react to each trainee reply, give hints, sum up.

Pure functions: a SessionState comes in, a new one goes out (nothing is kept between calls).
Randomness is seeded from the role-play id and turn number, so a turn replays identically.
"""

import copy
import random
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from ..reading import TurnReading, read_turn
from ..scoring import score_turn
from ..scoring.weights import load_scoring_config
from . import coaching, lines
from .catalog import CUSTOMER_TYPES, MODES, OUTCOMES, Catalog, Objection, Persona, Scenario, Stage, load_catalog
from .responses import fill
from .session import SessionState
from .turn_view import TurnView

# What the customer says about a problem in the reply (see roleplay.yml reaction_order).
PROBLEM_RESPONSES = {
    "pressure": "utter_customer_pressured",
    "contradict": "utter_customer_contradicted",
    "dismissive": "utter_customer_dismissed",
    "blame": "utter_customer_dismissed",
    "belittle_competitor": "utter_customer_belittled_competitor",
    "belittle_customer": "utter_customer_belittled",
    "off_topic": "utter_customer_dodged",
    "noisy_engine": "utter_customer_noisy_engine",
    "bare_price": "utter_customer_bare_price",
    "lecture": "utter_customer_lectured",
    "vague_claim": "utter_customer_vague_claim",
    "long_speech": "utter_customer_long_speech",
}
POSITIVE_RESPONSES = {
    "utter_customer_praised",
    "utter_customer_fbi_good",
    "utter_customer_objection_resolved",
    "utter_customer_warming",
    "utter_customer_test_drive_accepted",
}
QUIET_RESPONSES = {
    "utter_customer_neutral",
    "utter_customer_closed_answer",
    "utter_customer_small_talk",
    "utter_customer_good_question",
    "utter_customer_overview_ok",
    "utter_customer_process_ok",
}
MAX_FACTS_PER_TURN = 2
TMD_TOPICS = ("budget", "timeframe", "decision_maker")
AFTER_SALE = ("delivery", "follow_up")  # the car is bought: explanations are steps, not sales claims
# A reason or a softener that makes a money/time/decision question courteous (为了帮您…, 方便问一下…).
_TMD_REASON = re.compile(r"为了|方便|冒昧|请问|帮您|合适|参考|推荐|安排|不介意|好让|以便")
_OPTION = re.compile(r"([\u4e00-\u9fffA-Za-z0-9]{1,8})还是([\u4e00-\u9fffA-Za-z0-9]{1,8})")


@dataclass
class Message:
    role: str  # "customer" | "coach"
    text: Optional[str] = None
    response: Optional[str] = (
        None  # what kind of line it is (a response name of content/customer_lines.yml or a situation)
    )
    variables: Dict[str, Any] = field(default_factory=dict)


@dataclass
class TurnResult:
    state: SessionState
    messages: List[Message]
    ended: bool = False
    summary: Optional[Dict[str, Any]] = None
    assessment: Optional[Dict[str, Any]] = None


# ---------------------------------------------------------------- start


def start(
    customer_type: str,
    scenario: str,
    mode: str,
    trainee: Optional[str] = None,
    seed: Optional[int] = None,
    persona_id: Optional[str] = None,
) -> TurnResult:
    """A new role-play. `persona_id` fixes the persona when it names one of the customer type: a class
    exercise where everyone meets the same customer, or a follow-up call with the same customer; otherwise a
    persona of the type is picked."""
    catalog = load_catalog()
    rng = random.Random(seed)
    if customer_type == "random":
        customer_type = rng.choice(sorted(CUSTOMER_TYPES))
    if customer_type not in CUSTOMER_TYPES:
        raise ValueError(f"未知的客户类型：{customer_type}。可选：{'、'.join(CUSTOMER_TYPES.values())}或随机。")
    if scenario not in catalog.scenarios:
        raise ValueError(f"未知的场景：{scenario}。可选：{'、'.join(s.title for s in catalog.scenarios.values())}。")
    if mode not in MODES:
        raise ValueError(f"未知的模式：{mode}。可选：练习或考核。")
    chosen = catalog.scenarios[scenario]
    fixed = catalog.personas.get(persona_id or "")
    persona = (
        fixed
        if fixed is not None and fixed.type == customer_type
        else _pick_persona(catalog, customer_type, chosen, rng)
    )
    first = chosen.stages[0]
    state = SessionState(
        trainee=trainee,
        phase="roleplay",
        customer_type=customer_type,
        scenario=scenario,
        mode=mode,
        persona_id=persona.id,
        roleplay_id=uuid.uuid4().hex if seed is None else _seeded_id(rng),
        stage=first.id,
        trust=float(catalog.dynamics["start_trust"][customer_type]),
        stages_reached=[first.id],
    )
    variables = _variables(catalog, persona)
    opening = persona.opening.get(scenario) or chosen.opening[customer_type]
    messages = [
        Message("coach", text=coaching.briefing(chosen, persona, customer_type, mode, variables)),
        Message("customer", text=fill(opening, variables)),
    ]
    if first.raise_objection:
        messages.append(_raise_objection(catalog, state, persona, chosen, variables, rng))
    said = [m.text for m in messages if m.role == "customer" and m.text]
    state.memory = {
        "said": said,
        "asked": bool(first.raise_objection) or said[-1].rstrip("～~。 ").endswith(("?", "？")),
    }
    return TurnResult(state, messages)


def _pick_persona(catalog: Catalog, customer_type: str, scenario: Scenario, rng: random.Random) -> Persona:
    """A persona of the type kept for this scenario if there is one (prospects for prospecting), else one
    kept for no scenario; those with objections this scenario can raise are preferred."""
    of_type = [p for p in catalog.personas.values() if p.type == customer_type and scenario.id in p.only_in]
    of_type = of_type or [p for p in catalog.personas.values() if p.type == customer_type and not p.only_in]
    suited = [p for p in of_type if set(p.objections) & set(scenario.objections)]
    return rng.choice(suited or of_type)


def _seeded_id(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


# ---------------------------------------------------------------- one turn


def read_and_score(
    state: SessionState, text: str, intent: Optional[str] = None, context: Optional[str] = None
) -> "tuple[TurnReading, Dict[str, Any]]":
    """The one reading of a trainee turn in this role-play, and the scorer's judgement of it."""
    reading = read_turn(
        text,
        context,
        scoring_stage(state),
        state.customer_type,
        intent,
        objection_pending=bool(state.pending_objection) if state.phase == "roleplay" else None,
        max_chars=int(load_scoring_config()["max_analysed_chars"]),  # the same prefix the CLI judges
    )
    return reading, score_turn(reading)


def play(state: SessionState, text: str, intent: Optional[str] = None, context: Optional[str] = None) -> "TurnResult":
    """Read, score and answer one trainee turn; the assessment is in result.assessment."""
    reading, assessment = read_and_score(state, text, intent, context)
    result = take_turn(state, reading, assessment)
    result.assessment = assessment
    return result


def take_turn(state: SessionState, reading: TurnReading, assessment: Dict[str, Any]) -> TurnResult:
    catalog = load_catalog()
    persona_id, scenario_id = state.persona_id, state.scenario
    if (
        state.phase != "roleplay"
        or persona_id is None
        or persona_id not in catalog.personas
        or scenario_id is None
        or scenario_id not in catalog.scenarios
    ):
        return TurnResult(state, [Message("coach", text="当前没有进行中的角色扮演。输入 /start 开始练习。")])
    new = copy.deepcopy(state)
    new.turns += 1
    persona = catalog.personas[persona_id]
    if new.customer_type not in CUSTOMER_TYPES:  # tolerate a lost slot: the persona knows its type
        new.customer_type = persona.type
    if new.trust is None:
        new.trust = float(catalog.dynamics["start_trust"][new.customer_type])
    if new.stage not in {s.id for s in catalog.scenarios[scenario_id].stages}:
        new.stage = catalog.scenarios[scenario_id].stages[0].id
    turn = _Turn(catalog, new, TurnView(reading, assessment))
    turn.react()
    walk = catalog.dynamics["thresholds"]["walk_away"]
    if (new.strikes >= turn.persona.tolerance or new.trust <= walk) and not new.memory.get("warned"):
        # A walk-out is always announced once first: the trainee gets one chance to repair.
        turn.situation("walk_warning")
        new.memory["warned"] = True
        new.strikes = min(new.strikes, turn.persona.tolerance - 1)
        new.trust = max(new.trust, walk + 1)
    elif new.strikes >= turn.persona.tolerance or new.trust <= walk:
        turn.say("utter_customer_walking_away")
        return _with_prefix(finish(new, [], "walk_away"), turn.messages)
    if turn.deal:
        return _with_prefix(finish(new, [], "deal"), turn.messages)
    if turn.scenario_complete:
        done = finish(new, [], "ended")
        done.messages.insert(0, Message("coach", text=f"客户道别了，{turn.scenario.title}练习结束。"))
        return _with_prefix(done, turn.messages)
    turn.remember_asked()
    if turn.call_done and not new.memory.get("call_goal_noted"):
        new.memory["call_goal_noted"] = True
        turn.messages.append(
            Message("coach", text="这通电话的目标已经完成：按课程约定下次联系、感谢并道别，挂断后进入下一通电话。")
        )
    if turn.goal_done and not new.memory.get("goal_noted"):
        new.memory["goal_noted"] = True
        turn.messages.append(
            Message(
                "coach",
                text=f"本场景的目标已经完成：{turn.scenario.title}。可以继续练习"
                "（比如道别、约下次联系），或输入 /end 查看成绩单。",
            )
        )
    if new.mode == "practice":
        turn.messages.append(
            Message(
                "coach",
                text=coaching.turn_note(
                    catalog, new, turn.reading, assessment, turn.variables, turn.revealed, turn.held_back, turn.evaded
                ),
            )
        )
    if turn.next_call:
        turn.messages.extend(turn.next_call)
        new.memory["asked"] = (turn.next_call[-1].text or "").rstrip("～~。 ").endswith(("?", "？"))
    return TurnResult(new, turn.messages)


def _with_prefix(result: TurnResult, messages: List[Message]) -> TurnResult:
    result.messages = messages + result.messages
    return result


class _Turn:
    """The customer's reaction to one reply; mutates the (already copied) state it is given."""

    def __init__(self, catalog: Catalog, state: SessionState, reading: TurnView):
        self.catalog, self.state, self.reading = catalog, state, reading
        self.dyn = catalog.dynamics
        # take_turn fills these before a turn is made; a session without them fails as an unknown id would.
        if state.customer_type is None or state.persona_id is None or state.scenario is None:
            raise KeyError(None)
        self.ctype: str = state.customer_type
        self.persona = catalog.personas[state.persona_id]
        self.scenario = catalog.scenarios[state.scenario]
        self.variables = _variables(catalog, self.persona)
        self.rng = random.Random(f"{state.roleplay_id}:{state.turns}")
        self.messages: List[Message] = []
        self.delta = 0.0
        self.events: set = set()  # signals produced by the customer's side (fact, objection_handled, …)
        self.revealed: List[str] = []  # hidden facts revealed this turn
        self.held_back: List[str] = []  # facts asked about with a closed question, answered only in part
        self.evaded: List[str] = []  # money/time/decision facts asked bluntly before the customer trusts
        self.deal = False
        self.scenario_complete = False  # the customer said goodbye
        self.goal_done = False  # the scenario's last stage was completed in this turn
        self.call_done = False  # the current call's last stage was completed in this turn (more calls follow)
        self.next_call: List[Message] = []  # the time jump to the next call, said after the coach's note

    # -- helpers
    def _said(self) -> List[str]:
        return list(self.state.memory.get("said") or [])

    def _emit(self, text: str, response: Optional[str] = None, **extra: Any) -> None:
        text = fill(text, dict(self.variables, **extra))
        self.state.memory["said"] = lines.remember(self._said(), text)
        self.messages.append(Message("customer", text=text, response=response))

    def say(self, response: str, **extra: Any) -> None:
        """A reaction of the kind `response`, in a line of this scenario not said yet in this role-play."""
        pool = [fill(t, dict(self.variables, **extra)) for t in lines.pool(response, self.scenario.id, self.ctype)]
        self._emit(lines.choose(pool, self._said(), self.rng), response)

    def situation(self, name: str, **extra: Any) -> None:
        pool = [fill(t, dict(self.variables, **extra)) for t in lines.situation(name, self.ctype)]
        self._emit(lines.choose(pool, self._said(), self.rng), name)

    def line(self, text: str) -> None:
        self._emit(text)

    def remember_asked(self) -> None:
        """Whether the customer's last line asked something or objected: only then may the customer later
        complain that it was not answered."""
        last = next((m.text for m in reversed(self.messages) if m.role == "customer" and m.text), "")
        self.state.memory["asked"] = (
            bool(last.rstrip("～~。 ").endswith(("?", "？"))) or "objection_raised" in self.events
        )

    def event(self, name: str) -> None:
        self.delta += self.dyn["deltas"]["events"][name][self.ctype]

    # -- the turn
    def react(self) -> None:
        r = self.reading
        if not r.readable:
            self.say("utter_customer_confused")
            self.event("off_topic")
            self._apply_trust()
            return
        for t in set(r.techniques):
            self.delta += self.dyn["deltas"]["techniques"].get(t, {}).get(self.ctype, 0)
        for a in set(r.anti_patterns):
            self.delta += self.dyn["deltas"]["anti_patterns"].get(a, {}).get(self.ctype, 0)
        bad = [a for a in r.anti_patterns if a in self.dyn["strike_anti_patterns"]]
        if bad:
            self.state.strikes += 1
        long_speech = r.length > self.dyn["long_speech_chars"][self.ctype]
        if long_speech:
            self.event("long_speech")
        if r.question == "open":
            self.event("open_question")

        addresses = bool(r.steps & {1, 2, 3}) or (4 in r.steps and bool(self.state.objection_steps))
        if self.state.pending_objection and (bad or addresses):
            self._objection_turn(bad)
        elif self.state.pending_objection:
            self._unhandled_objection_turn(long_speech)
        else:
            self._general_turn(long_speech)
        self._apply_trust()
        if not self.deal and not self.next_call:
            self._advance_stage()
        self._mood_line()

    def _trust(self) -> float:
        """The trust before this turn (take_turn sets it before a turn is made)."""
        if self.state.trust is None:
            raise TypeError("a role-play turn needs the customer's trust")
        return self.state.trust

    def _pending(self) -> Objection:
        """The objection on the table (only called while one is pending)."""
        if self.state.pending_objection is None:
            raise KeyError(None)
        return self.catalog.objections[self.state.pending_objection]

    def _apply_trust(self) -> None:
        cap = self.dyn["thresholds"]["max_turn_change"]
        self.delta = max(-cap, min(cap, self.delta))
        self.state.trust = round(max(0.0, min(100.0, self._trust() + self.delta)), 1)

    def _problem(self, long_speech: bool) -> Optional[str]:
        present = set(self.reading.anti_patterns) | ({"long_speech"} if long_speech else set())
        return next((p for p in self.dyn["reaction_order"][self.ctype] if p in present), None)

    def _general_turn(self, long_speech: bool) -> None:
        r, s = self.reading, self.reading.signals
        problem = self._problem(long_speech)
        if problem:
            self.say(PROBLEM_RESPONSES[problem])
            severe = problem in self.dyn["strike_anti_patterns"] or (
                problem == "long_speech" and self.ctype == "dominant"
            )
            if severe:
                return  # the customer does not answer questions in a reply like that
        if "goodbye" in s and r.length <= 40:
            self.say("utter_customer_goodbye")
            nxt = self.scenario.next_call(self.state.stage)
            if nxt is None:
                self.scenario_complete = True
            else:
                self._start_call(nxt)  # the call is over; the next one in the cadence begins
            return
        if problem and r.question is None:
            return
        answerable = self._answerable()
        early = self.state.turns <= 2 or self.reading.intent == "greet"
        # "周六上午还是周日下午来店里？" outside a sale's closing is an invitation, not a close or a question
        invitation = "appointment" in s and bool(_OPTION.search(r.text)) and not self.scenario.ends_in_deal
        if "close" in s and not invitation:
            self._close_attempt()
        elif invitation:
            self.say("utter_customer_appointment_ok")
        elif (
            "test_drive" in s
            and self.scenario.id not in ("test_drive", "delivery", "follow_up")
            and not self.state.memory.get("test_drive_accepted")
        ):
            self._test_drive_invitation()
        elif "thank" in s and "referral" in self.state.facts_revealed and not r.question:
            self.situation("thanked")  # thanked for a referral already given: not a new request
        elif "referral" in s:
            self._referral_request()
        elif "referrer" in s:
            self.event("referrer_named")  # a friend's name opens the door (转介绍: at least an A-level lead)
            self.situation("referrer_recognised", referrer=self.persona.referrer or "朋友")
        elif "survey" in s and r.question and self.scenario.id in AFTER_SALE:
            self.situation("survey_answer")  # the manager's satisfaction call: a rating, and what is left
            self.events.add("survey_answered")
        elif "call_purpose" in s and not (r.question and answerable):
            self.situation("purpose_heard")
        elif "thank" in s and not r.question:
            self.situation("thanked")
        elif "ask_name" in s and r.question:
            self.situation("gives_name", surname=self.persona.name[:1])
        elif r.reading.question.probe == "summarise" and r.question:
            self.situation("summary_accepted")  # 总结法 + 联接性问题: the customer confirms what was heard
            self.events.add("summary_confirmed")
        elif r.question and answerable:
            self._answer_question(answerable)
        elif r.question == "open" and self._asks_for_information() and (open_fact := self._next_open_fact()):
            self._answer_question([open_fact])  # a good open question with no keyword still earns
        elif (
            r.reading.product_talk
            and not r.reading.question.of("info")
            and not r.reading.question.of("consent")
            and "process" not in s
            and (r.fbi.get("feature") or "praise" not in r.techniques)
        ):
            self._claim()  # a claim, perhaps closed by a check question (……您觉得呢？)
        elif "appointment" in s:
            self.say("utter_customer_appointment_ok")
        elif "overview" in s:
            self.say("utter_customer_overview_ok")
        elif "process" in s or "next_step" in s or any(q.function == "consent" for q in r.reading.question.items):
            self.say("utter_customer_process_ok")  # a next step explained or proposed: the customer goes along
        elif "praise" in r.techniques:
            self.say("utter_customer_praised")
        elif "greet" in s and early:
            self.say("utter_customer_greeted")
        elif "small_talk" in s:
            self.event("small_talk")
            self.say("utter_customer_small_talk")
        elif r.question:
            self.say("utter_customer_good_question" if r.question == "open" else "utter_customer_closed_answer")
        elif not problem:
            self.say("utter_customer_process_ok" if self.scenario.id in AFTER_SALE else "utter_customer_neutral")
        if (
            "price" in s
            and not problem
            and not self.state.pending_objection
            and self._should_object()
            and self._may_object_now()
        ):
            self.messages.append(self._raise())

    # -- questions and hidden facts
    def _answerable(self) -> List[str]:
        # A referral request is trust-gated, whatever its form; satisfaction with the car exists only after sale.
        return [
            t
            for t in self.reading.topics
            if t in self.persona.facts
            and t not in self.scenario.ignore_topics
            and t != "referral"
            and (t != "satisfaction" or self.scenario.id in AFTER_SALE)
        ]

    def _answer_question(self, topics: List[str]) -> None:
        r = self.reading
        answered = 0
        for topic in topics[:MAX_FACTS_PER_TURN]:
            fact = self.persona.facts[topic]
            if topic in self.state.facts_revealed:
                if not answered:
                    self.say("utter_customer_already_said")
                continue
            if topic in TMD_TOPICS and not self._tmd_earned():
                # A blunt budget/time/decision question before any rapport: the customer evades.
                self.situation("tmd_evasion")
                self.evaded.append(topic)
            elif r.question != "open":
                # A closed or leading question gets a yes/no or a partial answer; the fact stays hidden.
                self._emit(fact.partial, f"partial.{topic}") if fact.partial else self.say(
                    "utter_customer_closed_answer"
                )
                self.held_back.append(topic)
            elif topic == "feelings" and self.state.trust < self.dyn["thresholds"]["emotional_reveal"]:
                self.say("utter_customer_guarded")
            else:
                self._emit(fact.answer, f"fact.{topic}")
                self.state.facts_revealed.append(topic)
                self.revealed.append(topic)
                self.events.add("fact")
                self.event("fact_revealed")
            answered += 1

    def _tmd_earned(self) -> bool:
        """A money/time/decision question is answered when it is asked with a reason or rapport (agreement,
        praise, a listening probe) and the customer trusts enough; a blunt one only on high trust."""
        r = self.reading
        rapport = bool({"agree", "praise"} & set(r.techniques)) or bool(r.reading.question.probe)
        reasoned = bool(_TMD_REASON.search(r.text)) or r.length > 14  # a short bare question is blunt
        trust = self._trust() + self.delta
        needed = self.dyn["thresholds"]["tmd_reveal"]
        if rapport or reasoned:
            return trust >= needed - 15
        return trust >= needed + self.dyn["tmd_blunt_extra"][self.ctype]

    def _asks_for_information(self) -> bool:
        return any(q.function == "info" for q in self.reading.reading.question.items)

    def _next_open_fact(self) -> Optional[str]:
        """The fact a good open question without a named topic draws out: the scenario's next unknown one
        (not money, time or decision, not feelings before trust)."""
        for topic in list(self.scenario.facts) + ["priorities", "usage", "preferences"]:
            if (
                topic in self.persona.facts
                and topic not in self.state.facts_revealed
                and topic not in TMD_TOPICS
                and topic not in self.scenario.ignore_topics
                and topic not in ("referral", "satisfaction")
                and (topic != "feelings" or self.state.trust >= self.dyn["thresholds"]["emotional_reveal"])
            ):
                return topic
        return None

    def _claim(self) -> None:
        """A statement about the car: interest when it touches a hidden need, else indifference. At delivery
        and in after-sales calls the car is already bought: an explanation is simply taken in."""
        r = self.reading
        if self.scenario.id in AFTER_SALE:
            self.say("utter_customer_process_ok")
            return
        need = _touched_need(self.persona, r.text)
        if r.fbi_complete:
            self.event("fbi_complete")
        elif r.feature_only:
            self.event("feature_only")
        if need:
            self.situation("claim_relevant", need=need)
        elif r.fbi_complete:
            self.say("utter_customer_fbi_good")
        elif r.feature_only:
            self.say("utter_customer_feature_only")
        else:
            self.situation("claim_irrelevant")

    def _referral_request(self) -> None:
        fact = self.persona.facts.get("referral")
        if "referral" in self.state.facts_revealed:
            self.situation("referral_again")  # asked again (3-month call): the lead given before stands
            return
        if fact and self.state.trust >= self.dyn["thresholds"]["emotional_reveal"]:
            self._emit(fact.answer, "fact.referral")
            if "referral" not in self.state.facts_revealed:
                self.state.facts_revealed.append("referral")
                self.revealed.append("referral")
            self.events.add("fact")
        else:
            self.say("utter_customer_referral_later")

    # -- test drive and closing
    def _test_drive_invitation(self) -> None:
        if self.state.trust >= self.dyn["thresholds"]["test_drive"]:
            self.say("utter_customer_test_drive_accepted")
            self.events.add("test_drive_accepted")
            self.state.memory["test_drive_accepted"] = True
        else:
            self.say("utter_customer_test_drive_hesitant")

    def _close_attempt(self) -> None:
        if self.state.pending_objection:
            # No deal over an open objection: a reasoned refusal; the objection itself comes back too.
            if self.reading.reading.closing == "alternative":
                self.situation("alternative_not_yet")
            else:
                self.say("utter_customer_close_too_early")
            return
        stages = self.scenario.stages
        at_last = self.scenario.stage_index(self.state.stage) == len(stages) - 1
        if not (self.scenario.ends_in_deal and at_last):
            self.event("close_too_early")
            self.say("utter_customer_close_too_early")
            return
        if self._should_object():
            self.messages.append(self._raise())
            return
        if self._trust() + self.delta >= self.dyn["thresholds"]["deal"]:
            option = _OPTION.search(self.reading.text) if self.reading.reading.closing == "alternative" else None
            if option:
                self.situation("alternative_choice", choice=self.rng.choice(option.groups()))
            self.say("utter_customer_close_accepted")
            self.deal = True
            return
        if self.reading.reading.closing == "alternative":
            self.situation("alternative_not_yet")
            return
        # Not yet convinced: the customer wants time (a real objection if the scenario allows it).
        if "think_it_over" in self.scenario.objections and "think_it_over" not in self.state.objections_raised:
            self.messages.append(self._raise("think_it_over"))
        else:
            self.event("close_too_early")
            self.say("utter_customer_close_too_early")

    # -- objections
    def _should_object(self) -> bool:
        return len(self.state.objections_raised) < self.scenario.objection_count and bool(self._next_objection())

    def _next_objection(self) -> Optional[str]:
        return _next_objection(self.persona, self.scenario, self.state)

    def _raise(self, objection_id: Optional[str] = None) -> Message:
        message = _raise_objection(
            self.catalog, self.state, self.persona, self.scenario, self.variables, self.rng, objection_id
        )
        self.events.add("objection_raised")
        self.state.memory["said"] = lines.remember(self._said(), message.text or "")
        return message

    def _may_object_now(self) -> bool:
        """Not in the turn an objection was settled, nor the turn right after: the customer lets it rest."""
        settled = self.state.memory.get("settled_turn")
        return "objection_handled" not in self.events and not (settled and self.state.turns - settled <= 1)

    def _unhandled_objection_turn(self, long_speech: bool) -> None:
        """The trainee talks about something else while an objection is open: the customer answers what was
        said, and brings the objection back (it never vanishes) when nothing else was answered or when the
        trainee goes on ignoring it."""
        if self.state.memory.get("asked"):
            self.event("objection_ignored")  # passed over right after the customer raised it
        self._general_turn(long_speech)
        if self.scenario_complete or self.deal:
            return
        if not self.messages and self.state.memory.get("asked"):
            self.situation("not_answered")
        elif not self.messages or self.state.turns - int(self.state.memory.get("restated_turn") or 0) >= 3:
            objection = self._pending()
            pool = [fill(t, self.variables) for t in objection.lines[self.ctype]]
            self._emit(lines.choose(pool, self._said(), self.rng), "objection_restated")
            self.state.memory["restated_turn"] = self.state.turns
            self.events.add("objection_raised")  # passing over it again next turn is ignoring it

    def _objection_turn(self, bad: List[str]) -> None:
        objection = self._pending()
        steps = self.reading.steps
        if bad:
            # Arguing, denying, pressure: the customer hardens.
            self.event("objection_mishandled")
            fresh = [
                t for t in (fill(x, self.variables) for x in objection.escalated[self.ctype]) if t not in self._said()
            ]
            if fresh:
                self._emit(self.rng.choice(fresh), "objection_escalated")
            else:  # the objection's own hard lines are used up: react to the problem itself
                self.say(PROBLEM_RESPONSES.get(bad[0], "utter_customer_dismissed"))
            return
        if not steps:
            self.event("objection_ignored")
            answerable = self._answerable()
            if self.reading.question and answerable:
                self._answer_question(answerable)  # answered, but the objection is still on the table
            if self.state.memory.get("asked"):
                self.situation("not_answered")
            elif not self.messages:
                # The objection never vanishes: the customer comes back to it in other words.
                said = self._said()
                pool = [fill(t, self.variables) for t in objection.lines[self.ctype]]
                self._emit(lines.choose(pool, said, self.rng), "objection_restated")
            return
        seen = set(self.state.objection_steps)
        new_steps = steps - seen
        self.state.objection_steps = sorted(seen | steps)
        self.delta += len(new_steps) * self.dyn["deltas"]["events"]["objection_step"][self.ctype]
        required = {int(s) for s in self.dyn["objection_resolve_steps"]}
        # Pinning the objection down (step 2) is a question: it must have been asked in an earlier turn,
        # so the customer has answered it before a solution can settle the matter.
        pinned = 2 not in required or 2 in seen
        if required <= set(self.state.objection_steps) and pinned:
            self.state.objections_handled.append(objection.id)
            self.state.pending_objection = None
            self.state.memory["settled_turn"] = self.state.turns
            self.state.objection_steps = []
            self.events.add("objection_handled")
            self.event("objection_handled")
            self.say("utter_customer_objection_resolved")
            if "close" in self.reading.signals:
                self._close_attempt()  # settled and asked to close in the same breath
            return
        if "close" in self.reading.signals:
            self._close_attempt()  # still open: the customer declines to close, with the reason
        elif 3 in steps and 1 not in self.state.objection_steps:
            self.event("objection_solution_without_feelings")
            self.say("utter_customer_objection_partial")
        elif steps <= {1}:
            self.say("utter_customer_objection_acknowledged")
        elif self.reading.question == "open" and self._answerable():
            self._answer_question(self._answerable())  # pinning the objection down: "what is your budget?"
        else:
            self.say("utter_customer_objection_progress")

    # -- calls of a cadence
    def _start_call(self, first: Stage) -> None:
        """Hang up and jump in time to the next call: the coach announces it, the customer picks up and,
        when it came up in an earlier call, brings back what was said (one persona, one memory)."""
        call = first.call
        if call is None:
            raise KeyError(first.id)
        self.state.stage = first.id
        if first.id not in self.state.stages_reached:
            self.state.stages_reached.append(first.id)
        self.state.memory.pop("call_goal_noted", None)
        recalled = call.recall in self.state.facts_revealed
        pool = [fill(t, self.variables) for t in (call.recalled if recalled else call.fresh)[self.ctype]]
        text = lines.choose(pool, self._said(), self.rng)
        self.state.memory["said"] = lines.remember(self._said(), text)
        self.next_call = [
            Message("coach", text=fill(call.announce, self.variables)),
            Message("customer", text=text, response="call_recalled" if recalled else "call_opening"),
        ]

    # -- stage progress and mood
    def _advance_stage(self) -> None:
        stage = self.scenario.stage(self.state.stage)
        signals = self.reading.signals | self.events
        if not stage.exit_signals or not signals & set(stage.exit_signals):
            return
        if len(self.state.facts_revealed) < stage.exit_facts or self.state.pending_objection:
            return
        index = self.scenario.stage_index(stage.id)
        if index + 1 >= len(self.scenario.stages):
            self.goal_done = True  # the role-play goes on until a goodbye, a deal, a walk-out or /end
            return
        nxt = self.scenario.stages[index + 1]
        if nxt.call is not None:
            self.call_done = True  # the next call starts when the trainee says goodbye and hangs up
            return
        self.state.stage = nxt.id
        if nxt.id not in self.state.stages_reached:
            self.state.stages_reached.append(nxt.id)
        if nxt.raise_objection and not self.state.pending_objection and self._should_object():
            self.messages.append(self._raise())

    def _mood_line(self) -> None:
        if self.deal or not self.messages or len(self.messages) >= 2 or self.state.pending_objection:
            return  # an open objection is the customer's mood already
        last = self.messages[-1].response
        thresholds = self.dyn["thresholds"]
        if self.delta >= thresholds["warm_step"] and last not in POSITIVE_RESPONSES:
            self.say("utter_customer_warming")
        elif self.delta <= thresholds["cool_step"] and (last in QUIET_RESPONSES or last is None):
            self.say("utter_customer_cooling")


def _touched_need(persona: Persona, text: str) -> Optional[str]:
    """The persona's first rational need (or priority) that shares a two-character word with the text."""
    needs = list(persona.hidden_needs.get("rational") or [])
    for need in needs:
        words = {
            need[i : i + 2] for i in range(len(need) - 1) if all("\u4e00" <= c <= "\u9fff" for c in need[i : i + 2])
        }
        if any(w in text for w in words - _COMMON_PAIRS):
            return need
    return None


# Two-character pieces too common to show that a claim is about a need.
_COMMON_PAIRS = {"要有", "能放", "一点", "可以", "比较", "后排", "上要", "用车", "的车"}


def _next_objection(persona: Persona, scenario: Scenario, state: SessionState) -> Optional[str]:
    candidates = [o for o in persona.objections if o in scenario.objections] + list(scenario.objections)
    return next((o for o in candidates if o not in state.objections_raised), None)


def _raise_objection(
    catalog: Catalog,
    state: SessionState,
    persona: Persona,
    scenario: Scenario,
    variables: Dict[str, Any],
    rng: random.Random,
    objection_id: Optional[str] = None,
) -> Message:
    objection_id = objection_id or _next_objection(persona, scenario, state)
    if objection_id is None:  # no objection left: fails as an unknown objection id would
        raise KeyError(None)
    objection = catalog.objections[objection_id]
    state.objections_raised.append(objection_id)
    state.pending_objection = objection_id
    state.objection_steps = []
    if state.customer_type is None:
        raise KeyError(None)
    return Message(
        "customer", text=fill(rng.choice(objection.lines[state.customer_type]), variables), response="objection_raised"
    )


def _variables(catalog: Catalog, persona: Persona) -> Dict[str, Any]:
    product = catalog.products[persona.preferred_model]
    return {
        "persona_name": persona.name,
        "model": product.name,
        "price": f"{product.price['guide']:g}",
        "floor": f"{product.price['floor']:g}",
        "competitor": product.competitor["name"],
        "competitor_price": f"{float(product.competitor['price']):g}",
        "lead": persona.lead or "",
        "referrer": persona.referrer or "",
        "concern": catalog.concerns.get(persona.id, "上次说的小问题"),
    }


# ---------------------------------------------------------------- hint and finish


def scoring_stage(state: SessionState) -> str:
    """The SSP process the trainee is practising right now (what the scorer calls `stage`)."""
    scenario = load_catalog().scenarios.get(state.scenario or "")
    return scenario.process_of(state.stage) if scenario else (state.scenario or "")


EXAM_NO_HINT = "考核模式不提供提示：请按课程步骤自己完成，结束后看成绩单。"


def hint(state: SessionState) -> str:
    catalog = load_catalog()
    if state.scenario not in catalog.scenarios or state.persona_id not in catalog.personas:
        return "先输入 /start 选择客户类型、场景和模式，开始练习后我再给你提示。"
    if state.mode == "exam":
        return EXAM_NO_HINT
    return coaching.hint(catalog, state, _variables(catalog, catalog.personas[state.persona_id]))


def take_hint(state: SessionState) -> TurnResult:
    """/hint: refused in exam mode; in practice the hint is given and counted (the scorecard shows it)."""
    new = copy.deepcopy(state)
    text = hint(new)
    if new.phase == "roleplay" and new.mode == "practice" and text != EXAM_NO_HINT:
        new.memory["hints"] = int(new.memory.get("hints") or 0) + 1
    return TurnResult(new, [Message("coach", text=text if text == EXAM_NO_HINT else "提示：" + text)])


def with_final_summary(result: TurnResult, summary: Dict[str, Any]) -> List[Message]:
    """The end-of-role-play messages with the summary line rebuilt from the completed summary (the
    scorecard's one record of facts), instead of the engine's first draft."""
    drafts = [m for m in result.messages if m.role == "coach" and (m.text or "").startswith("练习结束：")]
    return [Message("coach", text=coaching.summary_text(summary)) if m in drafts else m for m in result.messages]


def finish(state: SessionState, assessments: List[Dict[str, Any]], reason: str) -> TurnResult:
    if reason not in ("deal", "walk_away", "ended"):
        raise ValueError(f"未知的结束原因：{reason}")
    catalog = load_catalog()
    new = copy.deepcopy(state)
    new.phase = "ended"
    new.pending_objection = None if reason == "deal" else new.pending_objection
    if reason == "deal":
        new.outcome, new.p_level = "deal", next(lv["id"] for lv in catalog.prospect_levels if lv.get("deal"))
    elif reason == "walk_away":
        new.outcome, new.p_level = "lost", None
    else:
        new.outcome, new.p_level = "prospect", _prospect_level(catalog, new)
    summary = _summary(catalog, new, assessments, reason)
    return TurnResult(new, [Message("coach", text=coaching.summary_text(summary))], ended=True, summary=summary)


def _prospect_level(catalog: Catalog, state: SessionState) -> str:
    for level in catalog.prospect_levels:
        if level.get("deal"):
            continue
        if (state.trust or 0) >= level.get("min_trust", 0) and len(state.facts_revealed) >= level.get("min_facts", 0):
            return level["id"]
    return catalog.prospect_levels[-1]["id"]


def _summary(catalog: Catalog, state: SessionState, assessments: List[Dict[str, Any]], reason: str) -> Dict[str, Any]:
    scenario = catalog.scenarios.get(state.scenario) if state.scenario is not None else None
    persona = catalog.personas.get(state.persona_id) if state.persona_id is not None else None
    stage_titles = {s.id: s.title for s in scenario.stages} if scenario else {}
    wanted = list(scenario.facts) if scenario else []
    scores = [a["score"] for a in assessments or [] if isinstance(a, dict) and isinstance(a.get("score"), (int, float))]

    def labelled(ids, label):
        return [{"id": i, "label": label(i)} for i in ids]

    outcome = state.outcome
    if outcome is None:  # finish() always sets it before the summary
        raise KeyError(None)
    objection_label = lambda o: catalog.objections[o].label if o in catalog.objections else o  # noqa: E731
    return {
        "outcome": state.outcome,
        "outcome_label": OUTCOMES[outcome],
        "p_level": state.p_level,
        "p_level_label": coaching.level_label(catalog, state.p_level),
        "reason": reason,
        "scenario": state.scenario,
        "scenario_title": scenario.title if scenario else state.scenario,
        "customer_type": state.customer_type,
        "mode": state.mode,
        "persona_id": state.persona_id,
        "persona_name": persona.name if persona else state.persona_id,
        "stages_reached": [{"id": s, "title": stage_titles.get(s, s)} for s in state.stages_reached],
        "stages_total": len(stage_titles),
        "facts_discovered": labelled(state.facts_revealed, catalog.topic_label),
        "facts_missed": labelled([t for t in wanted if t not in state.facts_revealed], catalog.topic_label),
        "objections_raised": labelled(state.objections_raised, objection_label),
        "objections_handled": labelled(state.objections_handled, objection_label),
        "turns": state.turns,
        "trust": state.trust,
        "strikes": state.strikes,
        "average_score": round(sum(scores) / len(scores), 1) if scores else None,
        "hints_used": int(state.memory.get("hints") or 0),
    }
