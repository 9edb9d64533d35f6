"""Real headless Chromium (Debian's) against the real servers: the trainee role-plays in the chat
window, the trainer reviews, comments, overrides and exports. Screenshots go to artifacts/screenshots/."""
import csv
import io
import re
import sys
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from test_web_app import WebServer  # noqa: E402
from web.labels import label  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
INJECTED = "<script>window.__pwned = 1</script>我先随便看看"
GOOD_REPLY = "王先生，您说的很有道理，空间确实很重要。您平时主要是接送孩子还是跑长途多一些？"
WAIT = 90_000


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def shot(page, name: str, full_page: bool = True) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def click_choice(page, title: str) -> None:
    expect(page.locator("#typing")).to_be_hidden(timeout=WAIT)
    button = page.locator("#log button.choice:enabled", has_text=title).last
    button.wait_for(timeout=WAIT)
    button.click()


def test_trainee_roleplay_then_trainer_review(stack, browser):
    trainee = f"浏览器学员{uuid.uuid4().hex[:4]}"
    chat = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = chat.new_page()
    page.goto(stack.web_url + "/")
    expect(page.locator("#identify")).to_be_visible()
    page.fill("#trainee-input", trainee)
    page.click("text=进入陪练")
    # the coach menu, answered with the bot's buttons
    click_choice(page, "社交型")
    click_choice(page, "需求分析")
    click_choice(page, "练习")
    expect(page.locator(".msg.customer").first).to_be_visible(timeout=WAIT)
    expect(page.locator("#typing")).to_be_hidden(timeout=WAIT)

    # an injected script is shown as text and never runs
    page.fill("#input", INJECTED)
    page.keyboard.press("Enter")
    expect(page.locator(".msg.trainee .bubble", has_text=INJECTED)).to_be_visible()
    expect(page.locator("#typing")).to_be_hidden(timeout=WAIT)
    assert page.evaluate("window.__pwned") is None

    coach_before = page.locator("details.msg.coach").count()
    page.fill("#input", GOOD_REPLY)
    page.click("#send")
    expect(page.locator("#typing")).to_be_visible()
    expect(page.locator("#typing")).to_be_hidden(timeout=WAIT)
    assert page.locator("details.msg.coach").count() > coach_before, "practice mode: a coach note per reply"
    note = page.locator("details.msg.coach").last
    expect(note.locator(".role-tag")).to_have_text("教练")
    assert "【教练】" not in note.inner_text()
    shot(page, "chat-roleplay-phone")
    page.click("#fold-toggle")
    assert note.evaluate("d => d.open") is False, "coach notes fold away"
    shot(page, "chat-coach-notes-folded", full_page=False)
    page.click("#fold-toggle")

    # a reload resumes the same conversation
    bubbles = page.locator(".msg.trainee").count()
    page.reload()
    expect(page.locator(".msg.trainee .bubble", has_text=GOOD_REPLY)).to_be_visible(timeout=WAIT)
    assert page.locator(".msg.trainee").count() == bubbles
    expect(page.locator("#who-name")).to_have_text(trainee)

    # the small /hint button, then /end shows the scorecard with the radar chart
    page.click(".chip[data-command='/hint']")
    expect(page.locator("#typing")).to_be_hidden(timeout=WAIT)
    page.click(".chip[data-command='/end']")
    scorecard = page.locator(".msg.scorecard")
    expect(scorecard).to_be_visible(timeout=WAIT)
    expect(scorecard.locator("img.radar")).to_be_visible(timeout=WAIT)
    expect(page.locator("#typing")).to_be_hidden(timeout=WAIT)
    # for a phone: the total and the outcome first, then the tips, the details folded; P-level explained
    total = scorecard.locator(".card-total b")
    assert re.fullmatch(r"\d+(\.\d+)?", total.inner_text())
    assert "结果" in scorecard.locator(".card-outcome").inner_text()
    tips = scorecard.locator(".card-tips > li")
    assert 1 <= tips.count() <= 3
    details = scorecard.locator("details.card-details")
    assert details.count() == 1 and not details.evaluate("d => d.open")
    order = scorecard.evaluate("""s => ['.card-total', '.card-tips', '.card-details'].map(
        q => s.querySelector(q).getBoundingClientRect().top)""")
    assert order == sorted(order), order
    outcome = scorecard.locator(".card-outcome").inner_text()
    level = re.search(r"P\d", outcome)
    if level:
        expect(scorecard.locator(".card-explain").first).to_contain_text(level.group(0) + " ")
    scorecard.locator(".card-head").evaluate("h => h.scrollIntoView({block: 'start'})")
    head, first_tip = scorecard.locator(".card-head").bounding_box(), tips.first.bounding_box()
    assert 0 <= head["y"] and first_tip["y"] + first_tip["height"] <= PHONE["height"], \
        "the total, the outcome and the first tip fit on one phone screen"
    shot(page, "chat-scorecard-phone", full_page=False)
    details.locator("summary").click()
    assert "话术" in details.inner_text()
    # on a shared computer the next trainee starts their own conversation
    page.click("#switch-trainee")
    page.fill("#trainee-input", trainee + "乙")
    page.click("text=进入陪练")
    expect(page.locator("#who-name")).to_have_text(trainee + "乙")
    expect(page.locator("#log button.choice", has_text="社交型")).to_be_visible(timeout=WAIT)
    assert page.locator(".msg.scorecard").count() == 0 and page.locator(".msg.trainee").count() == 0
    # a trainee cannot open the review area
    page.goto(stack.web_url + "/review")
    expect(page).to_have_url(re.compile(r"/review/login$"))
    chat.close()

    review = browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="zh-CN")
    page = review.new_page()
    page.goto(stack.web_url + "/review")
    expect(page).to_have_url(re.compile(r"/review/login$"))
    shot(page, "review-login")
    page.fill("input[name=username]", stack.trainer_user)
    page.fill("input[name=password]", stack.trainer_password)
    page.click("form.login button[type=submit]")
    expect(page).to_have_url(re.compile(r"/review$"))
    shot(page, "review-session-list-all")
    page.fill("input[name=trainee]", trainee)
    page.select_option("select[name=customer_type]", "social")
    page.click("#filters button[type=submit]")
    expect(page.locator("#row-count")).to_have_text("1")
    shot(page, "review-session-list")
    page.click("table.sessions >> text=查看")

    # annotations: highlighted evidence, techniques, feedback, trust chart, scorecard
    reply_turn = page.locator("li.role-trainee", has_text="空间确实很重要")
    expect(reply_turn.locator("mark.ev").first).to_be_visible()
    expect(reply_turn.locator(".chip.tech").first).to_be_visible()
    # the coach's feedback is shown once: under the reply, or (practice mode) in the coach note that follows it
    coach_note = page.locator("li.role-trainee:has-text('空间确实很重要') ~ li.role-coach").first
    if reply_turn.locator(".feedback").count():
        expect(reply_turn.locator(".feedback")).to_be_visible()
    else:
        expect(coach_note).to_contain_text("做得好")
    expect(page.locator("svg.chart polyline")).to_be_visible()
    expect(page.locator(".scorecard-panel img.radar")).to_be_visible()
    injected = page.locator("li.role-trainee", has_text="window.__pwned")
    expect(injected.locator(".text")).to_contain_text(INJECTED)
    assert page.evaluate("window.__pwned") is None
    auto_score = page.locator("#auto-score").inner_text()
    assert re.fullmatch(r"\d+(\.\d)?", auto_score)

    reply_turn.locator("summary", has_text="添加评语").click()
    reply_turn.locator("textarea[name=text]").fill("认同之后马上追问用途，很好；下次先复述客户原话。")
    reply_turn.locator("button", has_text="保存评语").click()
    expect(page.locator(".comment", has_text="下次先复述客户原话")).to_be_visible()
    page.fill("input[name=score]", "77")
    page.fill("textarea[name=reason]", "追问到位，自动评分偏低")
    page.click("text=保存调整")
    expect(page.locator("#override-score")).to_have_text("77.0")
    expect(page.locator("#auto-score")).to_have_text(auto_score)
    expect(page.locator(".override-reason")).to_contain_text("自动评分偏低")
    shot(page, "review-session-annotated")

    page.click("text=打印报告")
    expect(page.locator("h1", has_text="练习报告")).to_be_visible()
    page.emulate_media(media="print")
    shot(page, "review-report-print")
    page.emulate_media(media="screen")

    page.goto(stack.web_url + "/review?trainee=" + trainee)
    with page.expect_download() as download_info:
        page.click("#export-csv")
    body = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 1 and rows[0]["学员"] == trainee
    assert rows[0]["场景"] == label("scenario", "needs") and rows[0]["客户类型"] == "社交型"
    assert rows[0]["调整后分数"] == "77.0" and rows[0]["最终得分"] == "77.0"
    assert rows[0]["自动评分"] == auto_score and rows[0]["认同法得分"] != ""

    page.goto(stack.web_url + "/review/cohort")
    expect(page.locator("#distribution svg.chart")).to_be_visible()
    expect(page.locator("#trends svg.chart", has=page.locator(f"text={trainee}"))).to_be_visible()
    expect(page.locator("table.cohort", has_text=trainee)).to_be_visible()
    shot(page, "review-cohort")

    page.click("text=退出登录")
    expect(page).to_have_url(re.compile(r"/review/login$"))
    review.close()

    anonymous = browser.new_context()
    for path in ("/review", "/review/cohort", "/review/sessions/" + uuid.uuid4().hex,
                 "/review/export.csv"):
        resp = anonymous.request.get(stack.web_url + path, max_redirects=0)
        assert resp.status in (302, 401), path
        assert trainee not in resp.text()
    anonymous.close()


