"""Codes sent to addresses one does not own yet (API.md 23): per-address attempts, caps and cooldowns over HTTP,
with a real SMTP server on loopback catching the emails."""

from __future__ import annotations

import pytest

from moviesx.config import REDIS_CACHE_TYPE
from moviesx.extensions import db
from moviesx.models import User
from tests.factories import UserFactory
from tests.support import smtp as smtp_support
from tests.support.backends import stopped_redis_url
from tests.support.smtp import code_in

mail_config = smtp_support.mail_config
smtp_server = smtp_support.smtp_server
TARGET = "victim@example.com"
UNAVAILABLE = {"error": "Service temporarily unavailable"}


def other_than(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def verifications_to(smtp, address: str) -> list:
    return [message for message in smtp.mailbox.to(address) if message["Subject"].startswith("Verification of")]


def notices_to(smtp, address: str) -> list:
    return [message for message in smtp.mailbox.to(address) if message["Subject"] == "Your MoviesX account was changed"]


def stored(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_rotating_an_address_through_five_accounts_gives_no_more_than_twenty_guesses(client, mail_config, headers_for):
    accounts = UserFactory.create_batch(5)
    for account in accounts:
        headers = headers_for(account)
        own = account.email
        assert client.put("/api/users/", headers=headers, json={"email": TARGET}).status_code == 200
        code = code_in(verifications_to(mail_config, TARGET)[-1])
        guesses = 5 if account is not accounts[-1] else 0
        for _ in range(guesses):
            response = client.post("/api/auth/verify/", headers=headers, json={"verification_code": other_than(code)})
            assert response.get_json() == {"error": "Verification code is incorrect"}
        if account is not accounts[-1]:
            assert client.put("/api/users/", headers=headers, json={"email": own}).status_code == 200
    # 20 wrong guesses against this address: even the right code of a fifth account no longer verifies it.
    response = client.post("/api/auth/verify/", headers=headers, json={"verification_code": code})
    assert response.status_code == 400
    assert response.get_json() == {"error": "Verification code is incorrect"}
    assert stored(accounts[-1]).verified is False


def test_an_email_change_starts_the_resend_cooldown(client, mail_config, clock, headers_for):
    user = UserFactory(email="first@example.com")
    headers = headers_for(user)
    assert client.put("/api/users/", headers=headers, json={"email": "second@example.com"}).status_code == 200
    assert len(verifications_to(mail_config, "second@example.com")) == 1
    clock.advance(seconds=1)
    response = client.post("/api/auth/resend-verification-email/", headers=headers)
    assert response.status_code == 429
    assert response.get_json() == {"error": "You can resend the verification email in 59 seconds"}
    assert response.headers["Retry-After"] == "59"
    # A second change within the cooldown is stored, sends the notice, but no code: the user resends later.
    response = client.put("/api/users/", headers=headers, json={"email": "third@example.com"})
    assert (response.status_code, response.get_json()["email"]) == (200, "third@example.com")
    assert verifications_to(mail_config, "third@example.com") == []
    assert len(notices_to(mail_config, "second@example.com")) == 1
    # The code sent to the previous address does not verify the new one.
    earlier = code_in(verifications_to(mail_config, "second@example.com")[0])
    response = client.post("/api/auth/verify/", headers=headers, json={"verification_code": earlier})
    assert response.get_json() == {"error": "Verification code is incorrect"}
    clock.advance(seconds=59)
    assert client.post("/api/auth/resend-verification-email/", headers=headers).status_code == 200
    code = code_in(verifications_to(mail_config, "third@example.com")[-1])
    assert client.post("/api/auth/verify/", headers=headers, json={"verification_code": code}).get_json() == {"status": True}


def test_a_reset_code_sent_before_an_email_change_does_not_reset_the_new_address(client, mail_config, headers_for):
    user = UserFactory(username="schemer", email="schemer@example.com")
    client.get("/api/auth/forgot-password/", query_string={"email": "schemer@example.com"})
    code = code_in(mail_config.mailbox.last_to("schemer@example.com"))
    assert client.put("/api/users/", headers=headers_for(user), json={"email": TARGET}).status_code == 200
    body = {"email": TARGET, "forgot_password_code": code, "new_password": "a fresh and fine passphrase"}
    response = client.post("/api/auth/forgot-password/", json=body)
    assert response.get_json() == {"error": "Invalid verification code"}
    assert stored(user).verified is False


def test_the_sixth_email_change_code_to_an_address_in_a_utc_day_is_not_sent(client, mail_config, clock, headers_for):
    clock.now = clock.now.replace(hour=22, minute=0, second=0)
    movers = UserFactory.create_batch(7)
    for mover in movers[:5]:
        own = mover.email
        assert client.put("/api/users/", headers=headers_for(mover), json={"email": TARGET}).status_code == 200
        assert client.put("/api/users/", headers=headers_for(mover), json={"email": own}).status_code == 200
    assert len(verifications_to(mail_config, TARGET)) == 5
    sixth = movers[5]
    old_address = sixth.email
    response = client.put("/api/users/", headers=headers_for(sixth), json={"email": TARGET, "first_name": "Sixth"})
    assert response.status_code == 200
    assert (response.get_json()["email"], response.get_json()["verified"]) == (TARGET, False)
    assert (stored(sixth).email, stored(sixth).first_name) == (TARGET, "Sixth")
    assert len(verifications_to(mail_config, TARGET)) == 5  # not sent
    assert len(notices_to(mail_config, old_address)) == 1  # the owner's warning is never capped
    assert client.put("/api/users/", headers=headers_for(sixth), json={"email": old_address}).status_code == 200
    clock.advance(hours=2)  # the next UTC day
    assert client.put("/api/users/", headers=headers_for(movers[6]), json={"email": TARGET}).status_code == 200
    assert len(verifications_to(mail_config, TARGET)) == 6


def test_a_user_gets_five_email_change_codes_a_utc_day(client, mail_config, clock, headers_for):
    clock.now = clock.now.replace(hour=12, minute=0, second=0)  # its minutes stay within one UTC day, whenever it runs
    user = UserFactory()
    headers = headers_for(user)
    for index in range(6):
        assert client.put("/api/users/", headers=headers, json={"email": f"move{index}@example.com"}).status_code == 200
        clock.advance(seconds=61)
    sent = [len(verifications_to(mail_config, f"move{index}@example.com")) for index in range(6)]
    assert sent == [1, 1, 1, 1, 1, 0]
    assert stored(user).email == "move5@example.com"


def test_forgot_password_sends_ten_codes_an_address_a_day_and_always_answers_200(client, mail_config, clock):
    clock.now = clock.now.replace(hour=12, minute=0, second=0)  # its 11 minutes stay within one UTC day
    UserFactory(email="forgetful@example.com")
    for _ in range(11):
        response = client.get("/api/auth/forgot-password/", query_string={"email": "forgetful@example.com"})
        assert response.get_json() == {"status": "Password reset email sent"}
        clock.advance(seconds=61)
    assert len(mail_config.mailbox.to("forgetful@example.com")) == 10


@pytest.fixture
def unreachable_cache_config(app_config):
    app_config.update(CACHE_TYPE=REDIS_CACHE_TYPE, CACHE_REDIS_URL=stopped_redis_url(), TESTS_CACHE_UNREACHABLE=True)
    return app_config


def test_cooldowns_fail_closed_when_the_cache_is_down(unreachable_cache_config, client, mail_config, headers_for):
    user = UserFactory(email="steady@example.com", verified=False)
    headers = headers_for(user)
    for response in (
        client.post("/api/auth/resend-verification-email/", headers=headers),
        client.get("/api/auth/forgot-password/", query_string={"email": "steady@example.com"}),
        client.put("/api/users/", headers=headers, json={"email": "moved@example.com", "first_name": "Moved"}),
    ):
        assert response.status_code == 503
        assert response.get_json() == UNAVAILABLE
        assert response.headers["Retry-After"] == "5"
    assert (stored(user).email, stored(user).first_name) == ("steady@example.com", "Test")
    assert mail_config.messages == []
    # A profile edit that changes no email needs no cooldown.
    assert client.put("/api/users/", headers=headers, json={"first_name": "Still"}).status_code == 200
