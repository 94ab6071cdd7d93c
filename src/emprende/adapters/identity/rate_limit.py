"""Login rate limiting: sliding windows per account and per client address, kept in process memory."""

from __future__ import annotations

import math
from collections import deque
from datetime import datetime, timedelta

from emprende.domain.shared.errors import TooManyAttempts

_MAX_TRACKED_KEYS = 100_000


class InMemoryLoginRateLimiter:
    """Counts failed logins per account and attempts per client address within a sliding window.

    State lives in this process: behind a load balancer with several processes each one enforces the limit on
    the attempts it sees, which still bounds a guessing attack by the number of processes.
    """

    def __init__(self, *, max_account_failures: int, max_client_attempts: int, window: timedelta) -> None:
        self._max_account = max_account_failures
        self._max_client = max_client_attempts
        self._window = window
        self._accounts: dict[str, deque[datetime]] = {}
        self._clients: dict[str, deque[datetime]] = {}

    def _recent(self, table: dict[str, deque[datetime]], key: str, now: datetime) -> deque[datetime]:
        entries = table.get(key)
        if entries is None:
            if len(table) >= _MAX_TRACKED_KEYS:
                self._evict(table, now)
            entries = table[key] = deque()
        horizon = now - self._window
        while entries and entries[0] <= horizon:
            entries.popleft()
        return entries

    def _evict(self, table: dict[str, deque[datetime]], now: datetime) -> None:
        horizon = now - self._window
        for key in [key for key, entries in table.items() if not entries or entries[-1] <= horizon]:
            del table[key]
        if len(table) >= _MAX_TRACKED_KEYS:
            table.clear()

    def _retry_after(self, entries: deque[datetime], now: datetime) -> int:
        return max(1, math.ceil((entries[0] + self._window - now).total_seconds()))

    def check(self, account: str, client: str, now: datetime) -> None:
        failures = self._recent(self._accounts, account, now)
        if len(failures) >= self._max_account:
            raise TooManyAttempts(self._retry_after(failures, now))
        attempts = self._recent(self._clients, client, now)
        if len(attempts) >= self._max_client:
            raise TooManyAttempts(self._retry_after(attempts, now))

    def record_failure(self, account: str, client: str, now: datetime) -> None:
        self._recent(self._accounts, account, now).append(now)

    def record_attempt(self, client: str, now: datetime) -> None:
        self._recent(self._clients, client, now).append(now)

    def reset_account(self, account: str) -> None:
        self._accounts.pop(account, None)
