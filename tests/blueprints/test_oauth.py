"""Google login against a local stub of the token and userinfo endpoints (API.md 7.7)."""

from __future__ import annotations

import io

import jwt
from PIL import Image
from sqlalchemy import func, select

from moviesx.extensions import db
from moviesx.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.support import google_stub as stub
from tests.support.google_stub import CLIENT_ID, CLIENT_SECRET, closed_port_url, jpeg_bytes

google_stub = stub.google_stub
https_images = stub.https_images
INVALID = {"error": "Invalid Google authorization code"}


def profile(sub="1001", email="new.person@gmail.com", **extra) -> dict:
    return {"sub": sub, "email": email, "email_verified": True, **extra}


def google(client, code="good-code", query=""):
    return client.post(f"/api/oauth/google/{query}", json={"code": code})


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_new_user_is_created_verified_with_google_names(client, google_stub, app):
    google_stub.profiles["good-code"] = profile(given_name="Nina", family_name="Perez", picture="http://example.com/a.jpg")
    response = google(client, query="?lang=de")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"access", "refresh"}
    token = claims(body["access"])
    assert (token["username"], token["verified"], token["boarded"], token["preferred_language"]) == (
        "newperson",
        True,
        False,
        "de",
    )
    user = db.session.scalar(select(User))
    assert (user.first_name, user.last_name, user.google_sub, user.password_hash) == ("Nina", "Perez", "1001", None)
    # An http picture URL is refused: the default picture stays.
    assert user.picture is None
    # The token request was a form POST with every parameter of the contract.
    request = google_stub.token_requests[0]
    assert request["content_type"][0].startswith("application/x-www-form-urlencoded")
    assert request["code"] == ["good-code"]
    assert request["client_id"] == [CLIENT_ID]
    assert request["client_secret"] == [CLIENT_SECRET]
    assert request["grant_type"] == ["authorization_code"]
    assert request["redirect_uri"] == ["http://localhost:5173/accounts/google/login/callback/"]
    assert google_stub.userinfo_headers == ["Bearer token-good-code"]
    # A second login finds the same account by sub; no password login is possible.
    assert google(client).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert client.post("/api/auth/login/", json={"username": "newperson", "password": "any-password"}).status_code == 401


def test_username_rules_for_new_users(client, google_stub):
    UserFactory(username="newperson")
    UserFactory(username="NewPerson_2")
    google_stub.profiles["a"] = profile(sub="1", email="new.person@gmail.com")
    google_stub.profiles["b"] = profile(sub="2", email="+.-@gmail.com")
    google_stub.profiles["c"] = profile(sub="3", email="Friends@gmail.com")
    google_stub.profiles["d"] = profile(sub="4", email=("x" * 40) + "@gmail.com", email_verified="true")
    names = [claims(google(client, code).get_json()["access"])["username"] for code in "abcd"]
    assert names == ["newperson_3", "user", "Friends_2", "x" * 30]


def test_linking_an_unverified_account_removes_its_password_and_tokens(client, google_stub, clock, headers_for):
    user = UserFactory(username="owner", email="Owner@Gmail.com", verified=False)
    old_headers = headers_for(user)
    assert client.get("/api/users/", headers=old_headers).status_code == 200
    clock.advance(seconds=1)
    google_stub.profiles["good-code"] = profile(sub="777", email="owner@gmail.com")
    response = google(client)
    assert response.status_code == 200
    assert claims(response.get_json()["access"])["user_id"] == user.id
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.google_sub, user.verified, user.password_hash) == ("777", True, None)
    refused = client.get("/api/users/", headers=old_headers)
    assert refused.status_code == 401
    assert refused.get_json()["messages"][0]["message"] == "Token is invalid"
    assert client.get("/api/users/", headers={"Authorization": f"Bearer {response.get_json()['access']}"}).status_code == 200
    assert client.post("/api/auth/login/", json={"username": "owner", "password": DEFAULT_PASSWORD}).status_code == 401


def test_linking_a_verified_account_keeps_its_password(client, google_stub):
    UserFactory(username="keeper", email="keeper@gmail.com", verified=True)
    google_stub.profiles["good-code"] = profile(sub="55", email="KEEPER@gmail.com")
    assert google(client).status_code == 200
    assert client.post("/api/auth/login/", json={"username": "keeper", "password": DEFAULT_PASSWORD}).status_code == 200


def test_inactive_linked_user(client, google_stub):
    UserFactory(email="sleepy@gmail.com", google_sub="9", is_active=False)
    google_stub.profiles["good-code"] = profile(sub="9", email="sleepy@gmail.com")
    response = google(client)
    assert response.status_code == 401
    assert response.get_json() == {"detail": "No active account found with the given credentials"}


