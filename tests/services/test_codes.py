"""One-time codes (API.md 7.1, 7.2) at the service level."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from moviesx.extensions import db
from moviesx.models import AddressCodeEvent, CodeFailure, OneTimeCode
from moviesx.services.accounts import codes
from tests.factories import UserFactory


def row(user, purpose=codes.VERIFICATION) -> OneTimeCode:
    db.session.expire_all()
    return db.session.scalar(select(OneTimeCode).where(OneTimeCode.user_id == user.id, OneTimeCode.purpose == purpose))


def test_code_is_six_digits_and_only_an_hmac_is_stored(app, clock):
    user = UserFactory()
    code = codes.issue(user, codes.VERIFICATION)
    db.session.commit()
    assert len(code) == 6 and code.isdigit()
    stored = row(user)
    assert len(stored.code_hash) == 64 and code not in stored.code_hash
    assert stored.expires_at == clock.now.replace(tzinfo=None) + timedelta(seconds=900)
    # Bound to user and purpose: the same digits hash differently elsewhere.
    other = UserFactory()
    assert codes._digest(user.id, codes.VERIFICATION, code) != codes._digest(other.id, codes.VERIFICATION, code)
    assert codes._digest(user.id, codes.VERIFICATION, code) != codes._digest(user.id, codes.RESET, code)
    assert codes._digest(user.id, codes.VERIFICATION, code) == stored.code_hash


def test_codes_are_spread_over_the_whole_range(app):
    users = UserFactory.create_batch(10)  # an address gets at most 10 codes a UTC day (API.md 23)
    seen = [codes.issue(user, codes.RESET) for user in users for _ in range(10)]
    assert len(set(seen)) > 95
    assert len({code[0] for code in seen}) >= 8  # leading digits (zero included) all occur


def test_right_code_matches_once(app):
    user = UserFactory()
    code = codes.issue(user, codes.VERIFICATION)
    db.session.commit()
    assert codes.matches(user, codes.VERIFICATION, code)
    codes.consume(user, codes.VERIFICATION)
    db.session.commit()
    assert not codes.matches(user, codes.VERIFICATION, code)
    assert db.session.scalars(select(CodeFailure)).all() == []


def test_expiry_is_exclusive_at_the_ttl(app, clock):
    user = UserFactory()
    code = codes.issue(user, codes.RESET)
    db.session.commit()
    clock.advance(seconds=899)
    assert codes.matches(user, codes.RESET, code)
    db.session.rollback()
    clock.advance(seconds=1)
    assert not codes.matches(user, codes.RESET, code)


def test_new_code_replaces_the_old_and_resets_attempts(app):
    user = UserFactory()
    first = codes.issue(user, codes.VERIFICATION)
    db.session.commit()
    wrong = "000000" if first != "000000" else "111111"
    for _ in range(3):
        assert not codes.matches(user, codes.VERIFICATION, wrong)
    assert row(user).attempts == 3
    second = codes.issue(user, codes.VERIFICATION)
    db.session.commit()
    assert row(user).attempts == 0
    assert db.session.query(OneTimeCode).count() == 1
    if first != second:
        assert not codes.matches(user, codes.VERIFICATION, first)
    assert codes.matches(user, codes.VERIFICATION, second)


def test_purposes_are_independent(app):
    user = UserFactory()
    verification = codes.issue(user, codes.VERIFICATION)
    reset = codes.issue(user, codes.RESET)
    db.session.commit()
    if verification != reset:
        assert not codes.matches(user, codes.RESET, verification)
    assert codes.matches(user, codes.RESET, reset)


def test_submissions_of_other_types(app):
    assert codes.as_submitted(123456) == "123456"
    assert codes.as_submitted("012345") == "012345"
    for value in (True, None, 12.0, ["123456"], {"a": 1}):
        assert codes.as_submitted(value) is None


def test_old_failures_are_pruned_and_do_not_lock(app, clock):
    user = UserFactory()
    for _ in range(4):
        code = codes.issue(user, codes.RESET)
        db.session.commit()
        for _ in range(5):
            codes.matches(user, codes.RESET, "x")
    assert codes.is_locked(user, codes.RESET)
    assert not codes.is_locked(user, codes.VERIFICATION)
    clock.advance(hours=24, seconds=1)
    assert not codes.is_locked(user, codes.RESET)
    code = codes.issue(user, codes.RESET)
    db.session.commit()
    assert not codes.matches(user, codes.RESET, "nope")
    assert db.session.query(CodeFailure).count() == 1
    assert codes.matches(user, codes.RESET, code)


# ---------------------------------------------------------------- per-address counters (API.md 23)

TARGET = "Target@Example.com"


def take_address(user, email: str) -> None:
    user.email = email
    db.session.commit()


def events(kind: str | None = None) -> list[AddressCodeEvent]:
    db.session.expire_all()
    rows = db.session.scalars(select(AddressCodeEvent)).all()
    return [row for row in rows if kind is None or row.kind == kind]


def test_moving_an_address_through_accounts_gives_no_new_attempts(app, clock):
    accounts = UserFactory.create_batch(5, verified=False)
    for account in accounts[:4]:
        take_address(account, TARGET)
        code = codes.issue(account, codes.VERIFICATION, new_address=True)
        db.session.commit()
        for _ in range(5):
            assert not codes.matches(account, codes.VERIFICATION, other_than(code))
        take_address(account, f"{account.username}@example.com")
        clock.advance(minutes=1)
    last = accounts[4]
    take_address(last, TARGET.lower())  # the address is counted ignoring case
    code = codes.issue(last, codes.VERIFICATION, new_address=True)
    db.session.commit()
    assert code is not None
    assert codes.is_locked(last, codes.VERIFICATION)
    assert not codes.matches(last, codes.VERIFICATION, code)
    assert not codes.is_locked(last, codes.RESET)  # per (address, purpose)
    clock.advance(hours=24)
    code = codes.issue(last, codes.VERIFICATION, new_address=True)
    db.session.commit()
    assert codes.matches(last, codes.VERIFICATION, code)


def test_address_counters_hold_no_address_and_survive_the_account(app, clock):
    first = UserFactory(email=TARGET)
    for _ in range(4):
        code = codes.issue(first, codes.RESET)
        db.session.commit()
        for _ in range(5):
            codes.matches(first, codes.RESET, other_than(code))
    rows = events()
    assert {row.address_hash for row in rows} == {codes.address_hash("target@example.com")}
    assert all("target" not in row.address_hash.lower() for row in rows)
    db.session.delete(first)
    db.session.commit()
    assert len(events(codes.FAILED)) == 20
    assert {row.user_id for row in events()} == {None}
    successor = UserFactory(email=TARGET)
    code = codes.issue(successor, codes.RESET)
    db.session.commit()
    assert not codes.matches(successor, codes.RESET, code)


def other_than(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_an_address_gets_ten_codes_a_utc_day(app, clock):
    clock.now = clock.now.replace(hour=23, minute=0)
    user = UserFactory(email=TARGET)
    issued = [codes.issue(user, purpose) for purpose in [codes.VERIFICATION, codes.RESET] * 5]
    db.session.commit()
    assert None not in issued
    outstanding = row(user, codes.RESET).code_hash
    assert codes.issue(user, codes.RESET) is None
    assert codes.issue(user, codes.VERIFICATION, new_address=True) is None
    db.session.commit()
    assert row(user, codes.RESET).code_hash == outstanding  # nothing changed
    clock.advance(hours=1)  # a new UTC day, although not 24 hours later
    assert codes.issue(user, codes.RESET) is not None


def test_email_change_codes_are_capped_per_user_and_per_address(app, clock):
    mover = UserFactory()
    for index in range(5):
        take_address(mover, f"new{index}@example.com")
        assert codes.issue(mover, codes.VERIFICATION, new_address=True) is not None
        db.session.commit()
    take_address(mover, "new5@example.com")
    assert codes.issue(mover, codes.VERIFICATION, new_address=True) is None
    # Codes the user owns the address for (a resend, a reset) are not email-change codes.
    assert codes.issue(mover, codes.VERIFICATION) is not None

    others = UserFactory.create_batch(6)
    for other in others[:5]:
        take_address(other, TARGET)
        assert codes.issue(other, codes.VERIFICATION, new_address=True) is not None
        take_address(other, f"{other.username}@example.com")
    take_address(others[5], TARGET)
    assert codes.issue(others[5], codes.VERIFICATION, new_address=True) is None
    assert codes.issue(others[5], codes.RESET) is not None  # 6 codes: under the 10 of any purpose
