"""GET/PUT /api/users/, preferred language and onboarding (API.md 4 SelfUser, 5.1)."""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image
from sqlalchemy import select

from moviesx.extensions import db
from moviesx.models import OneTimeCode, User
from tests.factories import DEFAULT_PASSWORD, PersonFactory, PlatformFactory, UserFactory
from tests.support import smtp as smtp_support
from tests.support.smtp import code_in, text_of

mail_config = smtp_support.mail_config
smtp_server = smtp_support.smtp_server
NEW_PASSWORD = "fresh-and-long-passphrase"
INVALID_USERNAME = "Enter a valid username. This value may contain only letters, numbers, and underscores."


def png_bytes(color=(0, 200, 0)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3), color).save(buffer, "PNG")
    return buffer.getvalue()


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_get_self_user(as_user):
    platform = PlatformFactory(slug="netflix", name="Netflix", url="https://netflix.com", image="platforms/n.png")
    person = PersonFactory(slug="agnes-varda")
    user = UserFactory(username="me", email="me@example.com", first_name="Me", last_name="Myself", bio=None)
    user.platforms = [platform]
    user.following_persons = [person]
    db.session.commit()
    response = as_user(user).get("/api/users/")
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == [
        "id",
        "username",
        "bio",
        "email",
        "last_name",
        "first_name",
        "picture",
        "platforms",
        "following_persons",
        "verified",
        "boarded",
        "preferred_language",
        "is_staff",
    ]
    assert body == {
        "id": user.id,
        "username": "me",
        "bio": None,
        "email": "me@example.com",
        "last_name": "Myself",
        "first_name": "Me",
        "picture": "http://localhost/media/users/default.png",
        "platforms": [
            {
                "id": platform.id,
                "name": "Netflix",
                "slug": "netflix",
                "url": "https://netflix.com",
                "image": "http://localhost/media/platforms/n.png",
            }
        ],
        "following_persons": ["http://localhost/api/persons/agnes-varda/"],
        "verified": True,
        "boarded": True,
        "preferred_language": "en",
        "is_staff": False,
    }
    assert as_user(user).get("/api/users").status_code == 200


def test_profile_needs_a_token_but_not_verification(client, as_user):
    assert client.get("/api/users/").get_json() == {"error": "You need to be authenticated"}
    assert as_user(UserFactory(verified=False)).put("/api/users/", json={"bio": "new"}).status_code == 200


def test_partial_update_ignores_absent_null_and_empty(as_user):
    user = UserFactory(first_name="Old", last_name="Name", bio="Old bio")
    response = as_user(user).put("/api/users/", json={"first_name": "New", "last_name": None, "bio": "", "unknown": 1})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["first_name"], body["last_name"], body["bio"]) == ("New", "Name", "Old bio")
    response = as_user(user).put("/api/users/", data={"bio": "", "last_name": "Form"})
    assert (response.get_json()["bio"], response.get_json()["last_name"]) == ("Old bio", "Form")
    assert as_user(user).put("/api/users/", data="").status_code == 200


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"username": "friends"}, {"username": ["This username is reserved."]}),
        ({"username": "has space"}, {"username": [INVALID_USERNAME]}),
        ({"first_name": "   "}, {"first_name": ["This field cannot be blank."]}),
        ({"first_name": 7}, {"first_name": ["Not a valid string."]}),
        ({"bio": "x" * 1001}, {"bio": ["Ensure this value has at most 1000 characters (it has 1001)."]}),
        ({"email": "nope"}, {"email": ["Enter a valid email address."]}),
        ({"password": False}, {"password": ["Not a valid string."]}),
        ({"platforms": "netflix"}, {"platforms": ["Expected a list of items."]}),
        ({"platforms": [1]}, {"platforms": ["Not a valid string."]}),
        ({"platforms": ["missing"]}, {"platforms": ["Object with slug 'missing' does not exist."]}),
        ({"following_persons": ["nobody"]}, {"following_persons": ["Object with slug 'nobody' does not exist."]}),
    ],
)
def test_profile_field_errors_change_nothing(as_user, body, expected):
    user = UserFactory(username="steady", first_name="Same")
    response = as_user(user).put("/api/users/", json={**body, "last_name": "Changed?"})
    assert response.status_code == 400
    assert response.get_json() == expected
    user = reload(user)
    assert (user.username, user.first_name, user.last_name) == ("steady", "Same", user.last_name)
    assert user.last_name != "Changed?"


