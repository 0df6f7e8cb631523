"""GET /api/movies/<slug>/ and GET /api/movies/searching/ (API.md 5.3)."""

from __future__ import annotations

from datetime import date

import pytest

from moviesx import models
from moviesx.extensions import cache, db
from tests.factories import (
    AwardFactory,
    GenreFactory,
    MovieFactory,
    PersonFactory,
    PlatformFactory,
    RatingFactory,
    ReviewFactory,
    UserFactory,
    link_movie,
)
from tests.support.catalog import (
    add_genre_translation,
    add_movie_translation,
    award_json,
    bulk_catalogue,
    genre_json,
    movie_json,
    platform_json,
    soft_delete,
)

EMPTY_PAGE = {"results": [], "count": 0, "total_pages": 1, "current_page": 1, "has_next": False, "has_previous": False}


@pytest.fixture
def user(app):
    return UserFactory()


@pytest.fixture
def linked_movie(app):
    drama, comedy = GenreFactory(name="Drama", slug="drama"), GenreFactory(name="Comedy", slug="comedy")
    netflix = PlatformFactory(name="Netflix", slug="netflix")
    award = AwardFactory(name="Best Picture 2020", slug="best-picture-2020")
    ann, bob, cid = PersonFactory(name="Ann", slug="ann"), PersonFactory(name="Bob", slug="bob"), PersonFactory(slug="cid")
    movie = MovieFactory(title="The Long Night", slug="the-long-night", synopsis="Dark.", release_date=date(2019, 10, 4))
    link_movie(movie, genres=[comedy, drama], platforms=[netflix], awards=[award], actors=[bob, ann], directors=[cid])
    db.session.commit()
    return movie


def slugs(response) -> list[str]:
    return [movie["slug"] for movie in response.get_json()["results"]]


def test_detail_in_english(as_user, user, linked_movie):
    movie = linked_movie
    genres = sorted(movie.genres, key=lambda g: g.id)
    response = as_user(user).get("/api/movies/the-long-night/")
    assert response.status_code == 200
    assert response.get_json() == movie_json(
        movie,
        genres=[genre_json(g) for g in genres],
        platforms=[platform_json(p) for p in movie.platforms],
        awards=movie.awards,
        actors=[models.Person.query.filter_by(slug=s).one() for s in ("bob", "ann")],
        directors=[models.Person.query.filter_by(slug="cid").one()],
    )


def test_detail_translated_for_the_callers_language(as_user, linked_movie):
    movie = linked_movie
    drama = models.Genre.query.filter_by(slug="drama").one()
    add_genre_translation(drama, "es", "Drama ES")
    add_movie_translation(movie, "es", title="La larga noche", synopsis="Oscura.", cover="movies/translations/covers/x.png")
    add_movie_translation(movie, "fr", title="", synopsis="Sombre.")
    spanish, french, german = (UserFactory(preferred_language=lang) for lang in ("es", "fr", "de"))

    body = as_user(spanish).get("/api/movies/the-long-night").get_json()
    assert (body["title"], body["synopsis"]) == ("La larga noche", "Oscura.")
    assert body["cover"] == "http://localhost/media/movies/translations/covers/x.png"
    assert {g["slug"]: g["name"] for g in body["genres"]} == {"comedy": "Comedy", "drama": "Drama ES"}

    body = as_user(french).get("/api/movies/the-long-night/").get_json()
    assert (body["title"], body["synopsis"]) == ("The Long Night", "Sombre.")
    assert body["cover"] == "http://localhost/media/movies/covers/no-movie.png"

    body = as_user(german).get("/api/movies/the-long-night/").get_json()
    assert (body["title"], body["synopsis"]) == ("The Long Night", "Dark.")


def test_detail_hides_soft_deleted_relations_and_movies(as_user, user, linked_movie):
    soft_delete(models.Genre.query.filter_by(slug="drama").one())
    soft_delete(models.Person.query.filter_by(slug="ann").one())
    soft_delete(models.Award.query.filter_by(slug="best-picture-2020").one())
    body = as_user(user).get("/api/movies/the-long-night/").get_json()
    assert [g["slug"] for g in body["genres"]] == ["comedy"]
    assert body["actors"] == ["http://localhost/api/persons/bob/"]
    assert body["awards"] == []

    soft_delete(linked_movie)
    response = as_user(user).get("/api/movies/the-long-night/")
    assert response.status_code == 404
    assert response.get_json() == {
        "error": "Not Found",
        "message": "The requested resource was not found.",
        "model": "Movie",
        "lookup_value": "the-long-night",
    }


