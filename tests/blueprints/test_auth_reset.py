"""Forgot password, reset, resend-verification, cooldowns and attempt limits over HTTP."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select

from moviesx.extensions import db
from moviesx.models import CodeFailure, OneTimeCode, User
from moviesx.services.accounts import codes
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.support import smtp as smtp_support
from tests.support.smtp import code_in, html_of, text_of

mail_config = smtp_support.mail_config
smtp_server = smtp_support.smtp_server
NEW_PASSWORD = "brand-new-secret-words"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def reset(client, email, code, password=NEW_PASSWORD, **kw):
    return client.post(
        "/api/auth/forgot-password/", json={"email": email, "forgot_password_code": code, "new_password": password}, **kw
    )


def other_than(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_forgot_password_email_then_reset_revokes_old_tokens(client, mail_config, clock, token_for):
    smtp = mail_config
    user = UserFactory(username="bob", email="Bob+films@Example.com", verified=False)
    old_pair = client.post("/api/auth/login/", json={"username": "bob", "password": DEFAULT_PASSWORD}).get_json()
    old_access = old_pair["access"]

    response = client.get("/api/auth/forgot-password/", query_string={"email": "bob+FILMS@example.com", "_t": "1"})
    assert response.status_code == 200
    assert response.get_json() == {"status": "Password reset email sent"}
    message = smtp.mailbox.last_to("Bob+films@Example.com")
    assert message["Subject"] == "Password reset for MoviesX account of bob"
    code = code_in(message)
    link = f"http://localhost:5173/reset-password?code={code}&email={quote('Bob+films@Example.com', safe='')}"
    assert text_of(message).splitlines() == [
        "Hello bob,",
        f"Use this code to reset your MoviesX password: {code}",
        f"Or open {link}",
        "The code expires in 15 minutes. If you did not ask for a password reset, ignore this email.",
    ]
    assert f'href="{link.replace("&", "&amp;")}"' in html_of(message)

    response = reset(client, "bob+films@example.com", other_than(code))
    assert response.status_code == 400
    assert response.get_json() == {"error": "Invalid verification code"}

    clock.advance(seconds=2)
    response = reset(client, "BOB+films@example.com", code)
    assert response.status_code == 200
    assert response.get_json() == {"status": "Password reset successful"}
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.verified is True
    assert db.session.scalars(select(OneTimeCode)).all() == []

    # Tokens issued before the change are refused; the code is single use.
    refused = client.get("/api/users/", headers=bearer(old_access))
    assert refused.status_code == 401
    assert refused.get_json()["messages"][0]["message"] == "Token is invalid"
    assert client.post("/api/auth/refresh/", json={"refresh": old_pair["refresh"]}).get_json() == {
        "detail": "Token is invalid or expired",
        "code": "token_not_valid",
    }
    assert reset(client, "bob+films@example.com", code).get_json() == {"error": "Invalid verification code"}
    assert client.post("/api/auth/login/", json={"username": "bob", "password": DEFAULT_PASSWORD}).status_code == 401
    login = client.post("/api/auth/login/", json={"username": "bob", "password": NEW_PASSWORD})
    assert login.status_code == 200
    assert client.get("/api/users/", headers=bearer(login.get_json()["access"])).status_code == 200


def test_unknown_or_invalid_email_gets_the_same_answer_and_no_mail(client, mail_config):
    for email in ("nobody@example.com", "not an email", "nul\u0000@example.com"):
        response = client.get("/api/auth/forgot-password/", query_string={"email": email})
        assert response.status_code == 200
        assert response.get_json() == {"status": "Password reset email sent"}
    UserFactory(email="gone@example.com", is_active=False)
    assert client.get("/api/auth/forgot-password/?email=gone@example.com").status_code == 200
    assert mail_config.messages == []
    assert reset(client, "nobody@example.com", "123456").get_json() == {"error": "Invalid verification code"}


def test_forgot_password_requires_email(client):
    for query in ("", "?email=", "?email=%20%20"):
        response = client.get("/api/auth/forgot-password/" + query)
        assert response.status_code == 400
        assert response.get_json() == {"email": ["This field is required."]}


def test_forgot_password_in_spanish(client, mail_config):
    UserFactory(username="ana", email="ana@example.com", preferred_language="es")
    response = client.get("/api/auth/forgot-password/?email=ana@example.com&lang=es")
    assert response.get_json() == {"status": "Correo de restablecimiento de contraseña enviado"}
    message = mail_config.mailbox.last_to("ana@example.com")
    assert message["Subject"] == "Restablecimiento de contraseña de la cuenta de MoviesX de ana"
    # The email follows the recipient's language, not the request's.
    UserFactory(username="fritz", email="fritz@example.com", preferred_language="de")
    client.get("/api/auth/forgot-password/?email=fritz@example.com&lang=fr")
    assert mail_config.mailbox.last_to("fritz@example.com")["Subject"] == (
        "Zurücksetzen des Passworts für das MoviesX-Konto von fritz"
    )


def test_expired_reset_code(client, mail_config, clock):
    UserFactory(username="carl", email="carl@example.com")
    client.get("/api/auth/forgot-password/?email=carl@example.com")
    code = code_in(mail_config.mailbox.last_to("carl@example.com"))
    clock.advance(seconds=900)
    assert reset(client, "carl@example.com", code).get_json() == {"error": "Invalid verification code"}


def test_five_wrong_attempts_kill_the_code(client, mail_config, clock):
    UserFactory(username="dana", email="dana@example.com")
    client.get("/api/auth/forgot-password/?email=dana@example.com")
    code = code_in(mail_config.mailbox.last_to("dana@example.com"))
    for _ in range(5):
        assert reset(client, "dana@example.com", other_than(code)).status_code == 400
    response = reset(client, "dana@example.com", code)
    assert response.status_code == 400
    assert response.get_json() == {"error": "Invalid verification code"}
    # A new code (after the cooldown) works again.
    clock.advance(seconds=60)
    client.get("/api/auth/forgot-password/?email=dana@example.com")
    code = code_in(mail_config.mailbox.last_to("dana@example.com"))
    assert reset(client, "dana@example.com", code).status_code == 200


def test_correct_code_with_refused_password_is_not_consumed(client, mail_config):
    UserFactory(username="erin", email="erin@example.com")
    client.get("/api/auth/forgot-password/?email=erin@example.com")
    code = code_in(mail_config.mailbox.last_to("erin@example.com"))
    response = reset(client, "erin@example.com", code, password="123456789")
    assert response.status_code == 400
    assert response.get_json() == {
        "error": [
            "This password is too short. It must contain at least 10 characters.",
            "This password is too common.",
            "This password is entirely numeric.",
        ]
    }
    assert reset(client, "erin@example.com", code, password="erin_example").get_json() == {
        "error": ["The password is too similar to the email address."]
    }
    assert reset(client, "erin@example.com", code, password=None).get_json() == {"new_password": ["This field cannot be null."]}
    assert reset(client, "erin@example.com", code, password=5).get_json() == {"new_password": ["Not a valid string."]}
    # Those attempts were given back: the right code still has its attempts and works.
    assert db.session.scalar(select(OneTimeCode.attempts)) == 0
    assert reset(client, "erin@example.com", code).status_code == 200


def test_reset_body_shapes(client):
    assert client.post("/api/auth/forgot-password/", json={"email": "a@example.com"}).get_json() == {
        "error": "Missing required fields"
    }
    response = client.post("/api/auth/forgot-password/", data="nope", content_type="application/json")
    assert response.get_json() == {"error": "Invalid JSON body"}
    for email in (None, 12, ["a@example.com"], "", "nul\u0000@example.com"):
        assert reset(client, email, "123456").get_json() == {"error": "Invalid verification code"}


def test_reset_discards_verification_code_and_verifies(client, mail_config, clock):
    signup = client.post(
        "/api/auth/signup/",
        json={
            "username": "fay",
            "email": "fay@example.com",
            "first_name": "F",
            "last_name": "Y",
            "password": "lovely-long-password",
        },
    ).get_json()
    verification_code = code_in(mail_config.mailbox.last_to("fay@example.com"))
    client.get("/api/auth/forgot-password/?email=fay@example.com")
    code = code_in(mail_config.mailbox.last_to("fay@example.com"))
    assert reset(client, "fay@example.com", code).status_code == 200
    # The signup token is from the same (injected) second as the reset, so it still works.
    response = client.post("/api/auth/verify/", headers=bearer(signup["access"]), json={"verification_code": verification_code})
    assert response.get_json() == {"status": True}
    assert db.session.scalar(select(User.verified)) is True
    assert db.session.scalars(select(OneTimeCode)).all() == []


def test_forgot_password_cooldown_per_lowercased_email(client, mail_config, clock):
    UserFactory(username="gil", email="gil@example.com")
    assert client.get("/api/auth/forgot-password/?email=gil@example.com").status_code == 200
    clock.advance(seconds=20)
    response = client.get("/api/auth/forgot-password/?email=GIL@example.com")
    assert response.status_code == 429
    assert response.get_json() == {"error": "You can resend the password reset email in 40 seconds"}
    assert response.headers["Retry-After"] == "40"
    clock.advance(seconds=39, milliseconds=500)
    response = client.get("/api/auth/forgot-password/?email=gil@example.com")
    assert response.get_json() == {"error": "You can resend the password reset email in 1 seconds"}
    assert response.headers["Retry-After"] == "1"
    # Unknown addresses have the same cooldown, so the 429 reveals nothing.
    assert client.get("/api/auth/forgot-password/?email=ghost@example.com").status_code == 200
    assert client.get("/api/auth/forgot-password/?email=Ghost@example.com").status_code == 429
    clock.advance(seconds=1)
    assert client.get("/api/auth/forgot-password/?email=gil@example.com").status_code == 200
    assert len(mail_config.mailbox.to("gil@example.com")) == 2


def test_resend_verification_cooldown_and_new_code(client, mail_config, clock, headers_for):
    user = UserFactory(username="hal", email="hal@example.com", verified=False)
    response = client.post("/api/auth/resend-verification-email/", headers=headers_for(user))
    assert response.status_code == 200
    assert response.get_json() == {"status": "Verification email resent"}
    first = code_in(mail_config.mailbox.last_to("hal@example.com"))
    clock.advance(seconds=59)
    response = client.post("/api/auth/resend-verification-email/", headers=headers_for(user))
    assert response.status_code == 429
    assert response.get_json() == {"error": "You can resend the verification email in 1 seconds"}
    assert response.headers["Retry-After"] == "1"
    clock.advance(seconds=1)
    assert client.post("/api/auth/resend-verification-email/", headers=headers_for(user)).status_code == 200
    second = code_in(mail_config.mailbox.last_to("hal@example.com"))
    if first != second:
        response = client.post("/api/auth/verify/", headers=headers_for(user), json={"verification_code": first})
        assert response.get_json() == {"error": "Verification code is incorrect"}
    response = client.post("/api/auth/verify/", headers=headers_for(user), json={"verification_code": second})
    assert response.get_json() == {"status": True}
    # Verified users always get this answer, cooldown or not, and no email.
    sent = len(mail_config.messages)
    for _ in range(2):
        response = client.post("/api/auth/resend-verification-email/", headers=headers_for(user))
        assert response.get_json() == {"status": "User is already verified"}
    assert len(mail_config.messages) == sent


def test_resend_cooldown_in_users_language(client, mail_config, headers_for):
    user = UserFactory(verified=False, preferred_language="es")
    client.post("/api/auth/resend-verification-email/", headers=headers_for(user))
    response = client.post("/api/auth/resend-verification-email/", headers=headers_for(user))
    assert response.get_json() == {"error": "Puedes reenviar el correo de verificación en 60 segundos"}


def test_verify_rules(client, headers_for, app):
    user = UserFactory(verified=False)
    with app.test_request_context():
        code = codes.issue(user, codes.VERIFICATION)
    db.session.commit()
    headers = headers_for(user)
    assert client.post("/api/auth/verify/", headers=headers, json={}).get_json() == {"error": "Missing required fields"}
    response = client.post("/api/auth/verify/", headers=headers, data="[]", content_type="application/json")
    assert response.get_json() == {"error": "Invalid JSON body"}
    for wrong in (None, "", True, [code], float(code)):
        response = client.post("/api/auth/verify/", headers=headers, json={"verification_code": wrong})
        assert response.status_code == 400
        assert response.get_json() == {"error": "Verification code is incorrect"}
    # Five wrong submissions (each counted) killed the code; even the right one fails now.
    assert db.session.scalar(select(OneTimeCode.attempts)) == 5
    assert client.post("/api/auth/verify/", headers=headers, json={"verification_code": code}).status_code == 400


def test_verify_accepts_a_json_number(client, headers_for, app):
    user = UserFactory(verified=False)
    with app.app_context():
        code = codes.issue(user, codes.VERIFICATION)
        db.session.commit()
    while code.startswith("0"):  # a number cannot carry leading zeros
        code = codes.issue(user, codes.VERIFICATION)
        db.session.commit()
    response = client.post("/api/auth/verify/", headers=headers_for(user), json={"verification_code": int(code)})
    assert response.get_json() == {"status": True}


def test_already_verified_user_passes_whatever_the_body(client, headers_for):
    user = UserFactory(verified=True)
    response = client.post("/api/auth/verify/", headers=headers_for(user), data="garbage")
    assert response.status_code == 200
    assert response.get_json() == {"status": True}


def test_verify_needs_a_token(client):
    response = client.post("/api/auth/verify/", json={"verification_code": "123456"})
    assert response.status_code == 401
    assert response.get_json() == {"error": "You need to be authenticated"}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_twenty_failures_in_a_day_lock_even_fresh_codes(client, headers_for, clock):
    user = UserFactory(verified=False)
    headers = headers_for(user)
    for round_ in range(4):
        code = codes.issue(user, codes.VERIFICATION)
        db.session.commit()
        for _ in range(5):
            client.post("/api/auth/verify/", headers=headers, json={"verification_code": other_than(code)})
        clock.advance(minutes=1)
        assert round_ < 3 or db.session.scalar(select(CodeFailure.id).limit(1)) is not None
    code = codes.issue(user, codes.VERIFICATION)
    db.session.commit()
    response = client.post("/api/auth/verify/", headers=headers, json={"verification_code": code})
    assert response.get_json() == {"error": "Verification code is incorrect"}
    # 24 hours after the first failure the lock is over.
    clock.advance(hours=24)
    code = codes.issue(user, codes.VERIFICATION)
    db.session.commit()
    headers = headers_for(user)
    assert client.post("/api/auth/verify/", headers=headers, json={"verification_code": code}).get_json() == {"status": True}


def test_codes_with_lone_surrogates_or_nul_are_wrong_codes(client, headers_for, mail_config):
    user = UserFactory(username="fay", email="fay@example.com", verified=False)
    codes.issue(user, codes.VERIFICATION)
    db.session.commit()
    headers = headers_for(user)
    for raw in (b'{"verification_code": "\\ud800"}', b'{"verification_code": "12\\u00003"}'):
        response = client.post("/api/auth/verify/", headers=headers, data=raw, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json() == {"error": "Verification code is incorrect"}
    assert db.session.scalar(select(OneTimeCode.attempts).where(OneTimeCode.purpose == codes.VERIFICATION)) == 2
    client.get("/api/auth/forgot-password/?email=fay@example.com")
    body = b'{"email": "fay@example.com", "new_password": "brand-new-secret-words", "forgot_password_code": "\\udfff1"}'
    response = client.post("/api/auth/forgot-password/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": "Invalid verification code"}
    assert db.session.scalar(select(OneTimeCode.attempts).where(OneTimeCode.purpose == codes.RESET)) == 1
