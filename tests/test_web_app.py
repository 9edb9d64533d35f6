"""The web app as a real server process (python -m web) over a real SQLite tracker store written by
Rasa's SQLTrackerStore. Rasa itself is deliberately not running here: the chat must say so clearly.
The full chat against the real Rasa server is in tests/browser/."""
import csv
import http.cookiejar
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from test_web_tracker_reader import new_id, roleplay_events, write_conversation

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(Path(sys.executable))
SCRIPT = "<script>alert('x')</script>"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebServer:
    def __init__(self, tmp: Path, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, SSP_DATA_DIR=str(tmp), SSP_WEB_HOST="127.0.0.1", SSP_WEB_PORT=str(self.port),
                        SSP_TRACKER_DB_URL=f"sqlite:///{tmp / 'tracker.db'}",
                        SSP_REVIEW_DB_URL=f"sqlite:///{tmp / 'review.db'}",
                        SSP_RASA_URL=f"http://127.0.0.1:{free_port()}", SSP_RASA_TOKEN="not-used",
                        SQLALCHEMY_SILENCE_UBER_WARNING="1", **env)
        self.log = open(tmp / f"web-{self.port}.log", "wb")
        self.proc = None

    def accounts(self, *args, stdin: str = "") -> str:
        return subprocess.run([PYTHON, "-m", "web.accounts", *args], cwd=ROOT, env=self.env, input=stdin,
                              capture_output=True, text=True, check=True).stdout

    def start(self) -> "WebServer":
        self.proc = subprocess.Popen([PYTHON, "-m", "web"], cwd=ROOT, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        for _ in range(120):
            try:
                urllib.request.urlopen(self.url + "/static/chat.css", timeout=2).read()
                return self
            except OSError:
                assert self.proc.poll() is None, "web app exited early"
                time.sleep(0.25)
        raise RuntimeError("web app did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser-like HTTP client: keeps cookies, does not follow redirects."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, method: str, path: str, form=None, json_body=None, headers=None):
        data, hdrs = None, dict(headers or {})
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            data = json.dumps(json_body).encode()
            hdrs["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode("utf-8", "replace")

    def login(self, user: str, password: str):
        _, _, page = self.request("GET", "/review/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return self.request("POST", "/review/login", form={"csrf_token": token, "username": user, "password": password})

    def csrf_from(self, path: str) -> str:
        _, _, page = self.request("GET", path)
        return re.search(r'(?:name="csrf_token" value|name="csrf-token" content)="([^"]+)"', page).group(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    ids = {"good": new_id(), "weak": new_id(), "other": new_id()}
    day = 86400
    write_conversation(url, "web-1", roleplay_events("张伟", ids["good"], overall=81, t0=time.time() - 3 * day))
    write_conversation(url, "web-2", roleplay_events("工号1001", ids["weak"], overall=42, customer_type="dominant",
                                                     scenario="negotiation", outcome="lost",
                                                     reply=SCRIPT + "您说的很有道理"))
    write_conversation(url, "web-3", roleplay_events("李娜", ids["other"], outcome=None))
    server = WebServer(tmp)
    login = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default"))
    server.start()
    yield server, login.group(1), login.group(2), ids
    server.stop()


def test_accounts_cli_creates_the_default_once_and_manages_accounts(tmp_path):
    server = WebServer(tmp_path)
    first = server.accounts("ensure-default")
    assert re.fullmatch(r"trainer login: admin / \S{12,}\n", first)
    assert server.accounts("ensure-default") == "", "the password is printed only when the account is created"
    assert "trainer login: coach2 / " in server.accounts("add", "coach2")           # generated password
    assert server.accounts("passwd", "coach2", stdin="a-new-password\n") == "password changed: coach2\n"
    from web.accounts import check_login
    from web.review_store import ReviewStore
    store = ReviewStore(server.env["SSP_REVIEW_DB_URL"])
    assert check_login(store, "coach2", "a-new-password") and not check_login(store, "coach2", "wrong")
    stored = store.get_password_hash("coach2")
    assert stored.startswith("scrypt$") and "a-new-password" not in stored


def test_every_review_route_refuses_anonymous_and_trainee_requests(site):
    server, _, _, ids = site
    from web.app import create_app
    from web.config import WebConfig
    config = WebConfig.from_env()
    config.review_db_url = server.env["SSP_REVIEW_DB_URL"]
    config.tracker_db_url = server.env["SSP_TRACKER_DB_URL"]
    app = create_app(config, name="route_listing")
    routes = {(r.path, m) for r in app.router.routes for m in r.methods if r.path.startswith("review")}
    assert len(routes) >= 9
    public = {("review/login", "GET"), ("review/login", "POST")}
    trainee = Client(server.url)
    trainee.request("GET", "/")     # a trainee session cookie must not open anything either
    for client in (Client(server.url), trainee):
        for path, method in sorted(routes - public):
            real = "/" + path.replace("<roleplay_id>", ids["good"])
            status, headers, body = client.request(method, real, form={"text": "x", "score": "1", "reason": "x",
                                                                       "event_id": "1"} if method == "POST" else None)
            assert status in (302, 401, 403), (real, method, status)
            if status == 302:
                assert headers["location"] == "/review/login"
            assert "张伟" not in body and "工号1001" not in body, real


def test_login_with_wrong_or_missing_credentials_gets_no_data(site):
    server, user, password, _ = site
    client = Client(server.url)
    status, _, body = client.login(user, password + "x")
    assert status == 401 and "用户名或密码错误" in body and "张伟" not in body
    status, _, _ = client.request("POST", "/review/login", form={"username": user, "password": password})
    assert status == 403, "a login without the form's CSRF token is refused"
    assert client.request("GET", "/review")[0] == 302


def test_repeated_wrong_passwords_lock_the_account_for_a_while(site):
    server, _, _, _ = site
    client = Client(server.url)
    from web.accounts import hash_password
    from web.review_store import ReviewStore
    ReviewStore(server.env["SSP_REVIEW_DB_URL"]).set_password_hash("guessme", hash_password("right-password"), True)
    statuses = [client.login("guessme", f"wrong-{i}")[0] for i in range(5)]
    assert statuses == [401] * 5
    status, _, body = client.login("guessme", "right-password")
    assert status == 429 and "次数过多" in body


def rows_of(client: Client, path: str) -> str:
    """The session table's body (the filter form also lists every trainee name)."""
    page = client.request("GET", path)[2]
    return page[page.index("<tbody>"):]


def test_session_list_filters_sorts_and_exports(site):
    server, user, password, ids = site
    client = Client(server.url)
    assert client.login(user, password)[0] == 302
    page = rows_of(client, "/review")
    assert all(name in page for name in ("张伟", "工号1001", "李娜"))
    page = rows_of(client, "/review?customer_type=dominant&outcome=lost")
    assert "工号1001" in page and "张伟" not in page
    page = rows_of(client, "/review?min_score=50")
    assert "张伟" in page and "工号1001" not in page and "李娜" not in page
    page = rows_of(client, "/review?outcome=unfinished")
    assert "李娜" in page and "张伟" not in page
    # from yesterday: the three-day-old session drops out even if the suite crossed midnight since writing
    yesterday = time.strftime("%Y-%m-%d", time.localtime(time.time() - 86400))
    page = rows_of(client, f"/review?date_from={yesterday}")
    assert "张伟" not in page and "工号1001" in page
    page = rows_of(client, "/review?sort=score&order=asc")
    assert page.index("工号1001") < page.index("张伟")
    status, headers, body = client.request("GET", "/review/export.csv?scenario=negotiation")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [r["会话ID"] for r in rows] == [ids["weak"]]
    assert rows[0]["学员"] == "工号1001" and rows[0]["自动评分"] == "42.0" and rows[0]["认同法得分"] == "80.0"
    assert (rows[0]["客户类型"], rows[0]["结果"], rows[0]["复核状态"]) == ("支配型", "战败客户", "未复核")
    assert not any(re.search(r"[a-z]{3,}", header) for header in rows[0]), "Chinese headers"


def test_transcript_escapes_text_and_shows_annotations(site):
    server, user, password, ids = site
    client = Client(server.url)
    client.login(user, password)
    _, headers, page = client.request("GET", f"/review/sessions/{ids['weak']}")
    assert SCRIPT not in page and "&lt;script" in page and "alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "script-src 'self'" in headers["content-security-policy"]
    assert re.search(r'<mark class="ev ev-agree"[^>]*>您说的很有道理</mark>', page) is None  # offset 0 is the script text
    assert "先复述客户的话" in page and "认同法" in page and 'class="chip fbi on">F 配备' in page and "客户信任度变化" in page and "<polyline" in page
    _, _, good = client.request("GET", f"/review/sessions/{ids['good']}")
    assert re.search(r'<mark class="ev ev-agree"[^>]*>您说的很有道理</mark>', good)
    assert "data:image/svg+xml;base64," in good and "成绩单" in good
    status, _, report = client.request("GET", f"/review/sessions/{ids['good']}/report")
    assert status == 200 and "练习报告" in report and "data-print" in report
    assert "@media print" in client.request("GET", "/static/review.css")[2]
    assert client.request("GET", f"/review/sessions/{new_id()}")[0] == 404


def test_comments_and_overrides_need_csrf_and_survive_a_restart(site):
    server, user, password, ids = site
    client = Client(server.url)
    client.login(user, password)
    path = f"/review/sessions/{ids['good']}"
    _, _, page = client.request("GET", path)
    event_id = re.search(r'name="event_id" value="(\d+)"', page).group(1)
    assert client.request("POST", path + "/comments", form={"event_id": event_id, "text": "没有 token"})[0] == 403
    token = client.csrf_from(path)
    evil = {"Origin": "http://evil.example"}
    assert client.request("POST", path + "/override", form={"csrf_token": token, "score": "10", "reason": "x"},
                          headers=evil)[0] == 403
    assert client.request("POST", path + "/comments",
                          form={"csrf_token": token, "event_id": event_id, "text": "复述客户原话" + SCRIPT})[0] == 302
    assert client.request("POST", path + "/override", form={"csrf_token": token, "score": "120", "reason": "x"})[0] == 400
    assert client.request("POST", path + "/override", form={"csrf_token": token, "score": "90", "reason": ""})[0] == 400
    assert client.request("POST", path + "/override",
                          form={"csrf_token": token, "score": "88.5", "reason": "客户本就打算成交"})[0] == 302
    server.stop()
    server.start()
    client = Client(server.url)
    client.login(user, password)
    _, _, page = client.request("GET", path)
    assert "复述客户原话&lt;script&gt;" in page and "客户本就打算成交" in page
    assert '<b id="auto-score">81.0</b>' in page and '<b id="override-score">88.5</b>' in page
    _, _, body = client.request("GET", "/review/export.csv?trainee=张伟".replace("张伟", urllib.parse.quote("张伟")))
    row = next(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert (row["自动评分"], row["调整后分数"], row["最终得分"]) == ("81.0", "88.5", "88.5")


def test_logout_and_session_expiry(site, tmp_path):
    server, user, password, _ = site
    client = Client(server.url)
    client.login(user, password)
    token = client.csrf_from("/review")
    assert client.request("POST", "/review/logout", form={"csrf_token": token})[0] == 302
    assert client.request("GET", "/review")[0] == 302
    short = WebServer(tmp_path, SSP_SESSION_HOURS="0.0005")   # 1.8 seconds
    login = re.search(r"trainer login: (\S+) / (\S+)", short.accounts("ensure-default"))
    short.start()
    try:
        client = Client(short.url)
        client.login(login.group(1), login.group(2))
        assert client.request("GET", "/review")[0] == 200
        time.sleep(2.5)
        assert client.request("GET", "/review")[0] == 302, "an expired session is refused"
    finally:
        short.stop()


def test_chat_api_is_bound_to_the_cookie_and_explains_a_rasa_outage(site):
    server, _, _, _ = site
    client = Client(server.url)
    token = client.csrf_from("/")
    assert client.request("POST", "/api/chat", json_body={"message": "你好"})[0] == 403
    status, _, body = client.request("POST", "/api/chat", json_body={"message": "你好"}, headers={"X-CSRF-Token": token})
    assert status == 401 and "姓名或工号" in json.loads(body)["error"]
    bad = client.request("POST", "/api/identify", json_body={"trainee": "<b>x</b>"}, headers={"X-CSRF-Token": token})
    assert bad[0] == 400
    status, _, body = client.request("POST", "/api/identify", json_body={"trainee": "王芳"},
                                     headers={"X-CSRF-Token": token})
    assert status == 200 and json.loads(body)["start"] == '/start{"trainee": "王芳"}'
    status, _, body = client.request("POST", "/api/chat", json_body={"message": "你好"}, headers={"X-CSRF-Token": token})
    assert status == 503 and "对话服务" in json.loads(body)["error"]
    forged = Client(server.url)
    forged.jar.set_cookie(http.cookiejar.Cookie(0, "ssp_trainee", "eyJjc3JmIjoiYSIsImNvbnYiOiJ3ZWItMSJ9.00", None,
                                                False, "127.0.0.1", False, False, "/", True, False, None, False,
                                                None, None, {}))
    status, _, body = forged.request("GET", "/api/history")
    assert json.loads(body)["trainee"] is None, "a forged cookie cannot read someone else's conversation"


def test_intent_payloads_cannot_change_the_trainee_identity():
    from web.rasa_client import safe_message
    assert safe_message('/start{"trainee":"别人"}', "王芳") == '/start{"trainee": "王芳"}'
    assert safe_message("/start", "王芳") == '/start{"trainee": "王芳"}'
    assert safe_message('/start_roleplay{"trainee":"别人","mode":"exam"}', "王芳") == '/start_roleplay{"mode": "exam"}'
    assert safe_message('/choose{"mode":"exam"}', "王芳") == '/choose{"mode":"exam"}'
    assert safe_message("您好 /start", "王芳") == "您好 /start"


def _visible_text(page: str) -> str:
    """The page as a reader sees it: no tags, attributes, scripts or styles."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


def _turns(page: str):
    """(role, html) for each transcript line of a review page."""
    return re.findall(r'<li class="turn role-(\w+)[^"]*"[^>]*>(.*?)</li>\s*(?=<li class="turn|</ol>)', page, flags=re.S)


@pytest.fixture(scope="module")
def coded_site(tmp_path_factory):
    """A role-play whose reply carries every kind of skill evidence and whose trainee chose from a menu mid-way."""
    from rasa.shared.core.events import BotUttered, SlotSet, UserUttered

    tmp = tmp_path_factory.mktemp("web-codes")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    rid, t = new_id(), time.time() - 600
    events = roleplay_events("周九", rid, outcome=None, t0=t)
    events = [SlotSet("persona_id", "ma_owner", timestamp=e.timestamp)
              if isinstance(e, SlotSet) and e.key == "persona_id" else e for e in events]
    reply = "不对，您错了。如果今天定，我就帮您申请五年保养，预算大概多少？您是说坐得下团队？"
    assessment = {
        "techniques": ["rhetorical"], "anti_patterns": ["contradict"], "score": 35,
        "fbi": {"feature": False, "benefit": False, "impact": False},
        "evidence": [
            {"label": "anti", "part": "contradict", "start": 0, "end": 6, "text": "不对，您错了"},
            {"label": "closing", "part": "if_then", "start": 7, "end": 23, "text": reply[7:23]},
            {"label": "tmd", "part": "money", "start": 24, "end": 32, "text": reply[24:32]},
            {"label": "probe", "part": "expand", "start": 33, "end": 42, "text": reply[33:42]},
            {"label": "objection", "part": "step1", "start": 0, "end": 2, "text": "不对"},
            {"label": "question", "part": "open", "start": 24, "end": 32, "text": reply[24:32]},
        ],
        "missing": [{"label": "anti", "part": "contradict", "message": "不要直接否定客户"}],
        "feedback": "要先认同客户，再提方案。",
    }
    tail = [
        UserUttered('/choose{"customer_type":"dominant"}', intent={"name": "choose"}, timestamp=t + 7.5),
        BotUttered("【教练】已选择支配型。", metadata={"role": "coach"}, timestamp=t + 7.6),
        UserUttered(reply, intent={"name": "attempt_close"}, timestamp=t + 7.7),
        SlotSet("last_assessment", assessment, timestamp=t + 7.8),
        BotUttered("我再想想。", metadata={"role": "customer"}, timestamp=t + 7.9),
        BotUttered("【教练】要先认同客户，再提方案。\n试试：“您说得有道理”", metadata={"role": "coach"},
                   timestamp=t + 7.95),
    ]
    end = next(i for i, e in enumerate(events) if isinstance(e, UserUttered) and e.text == "/end")
    write_conversation(url, "codes-1", events[:end] + tail + events[end:])
    server = WebServer(tmp)
    login = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default"))
    server.start()
    client = Client(server.url)
    client.login(login.group(1), login.group(2))
    yield client, rid
    server.stop()


def test_transcript_shows_chinese_names_only_feedback_once_and_comment_forms_on_trainee_lines(coded_site):
    client, rid = coded_site
    status, _, page = client.request("GET", f"/review/sessions/{rid}")
    assert status == 200
    for code in ("ma_owner", "contradict", "if_then", "/choose{", "customer_type", "step1", "money"):
        assert code not in page, code
    text = _visible_text(page)
    for code in ("probe", "tmd", "anti", "closing", "objection", "expand", "dominant", "/end"):
        assert not re.search(rf"\b{code}\b", text), code
    assert "<dd>马总</dd>" in page
    assert "选择：支配型" in text and "结束对话" in text
    for name in ("积极倾听 · 展开法", "不当说法 · 反驳客户", "TMD · 预算", "成交 · 条件成交法", "异议处理 · 第1步 同意并中立化",
                 "提问 · 开放式问题"):
        assert name in page, name
    assert text.count("要先认同客户，再提方案。") == 1, "the coach's feedback is shown once per turn"
    assert text.count("做得好：用了认同法。") == 1
    turns = _turns(page)
    assert {role for role, _ in turns} >= {"trainee", "customer", "coach"}
    for role, html in turns:
        assert ("添加评语" in html) == (role == "trainee"), role
        if role == "trainee":  # a real label, not only a placeholder
            box = re.search(r'<textarea id="(comment-\d+)"', html).group(1)
            assert re.search(rf'<label class="visually-hidden" for="{box}">[^<]+</label>', html)