def test_detail_requires_verified_user(client, as_user, linked_movie):
    assert client.get("/api/movies/the-long-night/").status_code == 401
    unverified = UserFactory(verified=False)
    response = as_user(unverified).get("/api/movies/the-long-night/")
    assert (response.status_code, response.get_json()) == (401, {"error": "User account is not verified"})


def test_search_without_filters_orders_by_release_date_then_id(as_user, user):
    old = MovieFactory(slug="old", release_date=date(2001, 1, 1))
    a = MovieFactory(slug="a", release_date=date(2010, 1, 1))
    b = MovieFactory(slug="b", release_date=date(2010, 1, 1))
    new = MovieFactory(slug="new", release_date=date(2020, 1, 1))
    gone = MovieFactory(slug="gone", release_date=date(2015, 1, 1))
    soft_delete(gone)
    response = as_user(user).get("/api/movies/searching/")
    assert response.status_code == 200
    body = response.get_json()
    assert slugs(response) == ["new", "b", "a", "old"]
    assert body["results"][0] == movie_json(new)
    assert {k: v for k, v in body.items() if k != "results"} == {
        "count": 4,
        "total_pages": 1,
        "current_page": 1,
        "has_next": False,
        "has_previous": False,
    }
    assert (a.id < b.id) and old.id


def test_search_values_with_nul_match_nothing(as_user, user):
    """Unknown values match nothing, never a 500 (PostgreSQL refuses NUL in parameters)."""
    MovieFactory(slug="m")
    get = as_user(user).get
    for query in ("name=a%00b", "genres[]=a%00b", "platforms=%00", "celebrities[]=%00", "actors=%00", "directors=%00"):
        response = get(f"/api/movies/searching/?{query}")
        assert (response.status_code, response.get_json()["count"]) == (200, 0), query
    assert get("/api/movies/searching/?name=").get_json()["count"] == 1


def test_search_pagination(as_user, user):
    for n in range(5):
        MovieFactory(slug=f"m{n}", release_date=date(2000 + n, 1, 1))
    body = as_user(user).get("/api/movies/searching/?limit=2&page=2").get_json()
    assert [m["slug"] for m in body["results"]] == ["m2", "m1"]
    assert (body["count"], body["total_pages"], body["current_page"], body["has_next"], body["has_previous"]) == (
        5,
        3,
        2,
        True,
        True,
    )
    body = as_user(user).get("/api/movies/searching/?limit=2&page=99").get_json()
    assert ([m["slug"] for m in body["results"]], body["current_page"], body["has_next"]) == (["m0"], 3, False)


def test_english_translation_row_is_used_for_english_callers(as_user, user, linked_movie):
    """API.md 1.6: translated content comes from the row of the active language, `en` included; blank falls back."""
    add_movie_translation(linked_movie, "en", title="The Long Night (Director's Cut)", synopsis=" ")
    body = as_user(user).get("/api/movies/the-long-night/").get_json()
    assert (body["title"], body["synopsis"]) == ("The Long Night (Director's Cut)", "Dark.")
    assert slugs(as_user(user).get("/api/movies/searching/?name=director")) == ["the-long-night"]
    spanish = as_user(UserFactory(preferred_language="es")).get("/api/movies/the-long-night/").get_json()
    assert spanish["title"] == "The Long Night"


