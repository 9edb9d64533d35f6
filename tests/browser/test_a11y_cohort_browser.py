"""Real headless Chromium (Debian's) over the web app and a tracker store written by Rasa's SQLTrackerStore
(Rasa itself is not needed for these pages):
- axe-core (npm, pinned, installed by scripts/test.sh into var/npm) on every page (login, chat, review list,
  transcript, cohort, replies, 我的进度 and its transcript) at phone and desktop width: no serious or critical
  violation; screenshots of each under artifacts/screenshots/;
- the cohort question "who is weakest at 反问法, and their worst replies" in three clicks, select all / none;
- keyboard only (Tab / Shift+Tab / Enter / Space): trainer login, open a role-play, comment on a reply; the
  trainee's name dialog and the chat input."""
import json
import re
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from rasa.shared.core.events import SlotSet, UserUttered  # noqa: E402
from test_web_app import WebServer  # noqa: E402
from test_web_tracker_reader import new_id, roleplay_events, write_conversation  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
AXE = ROOT / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


def _rhetorical(quality: float) -> dict:
    return {"techniques": ["rhetorical"], "patterns": {"rhetorical": {"parts_present": ["q"], "quality": quality}},
            "evidence": [{"label": "rhetorical", "part": "q", "start": 0, "end": 2}],
            "missing": [{"label": "rhetorical", "part": "answer", "message": "反问后要自己给出答案"}], "score": 40}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: scripts/test.sh installs it (npm install --prefix var/npm)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    tmp = tmp_path_factory.mktemp("a11y")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    ids = {}
    now = time.time()
    for k, (name, quality) in enumerate([("张伟", 0.25), ("李娜", 1.0), ("王强", None)] +
                                        [(f"学员{i:02d}", 0.5 + i / 100) for i in range(27)]):
        rid = ids[name] = new_id()
        t0 = now - (k + 1) * 3600
        events = roleplay_events(name, rid, overall=40 + k, t0=t0)
        if quality is not None:
            events += [UserUttered("难道您不想要更安全的车吗", intent={"name": "consultant_reply"}, timestamp=t0 + 20),
                       SlotSet("last_assessment", _rhetorical(quality), timestamp=t0 + 20)]
        write_conversation(url, f"a11y-{k}", events)
    server = WebServer(tmp)
    user, password = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default")).groups()
    server.start()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield server, chromium, user, password, ids
        chromium.close()
    server.stop()


def serious_violations(page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def login(page, base: str, user: str, password: str) -> None:
    page.goto(base + "/review/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page.locator("h1", has_text="练习会话")).to_be_visible()


def test_every_page_has_no_serious_accessibility_violation_at_phone_and_desktop_size(site):
    server, chromium, user, password, ids = site
    found = {}
    for size, viewport in SIZES.items():
        # bypass_csp only lets Playwright inject axe-core; the pages' own CSP is tested elsewhere
        trainer = chromium.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True)
        page = trainer.new_page()
        page.goto(server.url + "/review/login")
        found[f"login-{size}"] = serious_violations(page)
        page.screenshot(path=str(SHOTS / f"a11y-login-{size}.png"), full_page=True)
        login(page, server.url, user, password)
        for name, path in [("review-list", "/review"), ("transcript", f"/review/sessions/{ids['张伟']}"),
                           ("cohort", "/review/cohort"),
                           ("replies", "/review/cohort/replies?pattern=rhetorical&order=worst")]:
            page.goto(server.url + path)
            found[f"{name}-{size}"] = serious_violations(page)
            page.screenshot(path=str(SHOTS / f"a11y-{name}-{size}.png"), full_page=True)
        trainer.close()

        learner = chromium.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True)
        page = learner.new_page()
        page.goto(server.url + "/")
        expect(page.locator("#identify")).to_be_visible()
        found[f"chat-name-dialog-{size}"] = serious_violations(page)
        page.fill("#trainee-input", "张伟")
        page.click("text=进入陪练")
        expect(page.locator("#identify")).to_be_hidden()
        found[f"chat-{size}"] = serious_violations(page)
        page.screenshot(path=str(SHOTS / f"a11y-chat-{size}.png"), full_page=True)
        for name, path in [("progress", "/progress"), ("progress-transcript", f"/progress/{ids['张伟']}")]:
            page.goto(server.url + path)
            found[f"{name}-{size}"] = serious_violations(page)
            page.screenshot(path=str(SHOTS / f"a11y-{name}-{size}.png"), full_page=True)
        learner.close()
    bad = {page: v for page, v in found.items() if v}
    (SHOTS / "axe-violations.json").write_text(json.dumps(bad, ensure_ascii=False, indent=1), encoding="utf-8")
    assert not bad, "\n".join(f"{page}: {v}" for page, v in bad.items())


