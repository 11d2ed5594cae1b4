"""Passwords and sign-in with lockout.

argon2id (`argon2-cffi`, the reference implementation's binding, maintained by the
PHC authors' circle) rather than bcrypt: memory-hard, no 72-byte password limit,
and `check_needs_rehash` lets parameters be raised later without a reset.

Ten failures within fifteen minutes lock the account for fifteen minutes (the
issue's rule). While locked even the right password is refused, so guessing gains
nothing. Unknown names are verified against a dummy hash, so the answer time does
not reveal which accounts exist.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from storage import Database
from storage.models import DashboardUser
from storage.repos import DashboardUsers, Sessions

__all__ = ["LOCK_AFTER", "LOCK_FOR", "SignIn", "SignInResult", "sign_in", "verify"]

LOCK_AFTER = 10
LOCK_FOR = timedelta(minutes=15)
_DUMMY: dict[int, str] = {}


class SignIn(enum.Enum):
    OK = "ok"
    BAD = "bad"
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignIn
    user: DashboardUser | None = None


def verify(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = id(hasher)
    if key not in _DUMMY:
        _DUMMY[key] = hasher.hash("etiket-no-such-account")
    return _DUMMY[key]


async def sign_in(
    db: Database,
    hasher: PasswordHasher,
    clock: Callable[[], datetime],
    username: str,
    password: str,
) -> SignInResult:
    """Check a sign-in attempt, recording failures and locking after too many."""
    async with db.transaction() as session:
        users = DashboardUsers(session)
        user = await users.by_username(username)
        now = clock()
        if user is not None and user.locked_until is not None and user.locked_until > now:
            return SignInResult(SignIn.LOCKED)
        stored = user.password_hash if user is not None else _dummy_hash(hasher)
        ok = await asyncio.to_thread(verify, hasher, stored, password)
        if user is not None and ok:
            await users.clear_failures(username)
            user.locked_until = None
            if hasher.check_needs_rehash(user.password_hash):
                user.password_hash = await asyncio.to_thread(hasher.hash, password)
            return SignInResult(SignIn.OK, user)
        failures = await users.record_failure(username[:64], now)
        if user is not None and failures >= LOCK_AFTER:
            user.locked_until = now + LOCK_FOR
            await users.clear_failures(username)
            await Sessions(session).close_all(user.id)
            return SignInResult(SignIn.LOCKED)
        return SignInResult(SignIn.BAD)
