"""Trainer login under attack: password hashing off the event loop, and throttling that cannot be
turned against the real trainer.

Hashing: scrypt (about 50 ms of CPU per attempt) runs in a small thread pool (hashlib releases the
GIL), so chat and static files keep being served while logins are checked. At most `workers`
hashes run at once, at most `queue` more wait in arrival order, and one client address has at most
one check in progress; anything beyond is refused at once (503) rather than piling up work.

Throttling (every failure is a row in the review database, so it holds across restarts and across
web processes, on SQLite and PostgreSQL alike), within a sliding `window`:
- per client address: an address with `address_limit` failures (any accounts) is refused;
- per account: an account with `account_limit` failures is locked, but only for the addresses that
  took part in those failures. An address that has not failed for that account is never refused
  because of it, so the right password from the trainer's own PC always works, however many wrong
  guesses come from elsewhere. Another trainer can lift the lock (/review/accounts, or
  `python -m web.accounts unlock NAME`).
A successful login forgets that address's failures for the account.
"""

import asyncio
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Optional, Set, TypeVar

from .review_store import ReviewStore

T = TypeVar("T")


class Busy(Exception):
    """Too many password checks are already waiting, or this address already has one running."""


class HashPool:
    """Runs password hashes in `workers` threads. Waiting requests queue in arrival order (at most
    `queue` of them; more are refused at once), and each client address may have only one check in
    progress, so a flood from a few addresses cannot crowd out a trainer: the trainer's login waits
    behind at most `queue` others."""

    def __init__(self, workers: int, queue: int):
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scrypt")
        self.slots: Optional[asyncio.Semaphore] = None
        self.workers, self.queue = workers, queue
        self.waiting = 0
        self.addresses: Set[str] = set()

    async def run(self, address: str, fn: Callable[..., T], *args) -> T:
        if address in self.addresses or self.waiting >= self.queue:
            raise Busy()
        if self.slots is None:  # created on the server's event loop
            self.slots = asyncio.Semaphore(self.workers)
        self.addresses.add(address)
        self.waiting += 1
        acquired = False
        try:
            await self.slots.acquire()
            acquired = True
            self.waiting -= 1
            return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)
        finally:
            if acquired:
                self.slots.release()
            else:
                self.waiting -= 1
            self.addresses.discard(address)


@dataclass
class Verdict:
    allowed: bool
    reason: str = ""  # "address" or "account" when refused


class LoginGuard:
    def __init__(
        self,
        store: ReviewStore,
        address_limit: int = 20,
        account_limit: int = 5,
        window: float = 900,
        workers: Optional[int] = None,
        queue: int = 64,
    ):
        self.store = store
        self.address_limit, self.account_limit, self.window = address_limit, account_limit, window
        self.pool = HashPool(workers or max(1, (os.cpu_count() or 2) // 2), queue)
        # database work of the login path runs off the event loop too (an SQLite commit waits for the disk)
        self.db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="login-db")

    async def _db(self, fn: Callable[..., T], *args) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.db, fn, *args)

    @classmethod
    def from_env(cls, store: ReviewStore) -> "LoginGuard":
        env = os.environ.get
        workers = env("SSP_LOGIN_WORKERS")
        return cls(
            store,
            address_limit=int(env("SSP_LOGIN_ADDRESS_LIMIT", "20")),
            account_limit=int(env("SSP_LOGIN_ACCOUNT_LIMIT", "5")),
            window=float(env("SSP_LOGIN_WINDOW", "900")),
            workers=int(workers) if workers else None,
            queue=int(env("SSP_LOGIN_QUEUE", "64")),
        )

    async def check(self, account: str, address: str) -> Verdict:
        return await self._db(self._check, account, address)

    async def failed(self, account: str, address: str) -> None:
        await self._db(self._failed, account, address)

    async def succeeded(self, account: str, address: str) -> None:
        await self._db(self._succeeded, account, address)

    def _check(self, account: str, address: str) -> Verdict:
        counts = self.store.login_failure_counts(account, address, time.time() - self.window)
        if counts["address"] >= self.address_limit:
            return Verdict(False, "address")
        if counts["account"] >= self.account_limit and counts["account_address"] > 0:
            return Verdict(False, "account")
        return Verdict(True)

    def _failed(self, account: str, address: str) -> None:
        self.store.record_login_failure(account, address, keep_seconds=max(self.window, 86400))

    def _succeeded(self, account: str, address: str) -> None:
        self.store.clear_login_failures(account, address)

    def unlock(self, account: str) -> int:
        return self.store.clear_login_failures(account)

    def locked_accounts(self):
        return self.store.locked_accounts(time.time() - self.window, self.account_limit)
