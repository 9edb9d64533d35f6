"""How long the cohort pages take over many role-plays, and whether they hold up other requests.

Writes N role-plays (30 trainees, 10 assessed replies each) with Rasa's SQLTrackerStore into a fresh SQLite
tracker store, starts the web app (python -m web), logs in, and times /review/cohort and one replies view;
while a cohort request runs, a second client times a small page (the login page) to show the web process
keeps answering. Usage: PYTHONPATH=.:tests .venv/bin/python bench/cohort_load.py [N=715]"""

import asyncio
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from test_web_app import Client, WebServer
from test_web_tracker_reader import new_id, roleplay_events

TRAINEES = [f"学员{i:02d}" for i in range(30)]


def _assessment(i: int) -> dict:
    code = ("agree", "praise", "guide", "narrate", "rhetorical", "commit")[i % 6]
    return {"techniques": [code], "patterns": {code: {"parts_present": ["x"], "quality": (i % 5) / 4}},
            "evidence": [{"label": code, "part": "x", "start": 0, "end": 2}], "missing": [], "score": 10 * (i % 10)}


async def _write(path: Path, n: int) -> None:
    store = SQLTrackerStore(dialect="sqlite", db=str(path))
    t0 = time.time() - 30 * 86400
    for k in range(n):
        t = t0 + k * 3600
        events = roleplay_events(TRAINEES[k % 30], new_id(), overall=30 + k % 70, t0=t)
        for i in range(9):
            events += [UserUttered(f"第{i}句回复，您说得对", intent={"name": "consultant_reply"}, timestamp=t + 20 + i),
                       SlotSet("last_assessment", _assessment(k + i), timestamp=t + 20 + i)]
        await store.save(DialogueStateTracker.from_events(f"bench-{k}", events))


def _timed(client: Client, path: str):
    start = time.perf_counter()
    status, _, body = client.request("GET", path)
    return time.perf_counter() - start, status, len(body.encode())


def main(n: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="cohort-bench-"))
    started = time.perf_counter()
    asyncio.run(_write(tmp / "tracker.db", n))
    print(f"wrote {n} role-plays in {time.perf_counter() - started:.1f} s")
    server = WebServer(tmp)
    user, password = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default")).groups()
    server.start()
    try:
        coach = Client(server.url)
        coach.login(user, password)
        for path in ("/review/cohort", "/review/cohort?sort=rhetorical.quality&order=asc",
                     "/review/cohort/replies?pattern=rhetorical&order=worst", "/review"):
            runs = [_timed(coach, path) for _ in range(3)]
            best = min(r[0] for r in runs)
            print(f"GET {path}: status {runs[0][1]}, {runs[0][2] / 1024:.0f} KB, "
                  f"first {runs[0][0] * 1000:.0f} ms, best of 3 {best * 1000:.0f} ms")
        # a small page requested while a cohort page is being built
        other = Client(server.url)
        result = {}
        worker = threading.Thread(target=lambda: result.update(big=_timed(coach, "/review/cohort")))
        worker.start()
        time.sleep(0.05)
        small = [_timed(other, "/review/login")[0] for _ in range(5)]
        worker.join()
        print(f"during a cohort request ({result['big'][0] * 1000:.0f} ms): login page "
              f"max {max(small) * 1000:.0f} ms, median {sorted(small)[2] * 1000:.0f} ms")
    finally:
        server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 715)
