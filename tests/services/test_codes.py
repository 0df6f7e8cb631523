"""One-time codes (API.md 7.1, 7.2) at the service level."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from moviesx.extensions import db
from moviesx.models import CodeFailure, OneTimeCode
from moviesx.services import codes
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
    user = UserFactory()
    seen = [codes.issue(user, codes.RESET) for _ in range(100)]
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