def test_bad_code_and_bad_userinfo_are_the_same_400(client, google_stub):
    response = google(client, "unknown-code")
    assert response.status_code == 400
    assert response.get_json() == INVALID
    for bad in (
        profile(email_verified=False),
        profile(email_verified="yes"),
        {"sub": "1", "email_verified": True},
        profile(sub=""),
        profile(email="not-an-email"),
        ["not", "an", "object"],
    ):
        google_stub.profiles["good-code"] = bad
        assert google(client).get_json() == INVALID
    google_stub.profiles["good-code"] = profile()
    google_stub.userinfo_status = 500
    assert google(client).get_json() == INVALID
    google_stub.userinfo_status = 200
    google_stub.token_answer = {"token_type": "Bearer"}
    assert google(client).get_json() == INVALID
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_provider_down(client, google_stub, app):
    google_stub.profiles["good-code"] = profile()
    app.config["GOOGLE_TOKEN_URL"] = closed_port_url("/token")
    assert google(client).get_json() == INVALID
    app.config["GOOGLE_TOKEN_URL"] = app.config["GOOGLE_USERINFO_URL"].replace("/userinfo", "/token")
    app.config["GOOGLE_USERINFO_URL"] = closed_port_url("/userinfo")
    response = google(client)
    assert response.status_code == 400
    assert response.get_json() == INVALID
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_slow_provider_times_out(client, google_stub, monkeypatch):
    """The exchange is bounded by its timeout (10 s in production, shortened here to keep the test fast)."""
    import time

    from moviesx.services.accounts import google as google_service

    monkeypatch.setattr(google_service, "PROVIDER_TIMEOUT", 0.2)
    google_stub.profiles["good-code"] = profile()
    google_stub.delay = 1.0
    started = time.monotonic()
    response = google(client)
    assert response.get_json() == INVALID
    assert time.monotonic() - started < 1.0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_not_configured_is_503_before_the_body(client, app):
    app.config.update(GOOGLE_CLIENT_ID=None, GOOGLE_CLIENT_SECRET="x")
    response = client.post("/api/oauth/google/", data="not json")
    assert response.status_code == 503
    assert response.get_json() == {"error": "Google login is not configured"}


def test_body_errors(client, google_stub):
    for body in ({}, {"code": ""}, {"code": "   "}):
        response = client.post("/api/oauth/google/", json=body)
        assert response.status_code == 400
        assert response.get_json() == {"error": "Missing required fields"}
    assert client.post("/api/oauth/google/", data="[]").get_json() == {"error": "Invalid JSON body"}
    assert client.post("/api/oauth/google/", json={"code": None}).get_json() == {"code": ["This field cannot be null."]}
    assert client.post("/api/oauth/google/", json={"code": 5}).get_json() == {"code": ["Not a valid string."]}
    assert google_stub.token_requests == []


def test_picture_downloaded_over_trusted_https_is_stored_as_jpeg(client, google_stub, https_images, app):
    images, base = https_images
    buffer = io.BytesIO()
    Image.new("RGBA", (6, 6), (1, 2, 3, 128)).save(buffer, "PNG")
    images["/face.png"] = buffer.getvalue()
    google_stub.profiles["good-code"] = profile(picture=f"{base}/face.png")
    response = google(client)
    assert response.status_code == 200
    user = db.session.scalar(select(User))
    assert user.picture.startswith("users/profile_newperson_OAUTH_") and user.picture.endswith(".jpg")
    served = client.get(f"/media/{user.picture}")
    assert served.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(served.data)).format == "JPEG"


def test_picture_that_is_not_an_image_keeps_the_default(client, google_stub, https_images):
    images, base = https_images
    images["/face.jpg"] = b"<html>not an image</html>"
    google_stub.profiles["good-code"] = profile(picture=f"{base}/face.jpg")
    google_stub.profiles["other"] = profile(sub="2", email="two@gmail.com", picture=f"{base}/missing.jpg")
    assert google(client).status_code == 200
    assert google(client, "other").status_code == 200
    assert db.session.scalars(select(User.picture)).all() == [None, None]
    images["/ok.jpg"] = jpeg_bytes()
    google_stub.profiles["third"] = profile(sub="3", email="three@gmail.com", picture=f"{base}/ok.jpg")
    assert google(client, "third").status_code == 200
    assert db.session.scalar(select(User.picture).where(User.google_sub == "3")).endswith(".jpg")
