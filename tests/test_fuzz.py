"""Fault-and-fuzz: 500 generated bad inputs (seeded, reproducible) at the web API and Rasa's REST
channel, against the real servers. Every one must get an answer below 500 (client errors are the
client's), no server may crash, and a normal conversation must work afterwards. Bounded in time."""
import json
import random
import time
import urllib.error
import urllib.request
import uuid
from typing import Callable, Dict, List, Optional, Tuple

import pytest

from test_web_app import Client

pytestmark = pytest.mark.e2e
SEED = 20240609
TIME_BUDGET = 170  # seconds for all 500 requests

WEIRD_TEXT = ["\ud800", "a\udfffb", "\x00", "\x00\x01\x02\x1b[31m", "\u202e反向文字", "😀" * 50, " ", "\n\n\t",
              "<script>alert(1)</script>", "' OR 1=1 --", "=cmd|' /C calc'!A0", "{{7*7}}", "%s%s%n", "\\u0000",
              "车" * 2001, "a" * 5000, "您好" * 300, "\u3000", "\ufeff您好", "𠀀𠀁"]
SLASH = ["/", "//", "/start{", "/start{bad json}", '/start{"trainee": 5}', '/start{"trainee": ["x"]}',
         "/start_roleplay{}", '/start_roleplay{"customer_type": 123}', '/start_roleplay{"customer_type":"alien",'
         '"scenario":"moon","mode":"x"}', '/start_roleplay{"customer_type":"social","scenario":"needs",'
         '"mode":"practice","turns":-5}', "/end{}", "/back", "/restart", "/hint" * 50, "/nlu_fallback",
         "/out_of_scope", "/no_such_intent", '/inform{"slot":"' + "x" * 500 + '"}', "/session_start",
         "/action_listen", "/start_roleplay[1,2]", '/choose_mode{"mode": {"nested": [1, {"a": null}]}}']
NON_OBJECTS = [b"[]", b"[1,2,3]", b'"text"', b"42", b"-0", b"1e999", b"null", b"true", b"false"]
MALFORMED = [b"", b"{", b"{\"message\": ", b"{'message': 'x'}", b"\xff\xfe\xfd", b"{\"message\": \"\\ud800\"",
             b"NaN", b"{\"a\":" * 200, b"[" * 5000 + b"]" * 5000, b"\x00" * 100]


def _deep(n: int):
    value: object = "x"
    for _ in range(n):
        value = {"a": value}
    return value


