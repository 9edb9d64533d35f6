"""A classroom exercise in real headless Chromium against the real servers: a trainer and six trainees in
separate browser contexts; the board follows without reload; the trainer ends the exercise for everyone;
wrong join codes are refused; a trainee cannot open another's transcript; a second tab does not take over
a role-play. Screenshots (projector and phone sizes) go to artifacts/screenshots/."""
import re
import sys
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_web_browser import PHONE, SHOTS, WAIT, browser, shot  # noqa: E402,F401 - the module's fixture

pytestmark = pytest.mark.browser
PROJECTOR = {"width": 1920, "height": 1080}
TRAINEES = ("张伟", "李娜", "王芳", "赵强", "刘洋", "陈静")
REPLY = "您说的很有道理，空间确实很重要。您平时主要是接送孩子还是跑长途多一些？"


def trainer_login(browser, stack, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(stack.web_url + "/review/login")
    page.fill("input[name=username]", stack.trainer_user)
    page.fill("input[name=password]", stack.trainer_password)
    page.click("form.login button[type=submit]")
    expect(page).to_have_url(re.compile(r"/review$"))
    return context, page


def join_class(browser, stack, code: str, name: str):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(stack.web_url + "/class?c=" + code)
    expect(page.locator("#join-form")).to_be_visible()
    page.fill("#join-name", name)
    page.click("#join-form button[type=submit]")
    return context, page


def test_a_trainer_and_six_trainees_run_one_exercise(stack, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    suffix = uuid.uuid4().hex[:4]
    trainer, admin = trainer_login(browser, stack, PROJECTOR)
    admin.goto(stack.web_url + "/review/classes")
    admin.fill("input[name=name]", f"浏览器班{suffix}")
    admin.fill("input[name=groups]", "2")
    admin.click("#new-class button[type=submit]")
    expect(admin.locator("#join-code")).to_be_visible()
    code = admin.locator("#join-code").inner_text().strip()
    expect(admin.locator(".join-qr svg")).to_be_visible()
    shot(admin, "class-join-code-projector", full_page=False)

    # a wrong code is refused, with a clear message, and joins nothing
    stranger, lost = join_class(browser, stack, "AAAAAA" if code != "AAAAAA" else "CCCCCC", "路人")
    expect(lost.locator("#join-error")).to_contain_text("班级码不正确")
    expect(lost.locator("#my-class")).to_be_hidden()
    stranger.close()

    trainees = {}
    for name in TRAINEES:
        context, page = join_class(browser, stack, code, name)
        expect(page.locator("#my-class")).to_be_visible()
        expect(page.locator("#member-name")).to_have_text(name)
        trainees[name] = (context, page)
    expect(page.locator("#no-tasks")).to_be_visible()
    shot(page, "class-joined-phone", full_page=False)
    admin.reload()
    expect(admin.locator("#members tbody tr")).to_have_count(len(TRAINEES))

    # the trainer assigns: needs analysis, types rotated, practice, 15 minutes; the board opens
    admin.select_option("#new-assignment select[name=scenario]", "needs")
    admin.select_option("#new-assignment select[name=customer_type]", "rotate")
    admin.click("#new-assignment button[type=submit]")
    expect(admin).to_have_url(re.compile(r"/board/[0-9a-f]{16}$"))
    rows = admin.locator("#board-rows tr.member")
    expect(rows).to_have_count(len(TRAINEES), timeout=WAIT)
    expect(admin.locator("#board-counts")).to_have_text(f"未开始 {len(TRAINEES)} · 进行中 0 · 已完成 0")
    admin.evaluate("window.__sameBoard = 1")  # gone if the page reloads

    # each trainee sees the exercise (the page polls) and starts it with one tap
    for name, (_, page) in trainees.items():
        start = page.locator("#tasks a.start-task")
        expect(start).to_be_visible(timeout=WAIT)
        start.click()
        expect(page.locator(".msg.customer").first).to_be_visible(timeout=WAIT)
        expect(page.locator("#rp-stage-text")).to_contain_text("阶段 1/3", timeout=WAIT)
    expect(admin.locator("#board-counts")).to_have_text(f"未开始 0 · 进行中 {len(TRAINEES)} · 已完成 0",
                                                        timeout=WAIT)
    first_page = trainees[TRAINEES[0]][1]
    first_page.fill("#input", REPLY)
    first_page.click("#send")
    expect(first_page.locator("#rp-turns")).to_have_text("第 1 轮", timeout=WAIT)
    first_row = admin.locator("#board-rows tr.member", has_text=TRAINEES[0])
    expect(first_row.locator("td.turns")).to_have_text("1", timeout=WAIT)
    assert admin.evaluate("window.__sameBoard") == 1, "the board updated without a reload"
    expect(first_row.locator("td.score")).not_to_have_text("—")
    expect(admin.locator("#board-groups .group-card")).to_have_count(2)
    shot(admin, "class-board-projector", full_page=False)
    phone_board = trainer.new_page()
    phone_board.set_viewport_size(PHONE)
    phone_board.goto(admin.url)
    expect(phone_board.locator("#board-rows tr.member")).to_have_count(len(TRAINEES), timeout=WAIT)
    shot(phone_board, "class-board-phone")
    phone_board.close()

    # a second tab of the first trainee opens a new conversation: the first tab keeps its role-play
    second_tab = trainees[TRAINEES[0]][0].new_page()
    second_tab.goto(stack.web_url + "/")
    expect(second_tab.locator("#log .msg").first).to_be_visible(timeout=WAIT)
    expect(second_tab.locator("#typing")).to_be_hidden(timeout=WAIT)
    second_tab.click("#new-chat")
    expect(second_tab.locator("#rp-stage-text")).to_contain_text("尚未开始练习", timeout=WAIT)
    first_page.reload()
    expect(first_page.locator(".msg.trainee .bubble", has_text="空间确实很重要")).to_be_visible(timeout=WAIT)
    expect(first_page.locator("#rp-stage-text")).to_contain_text("阶段", timeout=WAIT)
    second_tab.close()

    # the trainer ends the exercise for everyone: every chat ends and scores its role-play
    admin.click("text=结束练习（全员）")
    for name, (_, page) in trainees.items():
        expect(page.locator(".msg.scorecard")).to_be_visible(timeout=WAIT)
    expect(admin.locator("#board-counts")).to_have_text(f"未开始 0 · 进行中 0 · 已完成 {len(TRAINEES)}",
                                                        timeout=WAIT)
    expect(admin.locator("#board-clock")).to_have_text("练习已结束")
    shot(trainees[TRAINEES[1]][1], "class-chat-ended-phone", full_page=False)

    # results and debrief
    admin.click("text=结果与讲评")
    expect(admin.locator("#leaderboard tbody tr")).to_have_count(len(TRAINEES))
    shot(admin, "class-results-projector")
    phone_results = trainer.new_page()
    phone_results.set_viewport_size(PHONE)
    phone_results.goto(admin.url)
    expect(phone_results.locator("#leaderboard tbody tr")).to_have_count(len(TRAINEES))
    assert phone_results.evaluate("document.body.scrollWidth") <= PHONE["width"] + 1, "tables scroll in their box"
    shot(phone_results, "class-results-phone")
    phone_results.close()
    csv_link = admin.locator("a", has_text="导出 CSV").get_attribute("href")
    csv_text = admin.request.get(stack.web_url + csv_link).text()
    assert csv_text.lstrip("\ufeff").startswith("学员,工号,小组")

    # a trainee cannot open another trainee's transcript
    other_page = trainees[TRAINEES[1]][1]
    other_page.goto(stack.web_url + "/progress")
    link = other_page.locator("a[href^='/progress/']").first
    other_id = link.get_attribute("href").rsplit("/", 1)[1]
    snoop = first_page.context.request.get(stack.web_url + "/progress/" + other_id)
    assert snoop.status == 404
    own = trainees[TRAINEES[1]][0].request.get(stack.web_url + "/progress/" + other_id)
    assert own.status == 200

    for context, _ in trainees.values():
        context.close()
    trainer.close()
