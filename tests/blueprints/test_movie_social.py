"""Ratings, unseen marks, reviews, friends' ratings and lists of a movie (API.md 5.3, 6.3)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from moviesx.extensions import cache, db
from moviesx.models import MovieListItem, Rating, Review, UnseenMark, User
from moviesx.services.feed.tokens import USER_TOKEN_KEY
from tests.factories import (
    MovieFactory,
    MovieListFactory,
    RatingFactory,
    ReviewFactory,
    UserFactory,
    make_friends,
)
from tests.support.social import concurrent_insert

BASE = "http://localhost"


def stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.fixture
def me(app):
    return UserFactory()


@pytest.fixture
def movie(app):
    return MovieFactory(slug="the-movie")


# --- Ratings -------------------------------------------------------------------------------------


def test_rate_get_and_change(as_user, me, movie, clock):
    response = as_user(me).post("/api/movies/the-movie/ratings/", json={"rating": 4})
    assert response.status_code == 201
    rating = db.session.query(Rating).one()
    created = rating.created_at
    expected = {
        "id": rating.id,
        "user": f"{BASE}/api/users/{me.username}/",
        "movie": f"{BASE}/api/movies/the-movie/",
        "rating": 4,
        "created_at": stamp(created),
    }
    assert response.get_json() == expected
    assert as_user(me).get("/api/movies/the-movie/ratings").get_json() == expected

    clock.advance(seconds=5)
    response = as_user(me).put("/api/movies/the-movie/ratings/", json={"rating": "2"})
    assert response.status_code == 200
    assert response.get_json() == {**expected, "rating": 2}
    db.session.expire_all()
    assert db.session.query(Rating).one().created_at == created


def test_rate_twice(as_user, me, movie):
    as_user(me).post("/api/movies/the-movie/ratings/", json={"rating": 4})
    response = as_user(me).post("/api/movies/the-movie/ratings/", json={"rating": 5})
    assert response.status_code == 400
    assert response.get_json() == {"error": "You have already rated this movie"}
    assert [r.rating for r in db.session.query(Rating).all()] == [4]


def test_rating_not_found(as_user, me, movie):
    response = as_user(me).get("/api/movies/the-movie/ratings/")
    assert response.status_code == 404
    assert response.get_json() == {"error": "Rating not found"}
    response = as_user(me).put("/api/movies/the-movie/ratings/", json={"rating": 3})
    assert response.status_code == 404
    assert response.get_json() == {"error": "Rating not found"}
    RatingFactory(user=UserFactory(), movie=movie)
    assert as_user(me).get("/api/movies/the-movie/ratings/").status_code == 404


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "Ensure this value is greater than or equal to 1."),
        (-3, "Ensure this value is greater than or equal to 1."),
        (6, "Ensure this value is less than or equal to 5."),
        (2**70, "Ensure this value is less than or equal to 5."),
        ("5.0", "A valid integer is required."),
        ("five", "A valid integer is required."),
        (1.5, "A valid integer is required."),
        (True, "A valid integer is required."),
        ([5], "A valid integer is required."),
        (None, "This field cannot be null."),
    ],
)
def test_bad_ratings(as_user, me, movie, value, message):
    for method in ("post", "put"):
        response = getattr(as_user(me), method)("/api/movies/the-movie/ratings/", json={"rating": value})
        assert response.status_code == 400
        assert response.get_json() == {"rating": [message]}
    assert db.session.query(Rating).count() == 0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1" + "0" * 5000, "Ensure this value is less than or equal to 5."),
        ("-1" + "0" * 5000, "Ensure this value is greater than or equal to 1."),
        ('"' + "9" * 5000 + '"', "Ensure this value is less than or equal to 5."),
        ('"-' + "9" * 5000 + '"', "A valid integer is required."),
        ('"' + "0" * 5000 + '4"', None),
    ],
)
def test_integers_past_pythons_digit_limit_are_range_checked(as_user, me, movie, raw, message):
    """API.md 3.2b: integers are read at any size, then range-checked (more than 4300 digits included)."""
    response = as_user(me).post("/api/movies/the-movie/ratings/", data='{"rating": ' + raw + "}", content_type="application/json")
    if message is None:
        assert (response.status_code, response.get_json()["rating"]) == (201, 4)
        return
    assert (response.status_code, response.get_json()) == (400, {"rating": [message]})
    assert db.session.query(Rating).count() == 0


@pytest.mark.parametrize("value", ["-3", " 3 ", "+3", "3.0", "٣"])
def test_rating_strings_other_than_decimal_digits_are_not_integers(as_user, me, movie, value):
    """API.md 3.2: a valid integer is a JSON integer or a string of decimal digits."""
    response = as_user(me).post("/api/movies/the-movie/ratings/", json={"rating": value})
    assert (response.status_code, response.get_json()) == (400, {"rating": ["A valid integer is required."]})


def test_rating_as_digit_string_is_an_integer(as_user, me, movie):
    response = as_user(me).post("/api/movies/the-movie/ratings/", json={"rating": "5"})
    assert response.status_code == 201
    assert response.get_json()["rating"] == 5


def test_rating_body_errors(as_user, me, movie):
    cases = [
        ({}, {"error": "Missing required fields"}),
        ({"stars": 3}, {"error": "Missing required fields"}),
    ]
    for body, expected in cases:
        response = as_user(me).post("/api/movies/the-movie/ratings/", json=body)
        assert (response.status_code, response.get_json()) == (400, expected)
    for raw in ("", "not json", "[5]", "5"):
        response = as_user(me).post("/api/movies/the-movie/ratings/", data=raw, content_type="text/plain")
        assert (response.status_code, response.get_json()) == (400, {"error": "Invalid JSON body"})


def test_put_validates_before_looking_for_the_rating(as_user, me, movie):
    response = as_user(me).put("/api/movies/the-movie/ratings/", json={"rating": 9})
    assert response.get_json() == {"rating": ["Ensure this value is less than or equal to 5."]}


def test_unknown_and_deleted_movies(as_user, me):
    gone = MovieFactory(slug="gone")
    gone.delete()
    db.session.commit()
    for slug in ("gone", "nope"):
        for method, path in (
            ("POST", "ratings/"),
            ("GET", "ratings/"),
            ("PUT", "ratings/"),
            ("POST", "unseen/"),
            ("DELETE", "unseen/"),
            ("GET", "reviews/"),
            ("POST", "reviews/"),
            ("GET", "friends-ratings/"),
            ("GET", "movie-lists/"),
        ):
            response = as_user(me).open(method, f"/api/movies/{slug}/{path}", json={"rating": 3})
            assert response.status_code == 404, (method, path)
            assert response.get_json() == {
                "error": "Not Found",
                "message": "The requested resource was not found.",
                "model": "Movie",
                "lookup_value": slug,
            }


def test_concurrent_duplicate_rating(as_user, me, movie):
    sql = (
        "INSERT INTO ratings (user_id, movie_id, rating, created_at, updated_at, rated_at) "
        "VALUES (:u, :m, 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    with concurrent_insert("ratings", sql, {"u": me.id, "m": movie.id}) as fired:
        response = as_user(me).post("/api/movies/the-movie/ratings/", json={"rating": 5})
    assert fired
    assert response.status_code == 400
    assert response.get_json() == {"error": "You have already rated this movie"}
    db.session.expire_all()
    assert [r.rating for r in db.session.query(Rating).all()] == [3]


# --- Unseen --------------------------------------------------------------------------------------


def test_unseen_marks(as_user, me, movie):
    assert as_user(me).delete("/api/movies/the-movie/unseen/").get_json() == {"error": "Movie not marked as unseen"}
    response = as_user(me).post("/api/movies/the-movie/unseen/", data="ignored body")
    assert (response.status_code, response.get_json()) == (200, {"success": True})
    response = as_user(me).post("/api/movies/the-movie/unseen/")
    assert (response.status_code, response.get_json()) == (400, {"error": "Movie already marked as unseen"})
    assert db.session.query(UnseenMark).count() == 1
    response = as_user(me).delete("/api/movies/the-movie/unseen")
    assert (response.status_code, response.get_json()) == (200, {"success": True})
    response = as_user(me).delete("/api/movies/the-movie/unseen/")
    assert (response.status_code, response.get_json()) == (400, {"error": "Movie not marked as unseen"})
    assert db.session.query(UnseenMark).count() == 0


def test_concurrent_duplicate_unseen(as_user, me, movie):
    sql = "INSERT INTO unseen_marks (user_id, movie_id, created_at) VALUES (:u, :m, CURRENT_TIMESTAMP)"
    with concurrent_insert("unseen_marks", sql, {"u": me.id, "m": movie.id}) as fired:
        response = as_user(me).post("/api/movies/the-movie/unseen/")
    assert fired
    assert (response.status_code, response.get_json()) == (400, {"error": "Movie already marked as unseen"})


# --- Reviews of a movie --------------------------------------------------------------------------


REVIEW = {"title": "Great", "content": "Loved it", "is_positive": True}


def test_create_review(as_user, me, movie):
    response = as_user(me).post("/api/movies/the-movie/reviews/", json={**REVIEW, "extra": 1})
    assert response.status_code == 201
    review = db.session.query(Review).one()
    assert response.get_json() == {
        "id": review.id,
        "title": "Great",
        "movie": f"{BASE}/api/movies/the-movie/",
        "user": f"{BASE}/api/users/{me.username}/",
        "content": "Loved it",
        "is_positive": True,
        "created_at": stamp(review.created_at),
    }


def test_one_live_review_per_movie_and_review_again_after_delete(as_user, me, movie):
    first = as_user(me).post("/api/movies/the-movie/reviews/", json=REVIEW).get_json()
    response = as_user(me).post("/api/movies/the-movie/reviews/", json=REVIEW)
    assert response.status_code == 400
    assert response.get_json() == {"__all__": ["Each user can only have one active review per movie."]}
    assert as_user(me).delete(f"/api/reviews/{first['id']}/").status_code == 204
    response = as_user(me).post("/api/movies/the-movie/reviews/", json={**REVIEW, "is_positive": False})
    assert response.status_code == 201
    assert response.get_json()["id"] != first["id"]
    listed = as_user(me).get("/api/movies/the-movie/reviews/").get_json()
    assert [item["id"] for item in listed["results"]] == [response.get_json()["id"]]
    assert listed["count"] == 1


def test_concurrent_duplicate_review(as_user, me, movie):
    sql = (
        "INSERT INTO reviews (user_id, movie_id, title, content, is_positive, created_at, updated_at) "
        "VALUES (:u, :m, 'Other', 'Text', :p, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    with concurrent_insert("reviews", sql, {"u": me.id, "m": movie.id, "p": True}) as fired:
        response = as_user(me).post("/api/movies/the-movie/reviews/", json=REVIEW)
    assert fired
    assert response.status_code == 400
    assert response.get_json() == {"__all__": ["Each user can only have one active review per movie."]}
    db.session.expire_all()
    assert [r.title for r in db.session.query(Review).all()] == ["Other"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"title": "", "content": "x", "is_positive": True}, {"title": ["This field cannot be blank."]}),
        ({"title": "  ", "content": "x", "is_positive": True}, {"title": ["This field cannot be blank."]}),
        (
            {"title": "t" * 129, "content": "c" * 257, "is_positive": "yes"},
            {
                "title": ["Ensure this value has at most 128 characters (it has 129)."],
                "content": ["Ensure this value has at most 256 characters (it has 257)."],
                "is_positive": ["Must be a valid boolean."],
            },
        ),
        (
            {"title": None, "content": 5, "is_positive": None},
            {
                "title": ["This field cannot be null."],
                "content": ["Not a valid string."],
                "is_positive": ["This field cannot be null."],
            },
        ),
        (
            {"title": "a\x00b", "content": "x", "is_positive": 1},
            {
                "title": ["Not a valid string."],
                "is_positive": ["Must be a valid boolean."],
            },
        ),
        ({"title": "t", "content": "c"}, {"error": "Missing required fields"}),
    ],
)
def test_review_validation(as_user, me, movie, body, expected):
    response = as_user(me).post("/api/movies/the-movie/reviews/", json=body)
    assert response.status_code == 400
    assert response.get_json() == expected
    assert db.session.query(Review).count() == 0


def test_review_limits_are_inclusive(as_user, me, movie):
    response = as_user(me).post(
        "/api/movies/the-movie/reviews/", json={"title": "t" * 128, "content": "c" * 256, "is_positive": False}
    )
    assert response.status_code == 201


def test_movie_reviews_list(as_user, me, movie):
    reviews = [ReviewFactory(movie=movie) for _ in range(3)]
    reviews[1].delete()
    ReviewFactory()  # another movie
    db.session.commit()
    body = as_user(me).get("/api/movies/the-movie/reviews/?limit=1").get_json()
    assert [item["id"] for item in body["results"]] == [reviews[2].id]
    assert body["next_last_id"] == reviews[2].id
    assert body["count"] == 2
    rest = as_user(me).get(f"/api/movies/the-movie/reviews/?limit=1&last_id={reviews[2].id}").get_json()
    assert [item["id"] for item in rest["results"]] == [reviews[0].id]
    assert rest["next_last_id"] is None


# --- Friends' ratings ----------------------------------------------------------------------------


def test_friends_ratings_newest_first(as_user, me, movie, clock):
    friends = [UserFactory() for _ in range(4)]
    for friend in friends:
        make_friends(me, friend)
    stranger = UserFactory()
    ratings = []
    for value, user in zip((1, 2, 3, 4, 5), (*friends, stranger), strict=True):
        ratings.append(RatingFactory(user=user, movie=movie, rating=value))
        clock.advance(seconds=1)
    RatingFactory(user=me, movie=movie)
    RatingFactory(user=friends[0])  # another movie
    friends[3].is_active = False
    db.session.commit()
    body = as_user(me).get("/api/movies/the-movie/friends-ratings/?limit=2").get_json()
    assert body == {
        "results": [
            {
                "id": rating.id,
                "user": f"{BASE}/api/users/{rating.user.username}/",
                "movie": f"{BASE}/api/movies/the-movie/",
                "rating": rating.rating,
                "created_at": stamp(rating.created_at),
            }
            for rating in (ratings[2], ratings[1])
        ],
        "count": 3,
        "total_pages": 2,
        "current_page": 1,
        "has_next": True,
        "has_previous": False,
    }


def test_friends_ratings_tie_on_created_at_goes_by_id_descending(as_user, me, movie, clock):
    a, b = UserFactory(), UserFactory()
    make_friends(me, a)
    make_friends(me, b)
    first = RatingFactory(user=a, movie=movie)
    second = RatingFactory(user=b, movie=movie)
    body = as_user(me).get("/api/movies/the-movie/friends-ratings/").get_json()
    assert [item["id"] for item in body["results"]] == [second.id, first.id]


# --- Lists holding the movie ---------------------------------------------------------------------


def test_my_lists_with_the_movie(as_user, me, movie):
    lists = [MovieListFactory(user=me, slug=f"l{n}") for n in range(3)]
    other = MovieListFactory(slug="theirs")
    for movie_list in (lists[2], lists[0], other):
        db.session.add(MovieListItem(movie_list_id=movie_list.id, movie_id=movie.id, position=0))
    db.session.commit()
    response = as_user(me).get("/api/movies/the-movie/movie-lists/")
    assert response.status_code == 200
    assert response.get_json() == ["l0", "l2"]
    other_movie = MovieFactory()
    assert as_user(me).get(f"/api/movies/{other_movie.slug}/movie-lists/").get_json() == []


# --- Constant query counts -----------------------------------------------------------------------


def test_list_query_counts_do_not_grow_with_the_page(as_user, me, movie, count_queries):
    for _ in range(60):
        friend = UserFactory()
        make_friends(me, friend)
        RatingFactory(user=friend, movie=movie)
        ReviewFactory(user=friend, movie=movie)
    for path in ("/api/movies/the-movie/reviews/", "/api/movies/the-movie/friends-ratings/"):
        counts = []
        for limit in (5, 50):
            db.session.expire_all()  # every request starts from a cold identity map
            with count_queries() as counter:
                body = as_user(me).get(f"{path}?limit={limit}").get_json()
            assert len(body["results"]) == limit
            counts.append(counter.count)
        assert counts[0] == counts[1], (path, counts)


# The rating PUT's statements: tests/blueprints/test_rating_change_path.py


def test_a_new_rating_is_one_insert(redis_app_config, as_user, me, movie, count_queries):
    """On a warm process: the INSERT ... ON CONFLICT DO NOTHING RETURNING alone; the answer is what it returns."""
    friend, stranger = UserFactory(), UserFactory()
    make_friends(me, friend)
    MovieFactory(slug="another")
    assert as_user(me).post("/api/movies/another/ratings/", json={"rating": 3}).status_code == 201  # facts, friends
    assert as_user(me).put("/api/movies/the-movie/ratings/", json={"rating": 4}).status_code == 404  # the movie's key
    client = as_user(me)
    db.session.expire_all()  # nothing the test's session holds helps the request
    tokens = [USER_TOKEN_KEY.format(user.id) for user in (me, friend, stranger)]
    before = cache.get_many(*tokens)
    with count_queries() as counter:
        response = client.post("/api/movies/the-movie/ratings/", json={"rating": 4})
    after = cache.get_many(*tokens)
    assert [a == b for a, b in zip(before, after, strict=True)] == [False, False, True]  # the rater's and friend's feeds
    rating = db.session.scalars(db.select(Rating).where(Rating.movie_id == movie.id)).one()
    assert (response.status_code, response.get_json()) == (
        201,
        {
            "id": rating.id,
            "user": f"{BASE}/api/users/{me.username}/",
            "movie": f"{BASE}/api/movies/the-movie/",
            "rating": 4,
            "created_at": as_user(me).get("/api/movies/the-movie/ratings/").get_json()["created_at"],
        },
    )
    assert len(counter.statements) == 1 and counter.statements[0].lstrip().startswith("INSERT INTO ratings"), counter.statements
    client = as_user(me)
    with count_queries() as counter:
        response = client.post("/api/movies/the-movie/ratings/", json={"rating": 2})
    assert (response.status_code, response.get_json()) == (400, {"error": "You have already rated this movie"})
    assert len(counter.statements) == 1, counter.statements
    db.session.expire_all()
    assert db.session.scalar(db.select(Rating.rating).where(Rating.movie_id == movie.id)) == 4


def test_a_caller_deleted_just_before_the_insert_is_unauthorised(as_user, me, movie):
    """The account's deletion commits between the ladder and the INSERT: its foreign key fails, the answer is the
    ladder's 401, and nothing is written."""
    client = as_user(me)
    fired = []

    def delete_caller(conn, cursor, statement, *_):
        if not fired and statement.lstrip().startswith("INSERT INTO ratings"):
            fired.append(True)
            with db.engine.connect() as other:
                other.execute(db.delete(User).where(User.id == me.id))
                other.commit()

    event.listen(db.engine, "before_cursor_execute", delete_caller)
    try:
        response = client.post("/api/movies/the-movie/ratings/", json={"rating": 4})
    finally:
        event.remove(db.engine, "before_cursor_execute", delete_caller)
    assert fired
    assert (response.status_code, response.get_json()) == (401, {"error": "Token is invalid"})
    assert db.session.scalar(db.select(db.func.count(Rating.id))) == 0