def bodies(rng: random.Random, field: str) -> List[Tuple[str, bytes]]:
    """(kind, body) candidates for a JSON endpoint whose string field is `field`."""
    out: List[Tuple[str, bytes]] = [("non-object", b) for b in NON_OBJECTS] + [("malformed", b) for b in MALFORMED]
    for value in [5, -0.0, 1e308, None, True, [], ["x"], {}, {"x": 1}, _deep(50), [None] * 100]:
        out.append(("wrong type", json.dumps({field: value}).encode()))
    for text in WEIRD_TEXT:
        out.append(("weird text", json.dumps({field: text}).encode()))
    for text in SLASH:
        out.append(("slash", json.dumps({field: text}, ensure_ascii=False).encode()))
    out.append(("random bytes", bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 400)))))
    out.append(("random unicode", json.dumps({field: "".join(chr(rng.randint(1, 0x2FFFF)) for _ in range(50))},
                                             ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")))
    out.append(("extra fields", json.dumps({field: "您好", "sender": ["x"], "metadata": "m", "input_channel": 3})
                .encode()))
    out.append(("too large", json.dumps({field: "x" * 400_000}).encode()))
    return out


def send(base: str, path: str, body: bytes, headers: Dict[str, str], opener=None,
         method: str = "POST") -> Tuple[int, str]:
    req = urllib.request.Request(base + path, data=body if method == "POST" else None, method=method,
                                 headers=headers)
    try:
        with (opener.open if opener else urllib.request.urlopen)(req, timeout=60) as resp:
            return resp.status, resp.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(2000).decode("utf-8", "replace")
    except (ConnectionError, OSError) as error:
        # a server may close the connection on a body it will not read (413): that is not a crash
        return (413 if len(body) > 100_000 else -1), str(error)


def generate(rng: random.Random, n: int, makers: List[Callable[[], Tuple[str, Callable[[], Tuple[int, str]]]]]):
    return [rng.choice(makers)() for _ in range(n)]


def test_500_bad_inputs_no_crash_no_5xx(stack):
    rng = random.Random(SEED)
    web = Client(stack.web_url)
    csrf = web.csrf_from("/")
    _, _, body = web.request("POST", "/api/identify", json_body={"trainee": "模糊测试"}, headers={"X-CSRF-Token": csrf})
    assert web.request("POST", "/api/chat", json_body={"message": json.loads(body)["start"]},
                       headers={"X-CSRF-Token": csrf})[0] == 200
    web_bodies = bodies(rng, "message") + bodies(rng, "trainee")
    rasa_bodies = bodies(rng, "message")
    content_types = ["application/json", "text/plain", "application/x-www-form-urlencoded", "",
                     "multipart/form-data; boundary=zz"]
    cases: List[Tuple[str, str, Callable[[], Tuple[int, str]]]] = []

    for i in range(250):
        kind, b = rng.choice(web_bodies)
        path = rng.choice(["/api/chat", "/api/chat", "/api/identify", "/api/new"])
        hdrs = {"Content-Type": rng.choice(content_types), "X-CSRF-Token": csrf}
        if i % 25 == 0:
            hdrs["X-CSRF-Token"] = rng.choice(["", "forged", csrf + "x"])
        if i % 40 == 7:   # the trainer side: form bodies at the login and an unauthenticated override
            path, b = rng.choice([("/review/login", b), ("/review/sessions/x/override", b),
                                  ("/review/login", b"username=" + b"%ff" * 100 + b"&password=%00")])
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        cases.append((f"web {path} {kind}", b[:120].decode("utf-8", "replace"),
                      lambda p=path, b=b, h=hdrs: send(stack.web_url, p, b, h, web.opener)))
    for i in range(250):
        kind, b = rng.choice(rasa_bodies)
        if kind in ("slash", "weird text", "wrong type") and rng.random() < 0.7:
            try:   # most of them as a real REST message from a fuzzing sender
                doc = json.loads(b)
                doc["sender"] = f"fuzz-{rng.randint(0, 9)}"
                b = json.dumps(doc).encode()
            except ValueError:
                pass
        if i % 30 == 3:
            b = json.dumps({"sender": rng.choice([5, "", "x" * 1000, ["a"], "\ud800"]), "message": "您好"}).encode()
            kind = "bad sender"
        hdrs = {"Content-Type": rng.choice(content_types)}
        cases.append((f"rasa {kind}", b[:120].decode("utf-8", "replace"),
                      lambda b=b, h=hdrs: send(stack.rasa_url, "/webhooks/rest/webhook", b, h)))
    rng.shuffle(cases)
    assert len(cases) == 500

    start = time.time()
    failures, statuses = [], {}
    for label, shown, run in cases:
        status, answer = run()
        statuses[status] = statuses.get(status, 0) + 1
        if status >= 500 or status < 0:
            failures.append((label, shown, status, answer[:300]))
        assert time.time() - start < TIME_BUDGET, f"fuzzing took longer than {TIME_BUDGET}s"
    print(f"\n500 inputs in {time.time() - start:.1f}s, statuses {dict(sorted(statuses.items()))}")
    assert not failures, "\n".join(map(str, failures[:20]))
    for name, proc in stack.procs.items():
        assert proc.poll() is None, f"{name} crashed:\n{stack.log_tail(name)}"
    # still serving normally
    sender = f"after-fuzz-{uuid.uuid4().hex[:6]}"
    answer = stack.say(sender, '/start_roleplay{"customer_type":"social","scenario":"needs","mode":"practice"}')
    assert any(m.get("text") for m in answer)
    status, _, body = web.request("POST", "/api/chat", json_body={"message": "您好，我是销售顾问小刘。"},
                                  headers={"X-CSRF-Token": csrf})
    assert status == 200 and json.loads(body)["messages"]
