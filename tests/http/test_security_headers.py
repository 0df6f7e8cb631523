"""Security headers (hardening item 16): nosniff everywhere, no-store on every answer that may carry a token."""

from __future__ import annotations

from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.support import google_stub as stub

google_stub = stub.google_stub


def test_every_answer_says_nosniff(client, as_user):
    user = UserFactory()
    responses = [
        client.get("/"),
        client.get("/healthz"),
        client.get("/api/nope/"),
        client.get("/api/docs/"),
        client.get("/api/docs/assets/swagger-ui.css"),
        client.get("/api/schema/"),
        client.get("/media/users/default.png"),
        client.post("/api/auth/login/", json={}),
        client.options("/api/auth/login/"),
        client.put("/healthz"),
        as_user(user).get("/api/users/"),
    ]
    for response in responses:
        assert response.headers["X-Content-Type-Options"] == "nosniff", response.request.path


def test_token_answers_are_not_stored(client):
    UserFactory(username="bob")
    login = client.post("/api/auth/login/", json={"username": "bob", "password": DEFAULT_PASSWORD})
    assert login.status_code == 200
    refresh = client.post("/api/auth/refresh/", json={"refresh": login.get_json()["refresh"]})
    assert refresh.status_code == 200
    signup = client.post(
        "/api/auth/signup/",
        json={
            "username": "alice_w",
            "email": "alice@example.com",
            "first_name": "A",
            "last_name": "W",
            "password": "x7!Kq#29zLp",
        },
    )
    assert signup.status_code == 200, signup.get_json()
    errors = [
        client.post("/api/auth/login/", json={"username": "bob", "password": "wrong"}),
        client.post("/api/auth/refresh/", json={}),
        client.post("/api/auth/signup/", json={}),
        client.post("/api/oauth/google/", json={"code": "x"}),
    ]
    assert [response.status_code for response in errors] == [401, 400, 400, 503]
    for response in [login, refresh, signup, *errors]:
        assert response.headers["Cache-Control"] == "no-store", response.request.path


def test_google_tokens_are_not_stored(client, google_stub):
    google_stub.profiles["good-code"] = {"sub": "1001", "email": "new.person@gmail.com", "email_verified": True}
    response = client.post("/api/oauth/google/", json={"code": "good-code"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_other_answers_keep_their_caching(client):
    assert "no-store" not in client.get("/api/docs/assets/swagger-ui.css").headers.get("Cache-Control", "")
    assert "Cache-Control" not in client.get("/api/auth/forgot-password/?email=a@b.example").headers


def test_no_cookie_session_is_opened_or_set(client, app):
    """Tokens authenticate every request; Flask's cookie session is never opened, written or sent."""
    from flask import session
    from flask.sessions import NullSession

    UserFactory(username="ana")
    client.set_cookie("session", "forged.value.signature")
    responses = [
        client.get("/healthz"),
        client.post("/api/auth/login/", json={"username": "ana", "password": DEFAULT_PASSWORD}),
        client.get("/api/nope/"),
    ]
    assert responses[1].status_code == 200
    assert [response.headers.get("Set-Cookie") for response in responses] == [None, None, None]
    with app.test_request_context("/", headers={"Cookie": "session=forged.value.signature"}):
        assert isinstance(session._get_current_object(), NullSession)  # nothing was parsed or verified