def test_every_failing_field_then_password_rules(as_user):
    UserFactory(username="other", email="other@example.com")
    user = UserFactory(username="mine", email="mine@example.com")
    response = as_user(user).put(
        "/api/users/", json={"username": "OTHER", "email": "Other@Example.com", "password": "short", "platforms": ["x"]}
    )
    assert response.get_json() == {
        "username": ["A user with that username already exists."],
        "email": ["User with this Email already exists."],
        "platforms": ["Object with slug 'x' does not exist."],
    }
    # Similarity is checked against the resulting username.
    response = as_user(user).put("/api/users/", json={"username": "cinephile_fan", "password": "cinephile_fan1"})
    assert response.get_json() == {"error": ["The password is too similar to the username."]}
    assert reload(user).username == "mine"
    # Changing only the case of one's own username is allowed.
    assert as_user(user).put("/api/users/", json={"username": "Mine"}).get_json()["username"] == "Mine"


def test_platforms_and_persons_replace_the_sets(as_user, client):
    a, b = PlatformFactory(slug="a-tv"), PlatformFactory(slug="b-tv")
    p = PersonFactory(slug="person-one")
    user = UserFactory()
    body = as_user(user).put("/api/users/", json={"platforms": ["b-tv", "a-tv", "b-tv"], "following_persons": ["person-one"]})
    assert [item["slug"] for item in body.get_json()["platforms"]] == ["a-tv", "b-tv"]
    assert body.get_json()["following_persons"] == ["http://localhost/api/persons/person-one/"]
    response = as_user(user).put(
        "/api/users/", data={"platforms": json.dumps(["a-tv"]), "following_persons": "[]"}, content_type="multipart/form-data"
    )
    assert [item["id"] for item in response.get_json()["platforms"]] == [a.id]
    assert response.get_json()["following_persons"] == []
    assert as_user(user).put("/api/users/", json={"platforms": []}).get_json()["platforms"] == []
    assert b.id and p.id
    # A soft-deleted person is unknown.
    p.delete()
    db.session.commit()
    response = as_user(user).put("/api/users/", json={"following_persons": ["person-one"]})
    assert response.get_json() == {"following_persons": ["Object with slug 'person-one' does not exist."]}
    response = as_user(user).put("/api/users/", data={"platforms": "not json"}, content_type="multipart/form-data")
    assert response.get_json() == {"platforms": ["Expected a list of items."]}


def test_email_change_resets_verification_and_notifies_the_previous_address(as_user, mail_config, headers_for, client):
    user = UserFactory(username="mover", email="old@example.com", preferred_language="fr")
    response = as_user(user).put("/api/users/", json={"email": "New@Example.com"})
    assert response.status_code == 200
    assert (response.get_json()["email"], response.get_json()["verified"]) == ("New@Example.com", False)
    verification = mail_config.mailbox.last_to("New@Example.com")
    assert verification["Subject"] == "Vérification du compte MoviesX de mover"
    notice = mail_config.mailbox.last_to("old@example.com")
    assert notice["Subject"] == "Votre compte MoviesX a été modifié"
    assert "adresse e-mail" in text_of(notice)
    assert re.search(r"\b\d{6}\b", text_of(notice)) is None  # no code in a notice
    # A verified-only endpoint now refuses, and the new code verifies the new address.
    headers = headers_for(reload(user))
    assert client.post("/api/users/onboarding/", headers=headers).status_code == 401
    code = code_in(verification)
    assert client.post("/api/auth/verify/", headers=headers, json={"verification_code": code}).get_json() == {"status": True}


def test_email_case_change_is_not_a_change(as_user, mail_config):
    user = UserFactory(email="case@example.com")
    response = as_user(user).put("/api/users/", json={"email": "CASE@example.com"})
    assert (response.get_json()["email"], response.get_json()["verified"]) == ("CASE@example.com", True)
    assert mail_config.messages == []
    assert db.session.scalars(select(OneTimeCode)).all() == []


def test_password_change_revokes_tokens_and_sends_a_notice(as_user, client, clock, mail_config, headers_for):
    user = UserFactory(username="pw_user", email="pw@example.com")
    old_refresh = client.post("/api/auth/login/", json={"username": "pw_user", "password": DEFAULT_PASSWORD}).get_json()
    old_headers = headers_for(user)
    clock.advance(seconds=1)
    response = client.put("/api/users/", headers=old_headers, json={"password": NEW_PASSWORD, "email": "pw2@example.com"})
    assert response.status_code == 200
    notice = mail_config.mailbox.last_to("pw@example.com")
    assert notice["Subject"] == "Your MoviesX account was changed"
    assert "This was changed on your MoviesX account on " in text_of(notice)
    assert text_of(notice).splitlines()[1].endswith(": email address and password.")
    assert client.post("/api/auth/refresh/", json={"refresh": old_refresh["refresh"]}).status_code == 401
    clock.advance(seconds=1)
    assert client.get("/api/users/", headers=old_headers).status_code == 401
    login = client.post("/api/auth/login/", json={"username": "pw_user", "password": NEW_PASSWORD})
    assert login.status_code == 200


