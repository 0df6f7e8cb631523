"""DELETE /api/me/ (API.md 18): confirmation, the full erase, tokens, names, friends, feeds, picture and email."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from moviesx.extensions import cache, db
from moviesx.models import (
    AddressCodeEvent,
    CodeFailure,
    Comment,
    FriendRequest,
    MovieListItem,
    Reaction,
    Review,
    UnseenMark,
    User,
)
from moviesx.services.accounts import codes
from moviesx.services.feed.tokens import USER_TOKEN_KEY
from tests.factories import (
    DEFAULT_PASSWORD,
    CommentFactory,
    MovieFactory,
    MovieListFactory,
    PersonFactory,
    PlatformFactory,
    RatingFactory,
    ReviewFactory,
    UserFactory,
    WatchFactory,
    WatchlistEntryFactory,
    make_friends,
)
from tests.support import smtp as smtp_support
from tests.support.smtp import html_of, text_of

mail_config = smtp_support.mail_config
smtp_server = smtp_support.smtp_server


def delete_account(client, headers: dict, body=None, **kwargs):
    return client.delete("/api/me/", json={"password": DEFAULT_PASSWORD} if body is None else body, headers=headers, **kwargs)


def login(client, username: str) -> dict:
    response = client.post("/api/auth/login/", json={"username": username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    return response.get_json()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def user_columns() -> list:
    """Every column of every table that references users.id: the places a user's rows can be."""
    return [
        column
        for table in db.metadata.sorted_tables
        for column in table.columns
        if any(key.column.table.name == "users" and key.column.name == "id" for key in column.foreign_keys)
    ]


def rows_naming(user_id: int) -> dict[str, int]:
    found = {}
    for column in user_columns():
        count = len(db.session.execute(select(column.table).where(column == user_id)).all())
        if count:
            found[f"{column.table.name}.{column.name}"] = count
    if db.session.get(User, user_id) is not None:
        found["users.id"] = 1
    return found


def build_everything(victim: User, friend: User, stranger: User) -> dict:
    """A row of the victim in every kind of table, and others' content under the victim's reviews and comments."""
    movie, other_movie = MovieFactory(), MovieFactory()
    victim.platforms = [PlatformFactory()]
    victim.following_persons = [PersonFactory()]
    RatingFactory(user=victim, movie=movie, rating=5)
    db.session.add(UnseenMark(user_id=victim.id, movie_id=other_movie.id))
    WatchlistEntryFactory(user=victim, movie=other_movie)
    WatchFactory(user=victim, movie=movie, rating=5, note="again")
    private_list = MovieListFactory(user=victim, privacity="R")
    private_list.items.append(MovieListItem(movie_id=movie.id, position=0))
    make_friends(victim, friend)
    low, high = sorted((victim.id, stranger.id))
    db.session.add(FriendRequest(from_user_id=stranger.id, to_user_id=victim.id, pair_low=low, pair_high=high, status="P"))

    review = ReviewFactory(user=victim, movie=movie)
    deleted_review = ReviewFactory(user=victim, movie=other_movie)
    deleted_review.delete()
    friends_comment = CommentFactory(review=review, user=friend)
    reply_to_friend = CommentFactory(review=review, user=stranger, parent_id=friends_comment.id)
    strangers_review = ReviewFactory(user=stranger, movie=movie)
    victims_comment = CommentFactory(review=strangers_review, user=victim)
    reply = CommentFactory(review=strangers_review, user=friend, parent_id=victims_comment.id)
    reply_to_reply = CommentFactory(review=strangers_review, user=stranger, parent_id=reply.id)
    kept_comment = CommentFactory(review=strangers_review, user=friend)
    db.session.add_all(
        [
            Reaction(user_id=friend.id, review_id=review.id, emoji="LOVE"),
            Reaction(user_id=stranger.id, comment_id=friends_comment.id, emoji="FIRE"),
            Reaction(user_id=stranger.id, comment_id=reply_to_reply.id, emoji="SAD"),
            Reaction(user_id=victim.id, review_id=strangers_review.id, emoji="LIKE"),
            Reaction(user_id=friend.id, comment_id=kept_comment.id, emoji="STAR"),
        ]
    )
    codes.issue(victim, codes.VERIFICATION)
    db.session.add(CodeFailure(user_id=victim.id, purpose=codes.VERIFICATION, created_at=victim.created_at))
    db.session.commit()
    return {
        "erased_comments": [friends_comment.id, reply_to_friend.id, victims_comment.id, reply.id, reply_to_reply.id],
        "kept_comment": kept_comment.id,
        "strangers_review": strangers_review.id,
        "movie": movie,
    }


