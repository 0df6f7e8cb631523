"""GET /api/me/export/ (API.md 18): every section, nothing of other users, the hourly limit, constant queries."""

from __future__ import annotations

import json
from datetime import date, datetime

from moviesx.extensions import db
from moviesx.models import FriendRequest, MovieListItem, Reaction, UnseenMark
from tests.factories import (
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

T0 = datetime(2026, 3, 4, 5, 6, 7, 123456)
T0_TEXT = "2026-03-04T05:06:07.123456Z"


def add_list(owner, name: str, privacity: str, movies=(), description: str = ""):
    movie_list = MovieListFactory(user=owner, name=name, slug=name.lower().replace(" ", "-"), privacity=privacity)
    movie_list.description = description
    movie_list.created_at = T0
    for position, movie in enumerate(movies):
        movie_list.items.append(MovieListItem(movie_id=movie.id, position=position))
    db.session.commit()
    return movie_list


def test_every_section_holds_the_callers_data(as_user, clock):
    clock.now = datetime(2026, 5, 17, 22, 30, 0, 5)
    platform, hidden_platform = PlatformFactory(slug="netflix"), PlatformFactory(slug="gone")
    person = PersonFactory(slug="agnes-varda")
    me = UserFactory(
        username="ada",
        email="Ada@Example.com",
        first_name="Ada",
        last_name="Lovelace",
        bio="Films.",
        preferred_language="es",
        verified=True,
        boarded=False,
    )
    me.created_at = T0
    me.platforms = [platform, hidden_platform]
    me.following_persons = [person]
    hidden_platform.delete()
    friend, requester, invited = UserFactory(username="bea"), UserFactory(username="carl"), UserFactory(username="dora")
    make_friends(me, friend)
    low, high = sorted((me.id, requester.id))
    db.session.add(
        FriendRequest(from_user_id=requester.id, to_user_id=me.id, pair_low=low, pair_high=high, status="P", created_at=T0)
    )
    low, high = sorted((me.id, invited.id))
    db.session.add(
        FriendRequest(from_user_id=me.id, to_user_id=invited.id, pair_low=low, pair_high=high, status="R", created_at=T0)
    )

    matrix = MovieFactory(slug="the-matrix", title="The Matrix", release_date=date(1999, 3, 31))
    alien = MovieFactory(slug="alien", title="Alien", release_date=date(1979, 5, 25))
    removed = MovieFactory(slug="removed")
    RatingFactory(user=me, movie=matrix, rating=5, created_at=T0)
    RatingFactory(user=me, movie=removed, rating=2)
    RatingFactory(user=friend, movie=alien, rating=3)
    db.session.add_all([UnseenMark(user_id=me.id, movie_id=alien.id), UnseenMark(user_id=me.id, movie_id=removed.id)])
    WatchlistEntryFactory(user=me, movie=alien, created_at=T0)
    WatchFactory(user=me, movie=matrix, watched_on=date(2026, 1, 2), rating=5, note="Again!", created_at=T0)
    WatchFactory(user=me, movie=matrix, watched_on=date(2025, 1, 2), rating=None, created_at=T0)
    WatchFactory(user=me, movie=removed)

    review = ReviewFactory(user=me, movie=matrix, title="Whoa", content="Still holds up.", is_positive=True, created_at=T0)
    ReviewFactory(user=me, movie=alien).delete()
    friends_review = ReviewFactory(user=friend, movie=alien)
    friends_comment = CommentFactory(review=friends_review, user=friend)
    top = CommentFactory(review=review, user=me, content="Agreed with myself.", created_at=T0)
    reply = CommentFactory(review=friends_review, user=me, parent_id=friends_comment.id, content="Yes!", created_at=T0)
    CommentFactory(review=friends_review, user=me).delete()
    db.session.add_all(
        [
            Reaction(user_id=me.id, review_id=friends_review.id, emoji="LOVE", created_at=T0),
            Reaction(user_id=me.id, comment_id=friends_comment.id, emoji="FIRE", created_at=T0),
            Reaction(user_id=friend.id, review_id=review.id, emoji="SAD"),
        ]
    )
    db.session.commit()
    Reaction.bulk_delete(Reaction.emoji == "SAD")
    add_list(me, "Private Gems", "R", [alien, removed, matrix], description="Mine.")
    add_list(me, "Empty", "P")
    add_list(friend, "Friends Secret", "R", [alien])
    removed.delete()
    db.session.commit()

    response = as_user(me).get("/api/me/export/")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="moviesx-ada-20260517.json"'
    assert response.get_json() == {
        "format": "moviesx-export",
        "version": 1,
        "exported_at": "2026-05-17T22:30:00.000005Z",
        "profile": {
            "username": "ada",
            "email": "Ada@Example.com",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "bio": "Films.",
            "preferred_language": "es",
            "verified": True,
            "boarded": False,
            "date_joined": T0_TEXT,
            "platforms": ["netflix"],
            "following_persons": ["agnes-varda"],
        },
        "ratings": [{"movie": "the-matrix", "title": "The Matrix", "year": 1999, "rating": 5, "created_at": T0_TEXT}],
        "reviews": [
            {"id": review.id, "movie": "the-matrix", "title": "Whoa", "content": "Still holds up.", "is_positive": True}
            | {"created_at": T0_TEXT}
        ],
        "comments": [
            {"id": top.id, "review": review.id, "reply_to": None, "content": "Agreed with myself.", "created_at": T0_TEXT},
            {"id": reply.id, "review": friends_review.id, "reply_to": friends_comment.id, "content": "Yes!"}
            | {"created_at": T0_TEXT},
        ],
        "reactions": [
            {"emoji_code": "LOVE", "review": friends_review.id, "comment": None, "created_at": T0_TEXT},
            {"emoji_code": "FIRE", "review": None, "comment": friends_comment.id, "created_at": T0_TEXT},
        ],
        "unseen": ["alien"],
        "watchlist": [{"movie": "alien", "created_at": T0_TEXT}],
        "diary": [
            {"movie": "the-matrix", "watched_on": "2025-01-02", "rating": None, "note": "", "created_at": T0_TEXT},
            {"movie": "the-matrix", "watched_on": "2026-01-02", "rating": 5, "note": "Again!", "created_at": T0_TEXT},
        ],
        "lists": [
            {
                "name": "Private Gems",
                "slug": "private-gems",
                "description": "Mine.",
                "privacity": "R",
                "movies": ["alien", "the-matrix"],
                "created_at": T0_TEXT,
            },
            {"name": "Empty", "slug": "empty", "description": "", "privacity": "P", "movies": [], "created_at": T0_TEXT},
        ],
        "friends": ["bea"],
        "friend_requests": [
            {"from_user": "ada", "to_user": "bea", "status": "A", "created_at": "2026-05-17T22:30:00.000005Z"},
            {"from_user": "carl", "to_user": "ada", "status": "P", "created_at": T0_TEXT},
            {"from_user": "ada", "to_user": "dora", "status": "R", "created_at": T0_TEXT},
        ],
    }


def test_no_private_data_of_other_users(as_user):
    me = UserFactory(username="nosy")
    friend = UserFactory(username="pal", email="pal.private@example.com", bio="my secret bio")
    stranger = UserFactory(email="stranger.hidden@example.com")
    make_friends(me, friend)
    shared = MovieFactory(slug="shared")
    add_list(friend, "Friends Only Treasure", "F", [shared])
    add_list(friend, "Very Private Thing", "R", [shared])
    RatingFactory(user=friend, movie=shared, rating=1)
    review = ReviewFactory(user=friend, movie=shared, content="friend's words")
    CommentFactory(review=review, user=stranger, content="stranger's words")
    WatchlistEntryFactory(user=friend, movie=shared)
    WatchFactory(user=friend, movie=shared, note="friend's diary note")

    response = as_user(me).get("/api/me/export/")

    assert response.status_code == 200
    text = json.dumps(response.get_json())
    for private in (
        "pal.private@example.com",
        "stranger.hidden@example.com",
        "my secret bio",
        "Treasure",
        "Private Thing",
        "friend's words",
        "stranger's words",
        "friend's diary note",
        "shared",
        stranger.username,
    ):
        assert private not in text, private
    assert response.get_json()["friends"] == ["pal"]


def test_unverified_users_may_export_five_times_an_hour(as_user, client):
    me, other = UserFactory(username="often", verified=False), UserFactory()
    for _ in range(5):
        assert as_user(me).get("/api/me/export").status_code == 200

    response = as_user(me).get("/api/me/export/")

    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert 3500 < seconds <= 3600
    assert response.get_json() == {"detail": f"Request was throttled. Expected available in {seconds} seconds."}
    assert as_user(other).get("/api/me/export/").status_code == 200
    assert client.get("/api/me/export/").status_code == 401


def test_queries_do_not_grow_with_the_data(as_user, count_queries):
    def export_queries(user) -> int:
        with count_queries() as counter:
            assert as_user(user).get("/api/me/export/").status_code == 200
        return counter.count

    small, large = UserFactory(), UserFactory()
    friends = [UserFactory() for _ in range(3)]
    movies = [MovieFactory() for _ in range(6)]
    RatingFactory(user=small, movie=movies[0])
    for friend in friends:
        make_friends(large, friend)
    for movie in movies:
        RatingFactory(user=large, movie=movie)
        WatchFactory(user=large, movie=movie)
        WatchlistEntryFactory(user=large, movie=movie)
        review = ReviewFactory(user=large, movie=movie)
        CommentFactory(review=review, user=large)
    for index in range(4):
        add_list(large, f"List {index}", "P", movies)

    assert export_queries(large) == export_queries(small)
