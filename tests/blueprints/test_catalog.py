"""GET /api/genres/, /api/platforms/ and /api/awards/<slug>/ (API.md 5.7)."""

from __future__ import annotations

import pytest

from tests.factories import AwardFactory, GenreFactory, PlatformFactory, UserFactory
from tests.support.catalog import add_genre_translation, award_json, genre_json, platform_json, soft_delete


@pytest.fixture
def user(app):
    return UserFactory()


def test_genres_plain_array_by_id_translated(as_user, user):
    drama = GenreFactory(name="Drama", slug="drama")
    comedy = GenreFactory(name="Comedy", slug="comedy")
    gone = GenreFactory(name="Gone", slug="gone")
    soft_delete(gone)
    add_genre_translation(comedy, "de", "Komödie")
    add_genre_translation(drama, "de", "")
    response = as_user(user).get("/api/genres/")
    assert response.status_code == 200
    assert response.get_json() == [genre_json(drama), genre_json(comedy)]
    german = UserFactory(preferred_language="de")
    assert as_user(german).get("/api/genres").get_json() == [genre_json(drama), genre_json(comedy, "Komödie")]


def test_platforms_plain_array_by_id(as_user, user, app):
    netflix = PlatformFactory(name="Netflix", slug="netflix", image="platforms/netflix_20240101000000.png")
    hbo = PlatformFactory(name="HBO", slug="hbo", url=None)
    soft_delete(PlatformFactory())
    assert as_user(user).get("/api/platforms/").get_json() == [platform_json(netflix), platform_json(hbo)]
    assert as_user(user).get("/api/platforms/").get_json()[1] == {
        "id": hbo.id,
        "name": "HBO",
        "slug": "hbo",
        "url": None,
        "image": None,
    }
    assert as_user(user).get("/api/platforms/").get_json()[0]["image"] == (
        "http://localhost/media/platforms/netflix_20240101000000.png"
    )


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("en", "Best Actress in a Leading Role"),
        ("es", "Mejor actriz protagonista"),
        ("fr", "Meilleure actrice dans un premier rôle"),
        ("de", "Beste Hauptdarstellerin"),
    ],
)
def test_award_detail_category_label_translated(as_user, language, label):
    award = AwardFactory(name="Actress 2021", slug="actress-2021", category="WA", icon="awards/a.png")
    body = as_user(UserFactory(preferred_language=language)).get("/api/awards/actress-2021/").get_json()
    assert body == award_json(award, label)


def test_award_without_category_or_date(as_user, user):
    award = AwardFactory(name="Special", slug="special", category="", date=None)
    assert as_user(user).get("/api/awards/special/").get_json() == {
        "id": award.id,
        "name": "Special",
        "slug": "special",
        "category": "",
        "icon": "http://localhost/media/awards/no-award.png",
        "date": None,
    }


def test_award_slug_may_be_a_fixed_person_word_and_deleted_awards_404(as_user, user):
    AwardFactory(name="Searching", slug="searching")
    assert as_user(user).get("/api/awards/searching/").status_code == 200
    gone = AwardFactory(slug="gone")
    soft_delete(gone)
    response = as_user(user).get("/api/awards/gone/")
    assert response.status_code == 404
    assert response.get_json()["model"] == "Award"
    assert response.get_json()["lookup_value"] == "gone"


def test_award_slug_with_nul_is_the_generic_404(as_user, user):
    """A NUL in the path names no award (PostgreSQL cannot even compare it): the generic 404, never a 500."""
    response = as_user(user).get("/api/awards/a%00b/")
    assert (response.status_code, response.get_json()) == (
        404,
        {
            "error": "Not Found",
            "message": "The requested resource was not found.",
            "model": "Award",
            "lookup_value": "a\x00b",
        },
    )


def test_public_catalogue_requires_verified_user(client, as_user):
    assert client.get("/api/genres/").status_code == 401
    unverified = UserFactory(verified=False)
    assert as_user(unverified).get("/api/platforms/").get_json() == {"error": "User account is not verified"}


def test_genre_and_platform_arrays_use_constant_queries(as_user, user, count_queries):
    client = as_user(user)
    client.get("/api/genres/")  # warm-up: the caller is loaded
    counts = {}
    for size in (5, 50):
        for n in range(len(counts) * 5, size):
            genre = GenreFactory(name=f"G{n}", slug=f"g{n}")
            add_genre_translation(genre, "es", f"G{n} es")
            PlatformFactory(name=f"P{n}", slug=f"p{n}")
        with count_queries() as genres_counter:
            assert len(client.get("/api/genres/").get_json()) == size
        with count_queries() as platforms_counter:
            assert len(client.get("/api/platforms/").get_json()) == size
        counts[size] = (genres_counter.count, platforms_counter.count)
    assert counts[5] == counts[50]
