"""Signup and verification over HTTP, with a real SMTP server on loopback catching the emails."""

from __future__ import annotations

import io

import jwt
import pytest
from PIL import Image
from sqlalchemy import select

from moviesx.extensions import db
from moviesx.models import OneTimeCode, User
from tests.factories import UserFactory
from tests.support.smtp import code_in, html_of, mail_config, smtp_server, text_of  # noqa: F401 - fixtures

PASSWORD = "a-very-long-passphrase-42"


def signup_body(**overrides) -> dict:
    body = {
        "username": "alice_w",
        "email": "alice@example.com",
        "first_name": "Alice",
        "last_name": "Wonder",
        "password": PASSWORD,
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not ...}


def png_bytes(size=(4, 4), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, fmt)
    return buffer.getvalue()


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_whole_journey_signup_email_verify_login_refresh_onboarding(client, mail_config):
    smtp = mail_config
    response = client.post("/api/auth/signup/", json=signup_body(bio="Hi"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert list(body) == ["id", "username", "bio", "friendship", "picture", "access", "refresh"]
    assert body["username"] == "alice_w"
    assert body["bio"] == "Hi"
    assert body["friendship"] is None
    assert body["picture"] == "http://localhost/media/users/default.png"
    assert claims(body["access"])["verified"] is False

    message = smtp.mailbox.last_to("alice@example.com")
    assert message["Subject"] == "Verification of MoviesX account for alice_w"
    assert message.get_content_type() == "multipart/alternative"
    code = code_in(message)
    assert text_of(message).splitlines() == [
        "Hello alice_w,",
        f"Your MoviesX verification code is: {code}",
        f"You can also open http://localhost:5173/verify-email?code={code}",
        "The code expires in 15 minutes. If you did not create a MoviesX account, ignore this email.",
    ]
    html = html_of(message)
    assert code in html and f'href="http://localhost:5173/verify-email?code={code}"' in html

    # The account is unverified: A+V endpoints refuse it, A endpoints accept it.
    assert client.post("/api/users/onboarding/", headers=bearer(body["access"])).get_json() == {
        "error": "User account is not verified"
    }
    response = client.post("/api/auth/verify/", headers=bearer(body["access"]), json={"verification_code": code})
    assert response.status_code == 200
    assert response.get_json() == {"status": True}

    login = client.post("/api/auth/login/", data={"username": "ALICE_W", "password": PASSWORD})
    assert login.status_code == 200
    pair = login.get_json()
    access = client.post("/api/auth/refresh/", json={"refresh": pair["refresh"]}).get_json()["access"]
    assert claims(access)["verified"] is True
    assert claims(access)["boarded"] is False

    response = client.post("/api/users/onboarding/", headers=bearer(access))
    assert response.status_code == 200
    assert response.get_json() == {"status": True}
    access = client.post("/api/auth/refresh/", json={"refresh": pair["refresh"]}).get_json()["access"]
    assert claims(access)["boarded"] is True
    assert claims(access)["preferred_language"] == "en"
    # The code was consumed, only its HMAC was ever stored.
    assert db.session.scalars(select(OneTimeCode)).all() == []


def test_journey_in_spanish(client, mail_config):
    smtp = mail_config
    response = client.post("/api/auth/signup/?lang=es", data=signup_body(username="pepe", email="pepe@example.com"))
    assert response.status_code == 200
    access = response.get_json()["access"]
    assert claims(access)["preferred_language"] == "es"
    message = smtp.mailbox.last_to("pepe@example.com")
    assert message["Subject"] == "Verificación de la cuenta de MoviesX de pepe"
    code = code_in(message)
    assert text_of(message).splitlines()[:2] == ["Hola pepe,", f"Tu código de verificación de MoviesX es: {code}"]

    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/api/auth/verify/", headers=bearer(access), json={"verification_code": wrong})
    assert response.status_code == 400
    assert response.get_json() == {"error": "El código de verificación es incorrecto"}
    response = client.post("/api/auth/verify/", headers=bearer(access), json={"verification_code": code})
    assert response.get_json() == {"status": True}
    refresh = response and client.post("/api/auth/login/", json={"username": "pepe", "password": PASSWORD}).get_json()
    access = client.post("/api/auth/refresh/", json={"refresh": refresh["refresh"]}).get_json()["access"]
    assert claims(access)["verified"] is True
    assert client.post("/api/users/onboarding/", headers=bearer(access)).get_json() == {"status": True}
    access = client.post("/api/auth/refresh/", json={"refresh": refresh["refresh"]}).get_json()["access"]
    assert claims(access)["boarded"] is True
