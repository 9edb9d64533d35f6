"""A written group exercise in real headless Chromium against the real web app (no Rasa needed: answers are
graded in the web process): a trainer assigns it from the class page, three trainees answer on phones, the
projector board shows each answer without reload, the best ones marked, and hiding names works.
Screenshots at phone and projector size go to artifacts/screenshots/."""
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

pytestmark = pytest.mark.browser
PROJECTOR = {"width": 1920, "height": 1080}
WAIT = 90_000
ANSWERS = {
    "张伟": "您觉得价格有点高，我理解，谁都希望买得划算；其实这个价里已经含了三年的免费保养，平摊下来每个月花得并不多。",
    "李娜": "您要回去再考虑，那没关系。",
    "王芳": "不贵啊，这已经是最低价了。",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("written-browser")
    server = WebServer(tmp)
    login = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default"))
    server.start()
    coach = Client(server.url)
    coach.login(login.group(1), login.group(2))
    yield server, coach, login.group(1), login.group(2)
    server.stop()


def test_three_trainees_answer_a_written_exercise_on_phones(site, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    server, coach, user, password = site
    klass = create_class(coach, "书面浏览器班")
    admin = browser.new_context(viewport=PROJECTOR, locale="zh-CN").new_page()
    admin.goto(server.url + "/review/login")
    admin.fill("input[name=username]", user)
    admin.fill("input[name=password]", password)
    admin.click("form.login button[type=submit]")
    expect(admin).to_have_url(re.compile(r"/review$"))

    phones = {}
    for name in ANSWERS:
        page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
        page.goto(f"{server.url}/class?c={klass['code']}")
        page.fill("#join-name", name)
        page.click("#join-form button[type=submit]")
        expect(page.locator("#no-tasks")).to_be_visible()
        phones[name] = page

    admin.goto(server.url + klass["path"])
    admin.select_option("#new-written select[name=exercise]", "objections_agree")
    admin.click("#new-written button[type=submit]")
    expect(admin).to_have_url(re.compile(r"/written/[0-9a-f]{16}$"))
    expect(admin.locator("#board-counts")).to_have_text("已作答 0/3 人", timeout=WAIT)
    expect(admin.locator("#board-live")).to_have_text("实时")

    for name, text in ANSWERS.items():
        page = phones[name]
        start = page.locator("#tasks li", has_text="书面练习").locator("a.start-task")
        expect(start).to_be_visible(timeout=WAIT)  # the class page polls: no reload
        start.click()
        first = page.locator(".written-prompt[data-prompt='1']")
        expect(first.locator(".customer-line")).to_have_text("客户：“你们这车价格太贵了。”")
        first.locator(".answer-box").fill(text)
        first.locator(".submit-answer").click()
        expect(first.locator(".written-feedback .verdict")).to_contain_text("分", timeout=WAIT)  # first grade loads the scorer
        # the board follows without reload
        expect(admin.locator(".written-column[data-prompt='1'] .written-answer .who", has_text=name)).to_be_visible(timeout=10_000)

    good = phones["张伟"].locator(".written-prompt[data-prompt='1'] .written-feedback")
    expect(good).to_have_class(re.compile(r"passed"))
    expect(good.locator(".verdict")).to_contain_text("通过")
    poor = phones["王芳"].locator(".written-prompt[data-prompt='1']")
    expect(poor.locator(".written-feedback")).to_have_class(re.compile(r"failed"))

    # too long: a Chinese message, and the text stays in the box
    long_text = "好" * 2001
    poor.locator(".answer-box").fill(long_text)
    poor.locator(".submit-answer").click()
    expect(poor.locator(".error")).to_contain_text("回答太长")
    assert poor.locator(".answer-box").input_value() == long_text
    shot(phones["张伟"], "class-written-phone", full_page=False)

    expect(admin.locator("#board-counts")).to_have_text("已作答 3/3 人")
    best = admin.locator(".written-column[data-prompt='1'] .written-answer.best")
    expect(best.first.locator(".who")).to_have_text("张伟")
    shot(admin, "class-written-board-projector", full_page=False)

    admin.locator(".board-actions button", has_text="隐藏姓名").click()
    whos = admin.locator(".written-column[data-prompt='1'] .written-answer .who")
    expect(whos).to_have_count(3, timeout=10_000)
    expect(whos).to_have_text(["匿名", "匿名", "匿名"])
    assert "张伟" not in admin.locator("#written-board").inner_text()
    shot(admin, "class-written-board-names-hidden-projector", full_page=False)

    admin.goto(admin.url + "/results")
    expect(admin.locator("#pass-rates")).to_be_visible()
    shot(admin, "class-written-results-projector")
    phone_results = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    for cookie in admin.context.cookies():
        phone_results.context.add_cookies([cookie])
    phone_results.goto(admin.url)
    expect(phone_results.locator("#pass-rates")).to_be_visible()
    shot(phone_results, "class-written-results-phone")
    for page in list(phones.values()) + [admin, phone_results]:
        page.context.close()