def test_picture_upload_replaces_the_old_file(as_user, app, client):
    user = UserFactory(username="pic")
    first = as_user(user).put(
        "/api/users/", data={"picture": (io.BytesIO(png_bytes()), "a.png")}, content_type="multipart/form-data"
    )
    assert first.status_code == 200
    url = first.get_json()["picture"]
    assert "/media/users/user_pic_profile_" in url
    path = url.split("/media/", 1)[1]
    response = as_user(user).put(
        "/api/users/", data={"picture": (io.BytesIO(png_bytes((1, 1, 1))), "b.png")}, content_type="multipart/form-data"
    )
    second = response.get_json()["picture"].split("/media/", 1)[1]
    assert second != path
    assert client.get(f"/media/{path}").status_code == 404
    assert client.get(f"/media/{second}").status_code == 200
    bad = as_user(user).put(
        "/api/users/", data={"picture": (io.BytesIO(b"text"), "c.png"), "bio": "x"}, content_type="multipart/form-data"
    )
    assert bad.get_json() == {
        "picture": ["Upload a valid image. The file you uploaded was either not an image or a corrupted image."]
    }
    assert reload(user).bio is None


def test_preferred_language(as_user, client):
    user = UserFactory()
    assert as_user(user).get("/api/users/preferred-language/").get_json() == {"preferred_language": "en"}
    response = as_user(user).post("/api/users/preferred-language/", json={"preferred_language": "de"})
    assert response.get_json() == {"status": True}
    assert as_user(user).get("/api/users/preferred-language").get_json() == {"preferred_language": "de"}
    for bad in ("EN", "pt", None, 1, ["es"], ""):
        response = as_user(user).post("/api/users/preferred-language/", json={"preferred_language": bad})
        assert response.status_code == 400
        assert response.get_json() == {"error": "Ungültiger Sprachcode"}
    as_user(user).post("/api/users/preferred-language/", json={"preferred_language": "en"})
    assert as_user(user).post("/api/users/preferred-language/", json={}).get_json() == {"error": "Missing required fields"}
    assert as_user(user).post("/api/users/preferred-language/", data="{").get_json() == {"error": "Invalid JSON body"}
    assert client.post("/api/users/preferred-language/", json={"preferred_language": "es"}).status_code == 401


def test_onboarding(as_user, client):
    user = UserFactory(boarded=False)
    for _ in range(2):
        response = as_user(user).post("/api/users/onboarding/")
        assert response.status_code == 200
        assert response.get_json() == {"status": True}
    assert reload(user).boarded is True
    response = as_user(user).get("/api/users/onboarding/")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    unverified = UserFactory(verified=False, boarded=False)
    response = as_user(unverified).post("/api/users/onboarding/")
    assert response.status_code == 401
    assert response.get_json() == {"error": "User account is not verified"}


def test_put_body_shapes(as_user):
    user = UserFactory(first_name="Kept")
    for raw in (b"[1]", b"{broken", b'"x"'):
        response = as_user(user).put("/api/users/", data=raw, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json() == {"error": "Invalid JSON body"}
    response = as_user(user).put("/api/users/", data=b'{"first_name": "Plain"}', content_type="text/plain")
    assert response.get_json()["first_name"] == "Plain"
    response = as_user(user).put("/api/users/", data={"first_name": "Formed"})
    assert response.get_json()["first_name"] == "Formed"


def test_a_whitespace_bio_follows_the_signup_rules(as_user):
    """Only absent, null and "" are ignored; any other value is validated like at signup (blank bios allowed)."""
    user = UserFactory(bio="Old bio")
    response = as_user(user).put("/api/users/", json={"bio": "   "})
    assert response.status_code == 200
    assert response.get_json()["bio"] == "   "
    too_long = as_user(user).put("/api/users/", json={"bio": "x" * 1001})
    assert too_long.get_json() == {"bio": ["Ensure this value has at most 1000 characters (it has 1001)."]}
