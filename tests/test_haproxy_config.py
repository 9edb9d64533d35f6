"""scripts/haproxy_config.py: the configuration `make run-scaled` hands to HAProxy is valid (HAProxy's own
check) and routes as documented: REST round robin over every replica, socket.io sticky."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import haproxy_config  # noqa: E402

REPLICAS = [("127.0.0.1", 6101), ("127.0.0.1", 6102), ("127.0.0.1", 6103)]
ACTIONS = [("127.0.0.1", 6201), ("127.0.0.1", 6202)]


def section(text: str, name: str) -> str:
    lines = text.splitlines()
    start = lines.index(name)
    body = []
    for line in lines[start + 1:]:
        if not line.startswith(" "):
            break
        body.append(line.strip())
    return "\n".join(body)


def test_every_replica_and_action_server_is_a_backend_server():
    text = haproxy_config.render(("127.0.0.1", 6000), REPLICAS, ("127.0.0.1", 6001), ACTIONS)
    rest = section(text, "backend rasa_replicas")
    assert "balance roundrobin" in rest
    assert [line.split()[2] for line in rest.splitlines() if line.startswith("server")] == \
        ["127.0.0.1:6101", "127.0.0.1:6102", "127.0.0.1:6103"]
    sticky = section(text, "backend rasa_sticky")
    assert "balance source" in sticky and sticky.count("server ") == 3
    assert "use_backend rasa_sticky if socketio" in section(text, "frontend rasa")
    assert "bind 127.0.0.1:6000" in section(text, "frontend rasa")
    actions = section(text, "backend action_servers")
    assert actions.count("server ") == 2 and "bind 127.0.0.1:6001" in section(text, "frontend actions")


def test_haproxy_accepts_it(tmp_path):
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        pytest.fail("HAProxy is missing: scripts/run_scaled.sh installs it (apt-get install haproxy)")
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(haproxy_config.render(("127.0.0.1", 6000), REPLICAS, ("127.0.0.1", 6001), ACTIONS))
    check = subprocess.run([haproxy, "-c", "-f", str(cfg)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