def test_chat_explains_an_outage_and_keeps_the_typed_text(browser, tmp_path):
    server = WebServer(tmp_path).start()     # its Rasa URL points at a port nobody listens on
    try:
        page = browser.new_page(viewport=PHONE, locale="zh-CN")
        page.goto(server.url + "/")
        page.fill("#trainee-input", "断网学员")
        page.click("text=进入陪练")
        expect(page.locator("#status")).to_contain_text("对话服务", timeout=WAIT)
        page.fill("#input", "您好，欢迎光临！")
        page.click("#send")
        expect(page.locator("#status")).to_contain_text("对话服务", timeout=WAIT)
        expect(page.locator("#input")).to_have_value("您好，欢迎光临！")
        expect(page.locator(".msg.trainee.failed")).to_contain_text("未送达")
        shot(page, "chat-rasa-down-phone", full_page=False)
        page.close()
    finally:
        server.stop()


def start_roleplay(page, *titles: str) -> None:
    for title in titles:
        click_choice(page, title)
    expect(page.locator(".msg.customer").first).to_be_visible(timeout=WAIT)
    expect(page.locator("#typing")).to_be_hidden(timeout=WAIT)


def assert_compact_header(page) -> None:
    """At most two short lines: the status line itself never wraps, the whole header stays low."""
    box = page.locator("#rp-header").bounding_box()
    line = page.locator("#rp-header .rp-line").bounding_box()
    assert line["height"] <= 28 and box["height"] <= 64, (line, box)