def test_deletion_leaves_no_row_of_the_user_in_any_table(client, headers_for):
    friend, stranger = UserFactory(), UserFactory()
    victim = UserFactory(username="leaving")
    built = build_everything(victim, friend, stranger)
    victim_id = victim.id
    assert set(rows_naming(victim_id)) >= {
        "ratings.user_id",
        "unseen_marks.user_id",
        "watchlist_entries.user_id",
        "watches.user_id",
        "movie_lists.user_id",
        "friendships.user_id",
        "friendships.friend_id",
        "friend_requests.from_user_id",
        "friend_requests.to_user_id",
        "reviews.user_id",
        "comments.user_id",
        "reactions.user_id",
        "user_platforms.user_id",
        "user_following_persons.user_id",
        "one_time_codes.user_id",
        "code_failures.user_id",
        "address_code_events.user_id",
        "users.id",
    }
    events = db.session.scalar(select(db.func.count()).select_from(AddressCodeEvent))
    headers = headers_for(victim)

    response = delete_account(client, headers)

    assert response.status_code == 204
    assert response.get_data() == b""
    db.session.expire_all()
    assert rows_naming(victim_id) == {}
    # Replies and reactions under the victim's reviews and comments went too, whoever wrote them.
    remaining = set(db.session.scalars(select(Comment.id).execution_options(include_deleted=True)))
    assert remaining == {built["kept_comment"]}
    reactions = db.session.execute(select(Reaction.user_id, Reaction.emoji).execution_options(include_deleted=True)).all()
    assert reactions == [(friend.id, "STAR")]
    assert db.session.scalars(select(Review.id).execution_options(include_deleted=True)).all() == [built["strangers_review"]]
    # Per-address code counters stay (API.md 23), no longer linked to the account.
    assert db.session.scalar(select(db.func.count()).select_from(AddressCodeEvent)) == events
    assert db.session.scalars(select(AddressCodeEvent.user_id)).all() == [None] * events
    assert {user.id for user in db.session.scalars(select(User))} == {friend.id, stranger.id}


def test_tokens_die_at_once_and_the_names_are_free(client, app):
    UserFactory()
    victim = UserFactory(username="Leaver", email="Leaver@Example.com")
    victim_id = victim.id
    pair = login(client, "leaver")
    assert client.get("/api/movies/", headers=bearer(pair["access"])).status_code == 200  # a cached feed

    assert delete_account(client, bearer(pair["access"])).status_code == 204

    for path in ("/api/movies/", "/api/users/", "/api/me/export/"):
        response = client.get(path, headers=bearer(pair["access"]))
        assert (response.status_code, response.get_json()) == (401, {"error": "Token is invalid"}), path
    response = client.post("/api/auth/refresh/", json={"refresh": pair["refresh"]})
    assert response.status_code == 401
    assert response.get_json() == {"detail": "No active account found for the given token.", "code": "no_active_account"}
    assert delete_account(client, bearer(pair["access"])).status_code == 401

    body = {
        "username": "leaver",
        "email": "leaver@example.com",
        "first_name": "New",
        "last_name": "Person",
        "password": "a-fresh-start-for-all",
    }
    response = client.post("/api/auth/signup/", json=body)
    assert response.status_code == 200
    assert response.get_json()["id"] > victim_id  # never the dead id, whose tokens are still out there
    response = client.get("/api/movies/", headers=bearer(pair["access"]))
    assert (response.status_code, response.get_json()) == (401, {"error": "Token is invalid"})


def test_friends_lists_counts_and_feed_tokens_follow(client, as_user):
    friend, other, friend_of_friend = UserFactory(), UserFactory(), UserFactory()
    victim = UserFactory()
    make_friends(victim, friend)
    make_friends(friend, other)
    make_friends(victim, friend_of_friend)
    RatingFactory(user=victim, rating=5)
    assert as_user(friend).get("/api/users/friends/").get_json()["count"] == 2
    assert as_user(friend_of_friend).get("/api/users/suggested-users/").get_json()["count"] == 1  # `friend`, via victim
    for user in (victim, friend, friend_of_friend):
        assert as_user(user).get("/api/movies/").status_code == 200
    tokens = {user.id: cache.get(USER_TOKEN_KEY.format(user.id)) for user in (victim, friend, friend_of_friend, other)}
    victim_name, victim_id = victim.username, victim.id

    assert delete_account(client, as_user(victim).headers).status_code == 204

    friends = as_user(friend).get("/api/users/friends/").get_json()
    assert (friends["count"], [user["username"] for user in friends["results"]]) == (1, [other.username])
    assert as_user(friend_of_friend).get("/api/users/suggested-users/").get_json()["count"] == 0
    assert as_user(friend).get(f"/api/users/{victim_name}/").status_code == 404
    after = {user_id: cache.get(USER_TOKEN_KEY.format(user_id)) for user_id in tokens}
    changed = {user_id for user_id in tokens if after[user_id] != tokens[user_id]}
    assert changed >= {victim_id, friend.id, friend_of_friend.id}