def test_weakest_trainee_and_worst_replies_in_three_clicks(site):
    server, chromium, user, password, ids = site
    context = chromium.new_context(viewport=SIZES["desktop"], locale="zh-CN")
    page = context.new_page()
    login(page, server.url, user, password)
    page.goto(server.url + "/review/cohort")
    boxes = page.locator("input[name=trainee]")
    assert boxes.count() == 30
    page.click("text=全选")
    assert all(boxes.nth(i).is_checked() for i in range(30))
    page.click("text=全不选")
    assert not any(boxes.nth(i).is_checked() for i in range(30))
    legend_overflow = page.evaluate("""() => [...document.querySelectorAll('#trends svg')].length""")
    assert legend_overflow == 30, "one small chart per trainee"
    page.screenshot(path=str(SHOTS / "cohort-desktop.png"), full_page=True)
    # click 1: sort by 反问法 quality (the first click sorts ascending: weakest first)
    page.locator("#cohort-table thead a", has_text="质量").nth(4).click()
    assert "order=asc" in page.url
    first = page.locator("#cohort-table tbody tr").first
    expect(first.locator("th")).to_have_text("张伟")
    expect(page.locator("#cohort-table tbody tr", has_text="王强").locator("td[data-pattern=rhetorical][data-kind=quality]")
           ).to_have_text("未使用")
    # click 2: 张伟's 反问法 replies, worst first
    first.locator("td[data-pattern=rhetorical][data-kind=quality] a").click()
    expect(page.locator("h1")).to_contain_text("反问法")
    expect(page.locator(".reply .quality").first).to_have_text("质量 25.0")
    page.screenshot(path=str(SHOTS / "cohort-replies-desktop.png"), full_page=True)
    # click 3: the reply in its transcript
    page.locator(".reply a", has_text="在对话中查看").first.click()
    assert re.search(rf"/review/sessions/{ids['张伟']}#turn-\d+$", page.url)
    expect(page.locator("#" + page.url.split("#")[1])).to_contain_text("难道您不想要更安全的车吗")
    context.close()


def _tab_to(page, predicate: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches the JS predicate (given `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({predicate}); }})()"):
            return
    raise AssertionError(f"Tab never reached: {predicate}")


def test_keyboard_only_review_and_chat(site):
    server, chromium, user, password, ids = site
    context = chromium.new_context(viewport=SIZES["desktop"], locale="zh-CN")
    page = context.new_page()
    page.goto(server.url + "/review/login")
    _tab_to(page, "el.name === 'username'")
    page.keyboard.type(user)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.locator("h1", has_text="练习会话")).to_be_visible()
    _tab_to(page, f"el.getAttribute('href') === '/review/sessions/{ids['李娜']}'")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("李娜")
    _tab_to(page, "el.tagName === 'SUMMARY' && el.textContent.includes('添加评语')")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("键盘写的评语")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".comment", has_text="键盘写的评语")).to_be_visible()
    context.close()

    chat = chromium.new_context(viewport=SIZES["phone"], locale="zh-CN")
    page = chat.new_page()
    page.goto(server.url + "/")
    expect(page.locator("#identify")).to_be_visible()
    # the name dialog is modal: focus starts inside it and Tab stays inside it
    for _ in range(6):
        assert page.evaluate("!!document.activeElement.closest('#identify')")
        page.keyboard.press("Tab")
    _tab_to(page, "el.id === 'trainee-input'")
    page.keyboard.type("键盘学员")
    page.keyboard.press("Enter")
    expect(page.locator("#identify")).to_be_hidden()
    expect(page.locator("#who-name")).to_have_text("键盘学员")
    _tab_to(page, "el.id === 'input'")
    page.keyboard.type("您好")
    page.keyboard.press("Enter")
    expect(page.locator(".msg.trainee .bubble", has_text="您好")).to_be_visible()
    chat.close()
