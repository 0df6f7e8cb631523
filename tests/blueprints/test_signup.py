"""Signup and verification over HTTP, with a real SMTP server on loopback catching the emails."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import jwt
import pytest
from PIL import Image
from sqlalchemy import func, select

from moviesx.extensions import db
from moviesx.models import OneTimeCode, User
from tests.factories import UserFactory
from tests.support import smtp as smtp_support
from tests.support.smtp import code_in, html_of, text_of

mail_config = smtp_support.mail_config
smtp_server = smtp_support.smtp_server
PASSWORD = "a-very-long-passphrase-42"
INVALID_USERNAME = "Enter a valid username. This value may contain only letters, numbers, and underscores."


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


def test_signup_reports_every_failing_field_at_once(client):
    UserFactory(username="taken", email="Taken@Example.com")
    response = client.post(
        "/api/auth/signup/",
        json={
            "username": "TAKEN",
            "email": "TAKEN@example.COM",
            "last_name": "x" * 151,
            "password": "123",
            "confirm_password": "1234",
            "bio": "b" * 1001,
        },
    )
    assert response.status_code == 400
    assert response.get_json() == {
        "username": ["A user with that username already exists."],
        "email": ["User with this Email already exists."],
        "first_name": ["This field is required."],
        "last_name": ["Ensure this value has at most 150 characters (it has 151)."],
        "confirm_password": ["Passwords do not match."],
        "bio": ["Ensure this value has at most 1000 characters (it has 1001)."],
    }
    assert db.session.scalar(select(User).where(User.username == "TAKEN")) is None


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"username": "bad name!"}, {"username": [INVALID_USERNAME]}),
        ({"username": "bob\n"}, {"username": [INVALID_USERNAME]}),
        ({"username": "Onboarding"}, {"username": ["This username is reserved."]}),
        ({"username": "friends"}, {"username": ["This username is reserved."]}),
        ({"username": "u" * 151}, {"username": ["Ensure this value has at most 150 characters (it has 151)."]}),
        ({"username": "   "}, {"username": ["This field cannot be blank."]}),
        ({"username": 42}, {"username": ["Not a valid string."]}),
        ({"username": ["a"]}, {"username": ["Not a valid string."]}),
        ({"username": "nul\u0000byte"}, {"username": ["Not a valid string."]}),
        ({"email": "not-an-email"}, {"email": ["Enter a valid email address."]}),
        ({"email": "a@b"}, {"email": ["Enter a valid email address."]}),
        ({"email": "x" * 250 + "@example.com"}, {"email": ["Ensure this value has at most 254 characters (it has 262)."]}),
        ({"email": True}, {"email": ["Not a valid string."]}),
        ({"first_name": ""}, {"first_name": ["This field cannot be blank."]}),
        ({"first_name": None}, {"first_name": ["This field is required."]}),
        ({"password": ...}, {"password": ["This field is required."]}),
        ({"password": 12345678901}, {"password": ["Not a valid string."]}),
        ({"bio": {"a": 1}}, {"bio": ["Not a valid string."]}),
    ],
)
def test_signup_field_messages(client, overrides, expected):
    response = client.post("/api/auth/signup/", json=signup_body(**overrides))
    assert response.status_code == 400
    assert response.get_json() == expected
    assert db.session.scalar(select(User.id)) is None


def test_signup_form_missing_fields_and_null_counts_as_absent(client):
    response = client.post("/api/auth/signup/", data={})
    assert response.status_code == 400
    assert response.get_json() == {
        name: ["This field is required."] for name in ("username", "email", "first_name", "last_name", "password")
    }
    response = client.post("/api/auth/signup/", json={"username": None})
    assert response.get_json()["username"] == ["This field is required."]


@pytest.mark.parametrize("raw", [b"[1, 2]", b"{not json", b'"text"'])
def test_signup_json_that_is_not_an_object(client, raw):
    response = client.post("/api/auth/signup/", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": "Invalid JSON body"}


def test_password_rules_only_when_fields_are_valid(client):
    response = client.post("/api/auth/signup/", json=signup_body(password="123456789"))
    assert response.status_code == 400
    assert response.get_json() == {
        "error": [
            "This password is too short. It must contain at least 10 characters.",
            "This password is too common.",
            "This password is entirely numeric.",
        ]
    }
    response = client.post("/api/auth/signup/", json=signup_body(password="alice_w_1", email="bad"))
    assert response.get_json() == {"email": ["Enter a valid email address."]}
    response = client.post("/api/auth/signup/", json=signup_body(password="alice_w_12"))
    assert response.get_json() == {"error": ["The password is too similar to the username."]}
    response = client.post("/api/auth/signup/?lang=es", json=signup_body(password="short"))
    assert response.get_json() == {"error": ["Esta contraseña es demasiado corta. Debe contener al menos 10 caracteres."]}


def test_signup_with_matching_confirm_password_and_unknown_lang(client):
    response = client.post("/api/auth/signup/?lang=xx", json=signup_body(confirm_password=PASSWORD))
    assert response.status_code == 200
    user = db.session.scalar(select(User))
    assert (user.preferred_language, user.verified, user.boarded) == ("en", False, False)
    assert user.password_hash and PASSWORD not in user.password_hash


def test_signup_multipart_with_picture(client, app):
    data = signup_body()
    data["picture"] = (io.BytesIO(png_bytes()), "photo.gif", "image/gif")
    response = client.post("/api/auth/signup/?lang=fr", data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    picture = response.get_json()["picture"]
    assert picture.startswith("http://localhost/media/users/user_alice_w_profile_") and picture.endswith(".png")
    served = client.get(picture.replace("http://localhost", ""))
    assert served.status_code == 200 and served.data == png_bytes()
    assert db.session.scalar(select(User.preferred_language)) == "fr"


def test_signup_refuses_non_images_and_big_images(client, app):
    data = signup_body()
    data["picture"] = (io.BytesIO(b"GIF89a this is not really an image"), "photo.png")
    response = client.post("/api/auth/signup/", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.get_json() == {
        "picture": ["Upload a valid image. The file you uploaded was either not an image or a corrupted image."]
    }
    data = signup_body(username="...")
    data["picture"] = (io.BytesIO(b"\x89PNG" + b"0" * (5 * 1024 * 1024)), "big.png")
    response = client.post("/api/auth/signup/", data=data, content_type="multipart/form-data")
    assert response.get_json() == {
        "username": [INVALID_USERNAME],
        "picture": ["The image must not exceed 5 MB."],
    }
    assert db.session.scalar(select(User.id)) is None


def test_signup_empty_file_part_means_no_picture(client):
    data = signup_body()
    data["picture"] = (io.BytesIO(b""), "")
    response = client.post("/api/auth/signup/", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert response.get_json()["picture"].endswith("/media/users/default.png")


def test_duplicate_email_ignores_case_and_username_ignores_case(client):
    assert client.post("/api/auth/signup/", json=signup_body()).status_code == 200
    response = client.post("/api/auth/signup/", json=signup_body(username="Alice_W", email="ALICE@example.com"))
    assert response.get_json() == {
        "username": ["A user with that username already exists."],
        "email": ["User with this Email already exists."],
    }


def test_huge_multipart_text_field_is_accepted_up_to_the_body_cap(client):
    data = signup_body(bio="b" * (3 * 1024 * 1024))
    response = client.post("/api/auth/signup/", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.get_json() == {"bio": [f"Ensure this value has at most 1000 characters (it has {3 * 1024 * 1024})."]}


def test_login_works_for_unverified_users_and_signup_time_tokens_stay_valid(client):
    body = client.post("/api/auth/signup/", json=signup_body()).get_json()
    me = client.get("/api/users/", headers=bearer(body["access"]))
    assert me.status_code == 200
    assert me.get_json()["verified"] is False
    response = client.post("/api/auth/login/", json={"username": "alice_w", "password": PASSWORD})
    assert response.status_code == 200


def test_concurrent_identical_signups_create_one_user(app):
    """The unique indexes decide; the losers get the same 400 as a later request, never a 500."""
    barrier = threading.Barrier(4)

    def attempt(_):
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/auth/signup/", json=signup_body())
        return response.status_code, response.get_json()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(attempt, range(4)))
    assert sorted(status for status, _ in results) == [200, 400, 400, 400]
    for status, body in results:
        if status == 400:
            assert body == {
                "username": ["A user with that username already exists."],
                "email": ["User with this Email already exists."],
            }
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
