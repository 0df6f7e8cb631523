"""One-time codes (API.md 7.1, 7.2, 23): 6 CSPRNG digits, stored only as an HMAC, 5 attempts, 20 per day.

A code is bound to its user and purpose by the HMAC key material, so a stored hash is useless for
another account or purpose. The plaintext leaves this module only towards the email job.

Failures and issued codes are also counted per email address (AddressCodeEvent, keyed by an HMAC of
the lower-cased address), in the same database as the codes: an attacker who moves a victim's address
through several accounts gets no more guesses, and no more emails sent there, than one account would.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.models import AddressCodeEvent, CodeFailure, OneTimeCode, User
from moviesx.schemas.fields import is_valid_text

VERIFICATION = "verification"
RESET = "reset"
MAX_ATTEMPTS = 5
MAX_DAILY_FAILURES = 20
FAILURE_WINDOW = timedelta(hours=24)
# Codes issued per UTC day (API.md 23): to an address not yet owned (an email change), per user and per
# address; and of any purpose, per address.
MAX_DAILY_CHANGE_CODES_PER_USER = 5
MAX_DAILY_CHANGE_CODES_PER_ADDRESS = 5
MAX_DAILY_CODES_PER_ADDRESS = 10

FAILED = "failed"
ISSUED = "issued"
ISSUED_FOR_CHANGE = "issued_change"


def _digest(user_id: int, purpose: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{user_id}:{purpose}:{code}".encode(), hashlib.sha256).hexdigest()


def address_hash(email: str) -> str:
    """The key of an address in the per-address counters: never the address in clear."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"address:{email.lower()}".encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def _start_of_utc_day(now: datetime) -> datetime:
    return datetime.combine(now.date(), time.min)


def _count(*conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(AddressCodeEvent).where(*conditions))


def _over_daily_caps(user: User, address: str, *, new_address: bool, now: datetime) -> bool:
    today = AddressCodeEvent.created_at >= _start_of_utc_day(now)
    to_address = AddressCodeEvent.address_hash == address
    if _count(to_address, AddressCodeEvent.kind.in_((ISSUED, ISSUED_FOR_CHANGE)), today) >= MAX_DAILY_CODES_PER_ADDRESS:
        return True
    if not new_address:
        return False
    for_change = AddressCodeEvent.kind == ISSUED_FOR_CHANGE
    return (
        _count(to_address, for_change, today) >= MAX_DAILY_CHANGE_CODES_PER_ADDRESS
        or _count(AddressCodeEvent.user_id == user.id, for_change, today) >= MAX_DAILY_CHANGE_CODES_PER_USER
    )


def _record(user: User, purpose: str, kind: str, now: datetime) -> None:
    """One per-address event; rows past every window (24 h) of that address are dropped on the way."""
    address = address_hash(user.email)
    db.session.execute(
        delete(AddressCodeEvent).where(
            AddressCodeEvent.address_hash == address, AddressCodeEvent.created_at <= now - FAILURE_WINDOW
        )
    )
    db.session.add(AddressCodeEvent(address_hash=address, purpose=purpose, kind=kind, user_id=user.id, created_at=now))


def issue(user: User, purpose: str, *, new_address: bool = False) -> str | None:
    """A fresh code for `user.email` replacing any outstanding one of this purpose (attempts reset), or None
    when a daily cap of API.md 23 is reached (nothing changes then); the caller commits.

    `new_address`: the code goes to an address the user does not own yet (an email change).
    """
    now = utcnow()
    if _over_daily_caps(user, address_hash(user.email), new_address=new_address, now=now):
        return None
    _record(user, purpose, ISSUED_FOR_CHANGE if new_address else ISSUED, now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    expires_at = now + timedelta(seconds=current_app.config["CODE_TTL_SECONDS"])
    row = db.session.scalar(select(OneTimeCode).where(OneTimeCode.user_id == user.id, OneTimeCode.purpose == purpose))
    if row is None:
        row = OneTimeCode(user_id=user.id, purpose=purpose)
        db.session.add(row)
    row.code_hash = _digest(user.id, purpose, code)
    row.expires_at = expires_at
    row.attempts = 0
    row.created_at = now
    return code


def discard(user: User, purpose: str) -> None:
    """Forget the outstanding code of this purpose, if any; the caller commits."""
    db.session.execute(delete(OneTimeCode).where(OneTimeCode.user_id == user.id, OneTimeCode.purpose == purpose))


def as_submitted(value: object) -> str | None:
    """The submission as a string: JSON integers become their decimal string; other types (and strings with NUL
    or lone surrogates) match nothing."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return value if is_valid_text(value) else None


def is_locked(user: User, purpose: str) -> bool:
    """20 wrong submissions within 24 hours, for the account or for its address (whichever accounts made
    them), lock the purpose until 24 h after the first."""
    since = utcnow() - FAILURE_WINDOW
    failures = db.session.scalar(
        select(func.count())
        .select_from(CodeFailure)
        .where(CodeFailure.user_id == user.id, CodeFailure.purpose == purpose, CodeFailure.created_at > since)
    )
    if failures >= MAX_DAILY_FAILURES:
        return True
    address_failures = _count(
        AddressCodeEvent.address_hash == address_hash(user.email),
        AddressCodeEvent.purpose == purpose,
        AddressCodeEvent.kind == FAILED,
        AddressCodeEvent.created_at > since,
    )
    return address_failures >= MAX_DAILY_FAILURES


def matches(user: User, purpose: str, submitted: object) -> bool:
    """Whether `submitted` is the outstanding, unexpired, unlocked code.

    Every comparison first reserves one of the code's attempts with an atomic UPDATE, so concurrent
    guesses never get more than MAX_ATTEMPTS comparisons. A wrong guess is committed at once (with a
    CodeFailure row); a right one leaves the reservation in the open transaction: the caller either
    `consume`s the code and commits, or rolls back, which gives the attempt back.
    """
    if is_locked(user, purpose):
        return False
    now = utcnow()
    reserved = db.session.execute(
        update(OneTimeCode)
        .where(
            OneTimeCode.user_id == user.id,
            OneTimeCode.purpose == purpose,
            OneTimeCode.attempts < MAX_ATTEMPTS,
            OneTimeCode.expires_at > now,
        )
        .values(attempts=OneTimeCode.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not reserved:
        return False
    stored = db.session.scalar(
        select(OneTimeCode.code_hash).where(OneTimeCode.user_id == user.id, OneTimeCode.purpose == purpose)
    )
    code = as_submitted(submitted)
    if stored is not None and code is not None and hmac.compare_digest(stored, _digest(user.id, purpose, code)):
        return True
    _record_failure(user, purpose, now)
    return False


def _record_failure(user: User, purpose: str, now: datetime) -> None:
    db.session.execute(
        delete(CodeFailure).where(
            CodeFailure.user_id == user.id, CodeFailure.purpose == purpose, CodeFailure.created_at <= now - FAILURE_WINDOW
        )
    )
    db.session.add(CodeFailure(user_id=user.id, purpose=purpose, created_at=now))
    _record(user, purpose, FAILED, now)
    db.session.commit()


def consume(user: User, purpose: str) -> None:
    """Single use: a matched code is deleted in the caller's transaction."""
    discard(user, purpose)