GOODBYE = {
    "en": ("Your MoviesX account was deleted", "Hello adieu,", "Your MoviesX account was deleted on "),
    "es": ("Tu cuenta de MoviesX ha sido eliminada", "Hola adieu,", "Tu cuenta de MoviesX se eliminó el "),
    "fr": ("Votre compte MoviesX a été supprimé", "Bonjour adieu,", "Votre compte MoviesX a été supprimé le "),
    "de": ("Ihr MoviesX-Konto wurde gelöscht", "Hallo adieu,", "Ihr MoviesX-Konto wurde am "),
}


@pytest.mark.parametrize("language", list(GOODBYE))
def test_goodbye_email_in_the_users_language_without_code_or_link(client, mail_config, headers_for, language):
    victim = UserFactory(username="adieu", email="adieu@example.com", preferred_language=language)

    assert delete_account(client, headers_for(victim)).status_code == 204

    message = mail_config.mailbox.last_to("adieu@example.com")
    subject, greeting, first_line = GOODBYE[language]
    assert message["Subject"] == subject
    lines = text_of(message).splitlines()
    assert lines[0] == greeting
    assert lines[1].startswith(first_line)
    assert len(mail_config.messages) == 1
    for part in (text_of(message), html_of(message)):
        assert not re.search(r"\b\d{6}\b", part)
        assert "http" not in part.replace("<!DOCTYPE html>", "")
    assert greeting in html_of(message)


def test_picture_file_is_removed(client, app, headers_for):
    victim = UserFactory(picture="users/user_gone_profile_20260101000000.png")
    path = Path(app.config["MEDIA_ROOT"]) / victim.picture
    path.write_bytes(b"picture")

    assert delete_account(client, headers_for(victim)).status_code == 204

    assert not path.exists()
    assert (Path(app.config["MEDIA_ROOT"]) / "users/default.png").exists()


def test_confirmation_by_password(client, headers_for):
    victim = UserFactory(username="careful", verified=False)  # unverified users may delete their account
    headers = headers_for(victim)

    response = client.delete("/api/me/", data="", headers=headers)
    assert (response.status_code, response.get_json()) == (400, {"error": "Invalid JSON body"})
    for body in ({}, {"username": "careful"}):
        response = delete_account(client, headers, body)
        assert (response.status_code, response.get_json()) == (400, {"error": "Missing required fields"})
    for body in ({"password": "not-the-password"}, {"password": None}, {"password": ""}, {"password": 12}):
        response = delete_account(client, headers, body)
        assert (response.status_code, response.get_json()) == (400, {"error": "Password is incorrect"})
    victim_id = victim.id
    assert db.session.get(User, victim_id) is not None

    assert client.delete("/api/me", json={"password": DEFAULT_PASSWORD}, headers=headers).status_code == 204
    assert db.session.get(User, victim_id) is None


def test_google_only_account_confirms_with_username_and_a_fresh_login(client, clock, headers_for):
    victim = UserFactory(username="googler", password_hash=None, google_sub="g-1")
    headers = headers_for(victim)

    response = delete_account(client, headers, {"password": "anything"})
    assert (response.status_code, response.get_json()) == (400, {"error": "Missing required fields"})
    response = delete_account(client, headers, {"username": "Googler"})
    assert (response.status_code, response.get_json()) == (400, {"error": "Username does not match"})
    clock.advance(minutes=10)
    response = delete_account(client, headers, {"username": "googler"})
    assert (response.status_code, response.get_json()) == (400, {"error": "Please sign in again to delete your account"})
    victim_id = victim.id
    assert db.session.get(User, victim_id) is not None

    clock.advance(minutes=1)
    fresh = headers_for(victim)
    clock.advance(minutes=9, seconds=58)
    assert delete_account(client, fresh, {"username": "googler"}).status_code == 204
    assert db.session.get(User, victim_id) is None


def test_every_attempt_counts_in_the_login_bucket_of_the_ip(client, headers_for):
    victim = UserFactory()
    headers = headers_for(victim)
    for _ in range(20):
        assert delete_account(client, headers, {"password": "wrong-password-here"}).status_code == 400

    response = delete_account(client, headers)
    assert response.status_code == 429
    assert re.fullmatch(r"Request was throttled\. Expected available in \d+ seconds?\.", response.get_json()["detail"])
    assert int(response.headers["Retry-After"]) >= 1
    login = client.post("/api/auth/login/", json={"username": victim.username, "password": DEFAULT_PASSWORD})
    assert login.status_code == 429  # the same bucket
    other_ip = {"REMOTE_ADDR": "10.0.0.2"}
    assert delete_account(client, headers, environ_base=other_ip).status_code == 204


def test_a_deactivated_user_cannot_call_it(client, headers_for):
    victim = UserFactory(is_active=False)
    response = delete_account(client, headers_for(victim))
    assert (response.status_code, response.get_json()) == (401, {"error": "Token is invalid"})
    assert db.session.get(User, victim.id) is not None
