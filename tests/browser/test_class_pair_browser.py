"""A trio's room in real headless Chromium against the real web app (no Rasa needed: consultant lines are
scored in the web process by the same engine): the customer alone sees the persona card, the observer ticks
and the agreement appears in every view without reload, roles rotate. Screenshots at phone and projector size."""
import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_web_app import Client, WebServer  # noqa: E402
from test_web_browser import PHONE, SHOTS, browser, shot  # noqa: E402,F401 - the module's fixture
from test_web_class import create_class  # noqa: E402

from ssp_coach.roleplay.catalog import load_catalog  # noqa: E402

pytestmark = pytest.mark.browser
PROJECTOR = {"width": 1920, "height": 1080}
WAIT = 90_000


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pair-browser")
    server = WebServer(tmp)
    login = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default"))
    server.start()
    coach = Client(server.url)
    coach.login(login.group(1), login.group(2))
    yield server, coach
    server.stop()


def test_a_trio_with_an_observer(site, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    server, coach = site
    klass = create_class(coach, "分组浏览器班")
    pages = {}
    for name, viewport in (("顾问甲", PHONE), ("客户乙", PHONE), ("观察丙", PROJECTOR)):
        page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
        page.goto(f"{server.url}/class?c={klass['code']}")
        page.fill("#join-name", name)
        page.click("#join-form button[type=submit]")
        expect(page.locator("#my-class")).to_be_visible()
        page.goto(server.url + "/class/pair")
        expect(page.locator("#no-room")).to_be_visible()
        pages[name] = page
    persona_id, persona = next(iter(load_catalog().personas.items()))
    token = coach.csrf_from(klass["path"])
    assert coach.request("POST", klass["path"] + "/pairs", form={
        "csrf_token": token, "scenario": "needs", "persona": persona_id, "size": "3"})[0] == 302
    consultant, customer, observer = pages["顾问甲"], pages["客户乙"], pages["观察丙"]
    for page, role in ((consultant, "销售顾问"), (customer, "客户"), (observer, "观察员")):
        expect(page.locator("#my-role")).to_have_text(role, timeout=WAIT)  # the page polls: no reload
    expect(customer.locator("#card-name")).to_have_text(persona.name)
    expect(consultant.locator("#card")).to_be_hidden()
    expect(observer.locator("#card")).to_be_hidden()
    assert persona.objections and "异议" not in consultant.locator("body").inner_text()

    customer.fill("#say-input", "我想看看七座车，家里人多。")
    customer.click("#say-form button[type=submit]")
    consultant.fill("#say-input", "您说的很有道理，家里人多空间确实很重要。您平时主要是接送孩子还是长途出游多？")
    consultant.click("#say-form button[type=submit]")
    expect(consultant.locator(".pair-line.consultant .auto")).to_contain_text("自动评分", timeout=WAIT)  # first line loads the scorer
    expect(observer.locator("#say-form")).to_be_hidden()
    form = observer.locator(".pair-line.consultant .tick-form")
    expect(form).to_be_visible(timeout=WAIT)
    form.locator("label", has_text="认同法").locator("input").check()
    form.locator(".tick-comment").fill("先认同再提问，很好")
    form.locator("button").click()
    expect(observer.locator(".pair-line.consultant .ticked")).to_contain_text("认同法")
    expect(consultant.locator("#agreement")).to_contain_text("一致率", timeout=WAIT)
    expect(customer.locator(".pair-line.consultant .ticked")).to_contain_text("先认同再提问", timeout=WAIT)
    # the course checklist beyond the patterns: the probe and listening level of the line, and stage steps
    line = observer.locator(".pair-line.consultant").last
    expect(line.locator(".auto-probe")).to_contain_text("自动识别探询")
    line.locator(".check-form select.check-probe").select_option("")
    line.locator(".check-form select.check-listening").select_option("5")
    line.locator(".check-form button").click()
    expect(observer.locator(".pair-line.consultant .checked")).to_contain_text("积极倾听")
    expect(observer.locator("#probe-agreement")).to_contain_text("一致率")
    step = observer.locator("#step-list li.step").first
    expect(step.locator(".step-judgement")).to_contain_text("自动判断")
    step.locator("input[type=checkbox]").check()
    expect(observer.locator("#step-agreement")).to_contain_text("一致率")
    expect(consultant.locator("#step-list li.step").first.locator(".step-judgement")).to_contain_text(
        "观察员：已做到", timeout=WAIT)
    expect(consultant.locator("#step-list li.step").first.locator("input")).to_be_disabled()
    shot(customer, "class-pair-customer-phone", full_page=False)
    shot(consultant, "class-pair-consultant-phone", full_page=False)
    shot(observer, "class-pair-observer-projector", full_page=False)
    shot(observer, "class-pair-observer-checklist-projector")

    consultant.click("#rotate")
    expect(consultant.locator("#my-role")).to_have_text("客户")
    expect(consultant.locator("#card-name")).to_have_text(persona.name)
    expect(customer.locator("#my-role")).to_have_text("观察员", timeout=WAIT)
    expect(customer.locator("#card")).to_be_hidden()
    expect(observer.locator("#my-role")).to_have_text("销售顾问", timeout=WAIT)
    _, _, admin = coach.request("GET", klass["path"])
    assert "一致率" in admin
    for page in pages.values():
        page.context.close()