def test_search_by_name_in_base_or_callers_title(as_user):
    night = MovieFactory(title="The Long Night", slug="night")
    day = MovieFactory(title="Day", slug="day")
    MovieFactory(title="100% Élan_x", slug="elan")
    add_movie_translation(day, "es", title="El día NOCTURNO")
    add_movie_translation(night, "fr", title="La longue nuit")
    spanish, english = UserFactory(preferred_language="es"), UserFactory()
    assert slugs(as_user(spanish).get("/api/movies/searching/?name=noct")) == ["day"]
    assert slugs(as_user(english).get("/api/movies/searching/?name=noct")) == []
    assert slugs(as_user(english).get("/api/movies/searching/?name=LONG")) == ["night"]
    assert slugs(as_user(spanish).get("/api/movies/searching/?name=longue")) == []
    assert slugs(as_user(english).get("/api/movies/searching/?name=%C3%A9LAN_")) == ["elan"]
    assert slugs(as_user(english).get("/api/movies/searching/?name=0%25")) == ["elan"]
    assert slugs(as_user(english).get("/api/movies/searching/?name=_")) == ["elan"]
    assert len(slugs(as_user(english).get("/api/movies/searching/?name=+"))) == 3


def test_search_folds_case_beyond_lower_casing(as_user):
    """API.md 6.8a: Unicode case folding, the same on both databases: ß is ss, a final sigma is a sigma."""
    MovieFactory(title="Die Straße", slug="strasse")
    MovieFactory(title="ΟΔΥΣΣΕΥΣ", slug="odysseus")
    MovieFactory(title="The ﬁnal cut", slug="final-cut")
    client = as_user(UserFactory())
    assert slugs(client.get("/api/movies/searching/?name=STRASSE")) == ["strasse"]
    assert slugs(client.get("/api/movies/searching/?name=stra%C3%9Fe")) == ["strasse"]  # straße
    assert slugs(client.get("/api/movies/searching/?name=%CE%BF%CE%B4%CF%85%CF%83%CF%83%CE%B5%CF%85%CF%82")) == [
        "odysseus"
    ]  # οδυσσευς, with a final sigma
    assert slugs(client.get("/api/movies/searching/?name=FINAL")) == ["final-cut"]


def test_search_by_relations_both_spellings_no_duplicates(as_user, user):
    drama, comedy, horror = (GenreFactory(slug=s) for s in ("drama", "comedy", "horror"))
    netflix, hbo = PlatformFactory(slug="netflix"), PlatformFactory(slug="hbo")
    ann, bob = PersonFactory(slug="ann"), PersonFactory(slug="bob")
    both = MovieFactory(slug="both", release_date=date(2020, 1, 1))
    dramatic = MovieFactory(slug="dramatic", release_date=date(2019, 1, 1))
    funny = MovieFactory(slug="funny", release_date=date(2018, 1, 1))
    link_movie(both, genres=[drama, comedy], platforms=[netflix, hbo], actors=[ann, bob], directors=[ann])
    link_movie(dramatic, genres=[drama], platforms=[hbo], directors=[bob])
    link_movie(funny, genres=[comedy], actors=[bob])
    db.session.commit()
    get = as_user(user).get
    assert slugs(get("/api/movies/searching/?genres[]=drama&genres[]=comedy")) == ["both", "dramatic", "funny"]
    assert slugs(get("/api/movies/searching/?genres=drama&genres[]=comedy")) == ["both", "dramatic", "funny"]
    assert slugs(get("/api/movies/searching/?genres=drama")) == ["both", "dramatic"]
    assert slugs(get("/api/movies/searching/?genres=horror")) == []
    assert slugs(get("/api/movies/searching/?genres=nope")) == []
    assert slugs(get("/api/movies/searching/?genres=nope&genres=comedy")) == ["both", "funny"]
    assert slugs(get("/api/movies/searching/?platforms[]=hbo")) == ["both", "dramatic"]
    assert slugs(get("/api/movies/searching/?actors=bob")) == ["both", "funny"]
    assert slugs(get("/api/movies/searching/?directors[]=bob")) == ["dramatic"]
    assert slugs(get("/api/movies/searching/?celebrities[]=bob")) == ["both", "dramatic", "funny"]
    assert slugs(get("/api/movies/searching/?celebrities=ann")) == ["both"]
    assert slugs(get("/api/movies/searching/?genres=comedy&platforms=hbo")) == ["both"]
    assert slugs(get("/api/movies/searching/?genres=drama&actors=bob&directors=bob")) == []
    assert slugs(get("/api/movies/searching/?genres=drama&celebrities=bob&name=MOVIE")) == ["both", "dramatic"]
    assert as_user(user).get("/api/movies/searching/?genres=drama&genres=comedy").get_json()["count"] == 3
    soft_delete(drama)
    assert slugs(get("/api/movies/searching/?genres=drama")) == []
    soft_delete(bob)
    assert slugs(get("/api/movies/searching/?celebrities=bob")) == []


