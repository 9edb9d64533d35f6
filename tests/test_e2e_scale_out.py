"""Scale-out path: two Rasa replicas sharing a PostgreSQL tracker store and a Redis lock store."""
import shutil
import subprocess
import uuid

import pytest

from stack import ServerStack, free_port

pytestmark = pytest.mark.e2e


def _service_up(cmd):
    return shutil.which(cmd[0]) and subprocess.run(cmd, capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    if not _service_up(["pg_isready", "-h", "127.0.0.1"]) or not _service_up(["redis-cli", "-h", "127.0.0.1", "ping"]):
        pytest.fail("PostgreSQL and Redis must run on 127.0.0.1 for the scale-out test")
    db = f"ssp_coach_test_{uuid.uuid4().hex[:8]}"
    servers = ServerStack(tmp_path_factory.mktemp("scale"), endpoints="endpoints.scale.yml",
                          extra_env={"SSP_PG_HOST": "127.0.0.1", "SSP_PG_PORT": "5432", "SSP_PG_DB": db, "SSP_PG_LOGIN_DB": "postgres",
                                     "SSP_PG_USER": "postgres", "SSP_PG_PASSWORD": "",
                                     "SSP_REDIS_HOST": "127.0.0.1", "SSP_REDIS_PORT": "6379",
                                     "SSP_REDIS_DB": "0"})
    try:
        servers.start_actions()
        first = servers.start_rasa()
        second = servers.start_rasa("rasa2", free_port())
        yield servers, first, second, db
    finally:
        servers.stop_all()
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {db}"],
                       capture_output=True)


def test_a_conversation_moves_between_replicas_without_losing_state(replicas):
    servers, first, second, db = replicas
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    servers.say(sender, '/start_roleplay{"customer_type":"dominant","scenario":"needs","mode":"practice"}',
                rasa_url=first)
    servers.say(sender, "您好，我是销售顾问小周，您这次换车主要是家用吗？", rasa_url=second)
    servers.say(sender, "您的预算大概是多少？", rasa_url=first)
    state = servers.tracker(sender, rasa_url=second)["slots"]
    assert state["phase"] == "roleplay" and state["turns"] == 2
    rows = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc",
                           f"select count(*) from events where sender_id = '{sender}'"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert int(rows) > 10