def test_header_shows_where_the_trainee_is_at_phone_and_desktop_width(stack, browser):
    phone = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = phone.new_page()
    page.goto(stack.web_url + "/")
    page.fill("#trainee-input", f"表头学员{uuid.uuid4().hex[:4]}")
    page.click("text=进入陪练")
    head = page.locator("#rp-header")
    expect(head).to_contain_text("尚未开始练习", timeout=WAIT)
    start_roleplay(page, "社交型", "需求分析", "练习")
    expect(head.locator("#rp-type")).to_have_text("社交型")
    expect(head.locator("#rp-stage-text")).to_contain_text("阶段 1/3")
    expect(head.locator("#rp-turns")).to_have_text("第 0 轮")
    expect(head.locator("#rp-trust")).to_be_visible()
    expect(head.locator("#rp-next")).to_contain_text("下一步：")
    assert re.search(r"[a-z_]{4,}", head.inner_text()) is None, head.inner_text()   # no ids or codes
    page.fill("#input", GOOD_REPLY)
    page.click("#send")
    expect(head.locator("#rp-turns")).to_have_text("第 1 轮", timeout=WAIT)
    assert_compact_header(page)
    line = page.locator("#rp-header .rp-line").bounding_box()
    assert line["width"] <= PHONE["width"] and page.evaluate("document.body.scrollWidth") <= PHONE["width"]
    shot(page, "chat-header-phone", full_page=False)
    head.locator("#rp-next").click()
    expect(head.locator("#rp-next")).to_contain_text("课程步骤：")
    head.locator("#rp-next").click()

    page.click(".chip[data-command='/end']")
    expect(page.locator(".msg.scorecard")).to_be_visible(timeout=WAIT)
    expect(head.locator("#rp-stage-text")).to_contain_text("练习已结束", timeout=WAIT)
    expect(page.locator("#input")).to_have_attribute("placeholder", re.compile("开始新的练习"))
    # the input stays usable: typing opens the set-up of a new role-play
    page.fill("#input", "您好，欢迎光临！")
    page.keyboard.press("Enter")
    expect(page.locator("details.msg.coach", has_text="上一轮练习已经结束")).to_be_visible(timeout=WAIT)
    expect(page.locator("#typing")).to_be_hidden(timeout=WAIT)
    assert page.locator(".msg", has_text="练习还没开始").count() == 0
    expect(head).to_contain_text("尚未开始练习", timeout=WAIT)
    shot(page, "chat-after-end-new-setup-phone", full_page=False)
    start_roleplay(page, "分析型", "展厅接待", "练习")
    expect(head.locator("#rp-type")).to_have_text("分析型", timeout=WAIT)
    phone.close()

    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = desktop.new_page()
    page.goto(stack.web_url + "/")
    page.fill("#trainee-input", f"表头学员{uuid.uuid4().hex[:4]}")
    page.click("text=进入陪练")
    head = page.locator("#rp-header")
    start_roleplay(page, "支配型", "议价与异议处理", "练习")
    expect(head.locator("#rp-scenario")).to_have_text("议价与异议处理")
    expect(head.locator("#rp-trust")).to_be_visible()
    assert_compact_header(page)
    shot(page, "chat-header-desktop", full_page=False)
    page.click("#new-chat")
    start_roleplay(page, "支配型", "议价与异议处理", "考核")
    expect(head.locator("#rp-stage-text")).to_contain_text("考核", timeout=WAIT)
    expect(head.locator("#rp-trust")).to_be_hidden()
    expect(head.locator("#rp-next")).to_be_hidden()
    shot(page, "chat-header-exam-desktop", full_page=False)
    desktop.close()


