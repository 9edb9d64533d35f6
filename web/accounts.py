"""Trainer accounts: scrypt password hashes with a per-user salt, and the account CLI.

python -m web.accounts ensure-default   # first run: creates 'admin' with a random password, prints it once
python -m web.accounts add NAME         # asks for a password (or prints a generated one)
python -m web.accounts passwd NAME
python -m web.accounts unlock NAME      # forget failed logins for NAME (from every address)
"""

import argparse
import base64
import getpass
import hashlib
import hmac
import re
import secrets
import sys
from typing import Optional, Tuple

from .config import WebConfig
from .review_store import ReviewStore

DEFAULT_TRAINER = "admin"
NAME_RE = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,64}$")
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    params = f"{SCRYPT['n']}:{SCRYPT['r']}:{SCRYPT['p']}"
    return f"scrypt${params}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, stored: Optional[str]) -> bool:
    if not stored:
        # Same work as a real check, so a missing account cannot be told apart by timing.
        hash_password(password)
        return False
    try:
        scheme, params, salt, digest = stored.split("$")
        n, r, p = (int(x) for x in params.split(":"))
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=n, r=r, p=p, dklen=len(base64.b64decode(digest))
    )
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def check_login(store: ReviewStore, name: str, password: str) -> bool:
    return verify_password(password, store.get_password_hash(name))


def ensure_default(store: ReviewStore) -> Optional[str]:
    """Creates the default trainer when no trainer account exists; returns its new password."""
    if store.trainer_names():
        return None
    password = secrets.token_urlsafe(12)
    return password if store.set_password_hash(DEFAULT_TRAINER, hash_password(password), create=True) else None


def _ask_password() -> Tuple[str, bool]:
    """(password, generated): typed (or one line on stdin), or generated when left empty."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline().strip()
    else:
        line = getpass.getpass("new password (empty = generate one): ")
        if line and getpass.getpass("repeat: ") != line:
            raise SystemExit("passwords differ")
    return (line, False) if line else (secrets.token_urlsafe(12), True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.accounts", description="Manage trainer accounts.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("ensure-default", help="create the first trainer account if there is none")
    for cmd in ("add", "passwd", "unlock"):
        sub.add_parser(cmd).add_argument("name")
    args = parser.parse_args(argv)
    store = ReviewStore(WebConfig.from_env().review_db_url)
    if args.command == "ensure-default":
        password = ensure_default(store)
        if password:
            print(f"trainer login: {DEFAULT_TRAINER} / {password}")
        return 0
    if args.command == "unlock":
        print(f"unlocked {args.name}: {store.clear_login_failures(args.name)} failed logins forgotten")
        return 0
    if not NAME_RE.match(args.name):
        print("account names: 1-64 letters, digits, Chinese characters, _ . -", file=sys.stderr)
        return 2
    password, generated = _ask_password()
    if len(password) < 8:
        print("password too short (at least 8 characters)", file=sys.stderr)
        return 2
    if not store.set_password_hash(args.name, hash_password(password), create=args.command == "add"):
        print(
            f"account {args.name!r} {'already exists' if args.command == 'add' else 'does not exist'}", file=sys.stderr
        )
        return 1
    print(f"{'account created' if args.command == 'add' else 'password changed'}: {args.name}")
    if generated:
        print(f"trainer login: {args.name} / {password}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
