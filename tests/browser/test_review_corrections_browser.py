"""Real headless Chromium (Debian's) on the trainer's correction of a reply's techniques and FBI parts:
the form on the transcript, the correction shown beside the automatic judgement, the per-turn CSV.
The web app runs over a tracker store written by Rasa's SQLTrackerStore (no Rasa needed here).
Screenshots go to artifacts/screenshots/."""
import csv
import io
import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from test_web_app import WebServer  # noqa: E402
from test_web_tracker_reader import new_id, roleplay_events, write_conversation  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPLY = "王先生您对参数门儿清啊，空间确实很重要。"


def test_trainer_corrects_a_reply_beside_the_automatic_judgement(tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    rid = new_id()
    write_conversation(f"sqlite:///{tmp_path / 'tracker.db'}", "corr-browser",
                       roleplay_events("浏览器学员", rid, reply=REPLY))
    server = WebServer(tmp_path)
    login = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default"))
    server.start()
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN",
                                           accept_downloads=True)
            page = context.new_page()
            page.goto(server.url + "/review/login")
            page.fill("input[name=username]", login.group(1))
            page.fill("input[name=password]", login.group(2))
            page.click("form.login button[type=submit]")
            expect(page).to_have_url(re.compile(r"/review$"))
            page.goto(f"{server.url}/review/sessions/{rid}")

            turn = page.locator("li.role-trainee", has_text="门儿清")
            assert page.locator("li.role-customer .correct-form").count() == 0, "customer lines are not corrected"
            turn.locator(".correct-form summary").click()
            boxes = turn.locator(".correct-form")
            expect(boxes.locator("label.tick", has_text="认同法").locator("input")).to_be_checked()
            expect(boxes.locator("label.tick", has_text="配备").locator("input")).to_be_checked()
            boxes.locator("label.tick", has_text="赞美法").locator("input").check()
            boxes.locator("label.tick", has_text="配备").locator("input").uncheck()
            boxes.locator("label.tick", has_text="利益").locator("input").check()
            boxes.locator("button", has_text="保存更正").click()

            turn = page.locator("li.role-trainee", has_text="门儿清")
            expect(turn.locator(".judgement.auto")).to_contain_text("自动：")
            expect(turn.locator(".judgement.auto")).to_contain_text("认同法")
            expect(turn.locator(".judgement.auto")).not_to_contain_text("赞美法")
            trainer = turn.locator(".judgement.trainer")
            expect(trainer).to_contain_text("培训师更正：")
            expect(trainer).to_contain_text("赞美法")
            expect(trainer.locator(".delta.add", has_text="赞美法")).to_be_visible()
            expect(trainer.locator(".delta.del", has_text="配备")).to_be_visible()
            expect(trainer).to_contain_text(login.group(1))
            assert "praise" not in turn.inner_text() and "agree" not in turn.inner_text(), "never codes"
            turn.scroll_into_view_if_needed()
            turn.locator(".correct-form summary").click()
            page.screenshot(path=str(SHOTS / "review-correction.png"), full_page=True)
            turn.screenshot(path=str(SHOTS / "review-correction-turn.png"))

            with page.expect_download() as download_info:
                page.click("#export-turns")
            body = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
            row = next(csv.DictReader(io.StringIO(body)))
            assert (row["学员回复"], row["自动话术"], row["更正后话术"], row["更正后FBI"]) == (
                REPLY, "认同法", "认同法、赞美法", "利益")
            context.close()
            chromium.close()
    finally:
        server.stop()
