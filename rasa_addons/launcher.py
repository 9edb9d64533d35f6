"""`python -m rasa_addons.launcher [rasa run options]`: `rasa run --enable-api` with the API token
taken from the environment, so it never appears on a command line (`ps`, /proc/PID/cmdline).

The token comes from SSP_RASA_TOKEN, else from the file named by SSP_RASA_TOKEN_FILE (kept 0600),
else from $SSP_DATA_DIR/rasa_token. Rasa 3.6 only accepts the token as `--auth-token`; this launcher
hands that argument to Rasa's own CLI inside this process (sys.argv is rebuilt after start-up, which
/proc/PID/cmdline never shows), so every other `rasa run` option behaves exactly as documented.

It also bounds what one request may cost before Rasa sees it: SANIC_REQUEST_MAX_SIZE (default
64 KiB; Sanic answers 413 to a larger body without reading it) and log lines cut at
SSP_LOG_LINE_MAX characters (default 4000).

Two per-turn costs of Rasa's own code are cut before it starts: the action server's answers are checked with a
schema validator built once (rasa_addons/action_response.py), and the model's graphs run without dask's
scheduler (rasa_addons/graph_runner.py).
"""
import logging
import os
import sys
from pathlib import Path
from typing import List, Optional

DEFAULT_MAX_BODY = 64 * 1024


def read_token() -> str:
    token = os.environ.get("SSP_RASA_TOKEN", "").strip()
    if token:
        return token
    path = os.environ.get("SSP_RASA_TOKEN_FILE") or str(
        Path(os.environ.get("SSP_DATA_DIR", "var")) / "rasa_token")
    try:
        token = Path(path).read_text().strip()
    except OSError:
        token = ""
    if not token:
        raise SystemExit("rasa_addons.launcher: no API token (set SSP_RASA_TOKEN or SSP_RASA_TOKEN_FILE)")
    return token


def truncate_log_records(limit: int) -> None:
    """Every log record's message is cut to `limit` characters, whatever logger or handler is used."""
    base = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = base(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logging's problem, not ours
            return record
        if len(message) > limit:
            record.msg, record.args = f"{message[:limit]} …[{len(message) - limit} more characters cut]", None
        return record

    logging.setLogRecordFactory(factory)


def rasa_argv(args: List[str], token: str) -> List[str]:
    if any(a == "--auth-token" or a.startswith("--auth-token=") for a in args):
        raise SystemExit("rasa_addons.launcher: do not pass --auth-token; set SSP_RASA_TOKEN instead")
    # One argument: a random token may start with "-", which argparse would read as an option.
    return ["rasa", "run", *args, "--enable-api", f"--auth-token={token}"]


def main(argv: Optional[List[str]] = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    token = read_token()
    os.environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(DEFAULT_MAX_BODY))
    truncate_log_records(int(os.environ.get("SSP_LOG_LINE_MAX", "4000")))
    from rasa.__main__ import main as rasa_main

    from rasa_addons import action_response, graph_runner, loaded_heap

    action_response.install()
    graph_runner.install()
    loaded_heap.install()
    sys.argv = rasa_argv(args, token)
    rasa_main()


if __name__ == "__main__":
    main()