def test_search_by_the_callers_stars_unseen_and_reviews(as_user, user):
    other = UserFactory()
    one, two, three, four = (MovieFactory(slug=f"m{n}", release_date=date(2000 + n, 1, 1)) for n in range(1, 5))
    RatingFactory(user=user, movie=one, rating=5)
    RatingFactory(user=user, movie=two, rating=3)
    RatingFactory(user=other, movie=three, rating=5)
    db.session.add_all(
        [models.UnseenMark(user_id=user.id, movie_id=three.id), models.UnseenMark(user_id=other.id, movie_id=four.id)]
    )
    ReviewFactory(user=user, movie=four)
    deleted_review = ReviewFactory(user=user, movie=one)
    soft_delete(deleted_review)
    ReviewFactory(user=other, movie=two)
    get = as_user(user).get
    assert slugs(get("/api/movies/searching/?stars[]=5")) == ["m1"]
    assert slugs(get("/api/movies/searching/?stars=5&stars=3")) == ["m2", "m1"]
    assert slugs(get("/api/movies/searching/?stars=4")) == []
    assert slugs(get("/api/movies/searching/?stars=x")) == []
    assert slugs(get("/api/movies/searching/?stars=9&stars=3")) == ["m2"]
    assert slugs(get("/api/movies/searching/?marked_unseen=true")) == ["m3"]
    assert slugs(get("/api/movies/searching/?marked_unseen=TRUE&stars=5")) == []
    assert slugs(get("/api/movies/searching/?marked_unseen=yes")) == ["m4", "m3", "m2", "m1"]
    assert slugs(get("/api/movies/searching/?reviewed=true")) == ["m4"]
    assert slugs(get("/api/movies/searching/?reviewed=false")) == ["m4", "m3", "m2", "m1"]


def test_search_query_count_does_not_grow_with_page_size(as_user, user, count_queries):
    """Cold (nothing cached) and warm, whatever the limit. A page whose filters read only the catalogue is shared by
    every caller, so a warm one reads no row at all (the caller's facts are cached too); with a filter on the caller's
    own data, the page is read (with its count, in one query) and its movies come from the cache."""
    bulk_catalogue(55)
    for movie in models.Movie.query.all():
        db.session.add(models.UnseenMark(user_id=user.id, movie_id=movie.id))
    db.session.commit()
    client = as_user(user)
    warm_statements = {"": [], "&name=bulk&genres=bulk-genre-0": []}
    for query in ("", "&name=bulk&genres=bulk-genre-0", "&celebrities=star&name=bulk&marked_unseen=true"):
        counts = {}
        for limit in (5, 50):
            cache.clear()
            for state in ("cold", "warm"):
                db.session.expunge_all()  # a request starts with an empty session, as in production
                with count_queries() as counter:
                    body = client.get(f"/api/movies/searching/?limit={limit}{query}").get_json()
                assert len(body["results"]) == limit and body["count"] == 55
                counts[state, limit] = counter.count
                if state == "warm":
                    expected = warm_statements.get(query, ["count(*) OVER ()"])
                    assert [next(part for part in expected if part in sql) for sql in counter.statements] == expected
        assert counts["cold", 5] == counts["cold", 50] > counts["warm", 5] == counts["warm", 50]


def test_search_and_detail_in_two_languages_with_award_and_genre(as_user, linked_movie):
    german = UserFactory(preferred_language="de")
    drama = models.Genre.query.filter_by(slug="drama").one()
    add_genre_translation(drama, "de", "Drama DE")
    body = as_user(german).get("/api/movies/searching/?name=long").get_json()
    assert [g["name"] for g in body["results"][0]["genres"]] == ["Drama DE", "Comedy"]
    award = models.Award.query.one()
    assert as_user(german).get("/api/awards/best-picture-2020/").get_json() == award_json(award, "Bester Film")
    english = UserFactory()
    assert as_user(english).get("/api/awards/best-picture-2020").get_json() == award_json(award, "Best Picture")