def _focus_inside_dialog(page) -> bool:
    return page.evaluate("document.getElementById('identify-form').contains(document.activeElement)")


def test_name_dialog_is_modal_keeps_focus_and_cancels_once_a_name_exists(browser, tmp_path):
    server = WebServer(tmp_path).start()     # no Rasa needed: the dialog is the chat page's own
    try:
        page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
        page.goto(server.url + "/")
        dialog = page.get_by_role("dialog", name="开始陪练")
        expect(dialog).to_be_visible()
        expect(dialog).to_have_attribute("aria-modal", "true")
        expect(page.locator("#trainee-input")).to_be_focused()
        expect(page.locator("#identify-cancel")).to_be_hidden()
        for _ in range(12):                      # Tab and Shift+Tab never reach the page behind
            page.keyboard.press("Tab")
            assert _focus_inside_dialog(page)
        for _ in range(5):
            page.keyboard.press("Shift+Tab")
            assert _focus_inside_dialog(page)
        # with no trainee yet there is nothing to go back to: Esc and a click outside keep it open
        page.keyboard.press("Escape")
        page.mouse.click(5, 5)
        expect(dialog).to_be_visible()
        shot(page, "chat-name-dialog-desktop", full_page=False)
        page.fill("#trainee-input", "弹窗学员")
        page.keyboard.press("Enter")
        expect(dialog).to_be_hidden()
        expect(page.locator("#who-name")).to_have_text("弹窗学员")
        expect(page.locator("#status")).to_contain_text("对话服务", timeout=WAIT)
        expect(page.locator("#app")).not_to_have_attribute("inert", "")

        # 切换学员 opens it again, now cancellable: Esc, a click outside and 取消 all keep the trainee
        switch = page.locator("#switch-trainee")
        switch.click()
        expect(dialog).to_be_visible()
        expect(page.locator("#trainee-input")).to_be_focused()
        expect(page.locator("#identify-cancel")).to_be_visible()
        expect(page.locator("#app")).to_have_attribute("inert", "")
        for _ in range(12):
            page.keyboard.press("Tab")
            assert _focus_inside_dialog(page)
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(switch).to_be_focused()
        expect(page.locator("#who-name")).to_have_text("弹窗学员")
        switch.click()
        expect(dialog).to_be_visible()
        page.mouse.click(5, 5)
        expect(dialog).to_be_hidden()
        switch.click()
        page.click("#identify-cancel")
        expect(dialog).to_be_hidden()
        expect(page.locator("#who-name")).to_have_text("弹窗学员")
        page.close()
    finally:
        server.stop()
