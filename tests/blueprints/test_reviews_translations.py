"""Translation endpoints of reviews, comments and user bios (API.md 5.2, 5.5, 6.8, 7.6)."""

from __future__ import annotations

import pytest

from moviesx.extensions import db
from tests.factories import CommentFactory, ReviewFactory, UserFactory
from tests.support.deepl_stub import DeepLStub


@pytest.fixture
def deepl(app_config):
    """Configures the app for the stub: list it before `as_user`/`app` so it runs before the app is built."""
    with DeepLStub() as stub:
        app_config.update(DEEPL_API_KEY="test-key", DEEPL_SERVER_URL=stub.url)
        yield stub


def test_review_translation_into_the_callers_language(deepl, as_user, app):
    review = ReviewFactory(title="Great film", content="I loved it")
    reader = UserFactory(preferred_language="de")
    response = as_user(reader).get(f"/api/reviews/{review.id}/translations/")
    assert response.status_code == 200
    assert response.get_json() == {"title": "[DE] Great film", "content": "[DE] I loved it"}
    # cached: a second request does not reach the translator
    assert as_user(reader).get(f"/api/reviews/{review.id}/translations").get_json() == {
        "title": "[DE] Great film",
        "content": "[DE] I loved it",
    }
    assert len(deepl.calls) == 2


def test_comment_translation(deepl, as_user, app):
    comment = CommentFactory(content="Nice one")
    reader = UserFactory(preferred_language="fr")
    response = as_user(reader).get(f"/api/reviews/{comment.review_id}/comments/{comment.id}/translations/")
    assert response.get_json() == {"content": "[FR] Nice one"}


def test_user_bio_translation(deepl, as_user, app):
    author = UserFactory(bio="I like films")
    silent = UserFactory(bio=None)
    reader = UserFactory(preferred_language="es")
    assert as_user(reader).get(f"/api/users/{author.username}/translations/").get_json() == {"bio": "[ES] I like films"}
    assert as_user(reader).get(f"/api/users/{silent.username}/translations/").get_json() == {"bio": None}
    gone = UserFactory(is_active=False, bio="x")
    response = as_user(reader).get(f"/api/users/{gone.username}/translations/")
    assert response.status_code == 404
    assert response.get_json()["model"] == "User"


def test_failure_gives_the_original_with_200(deepl, as_user, app):
    deepl.fail_with = 500
    review = ReviewFactory(title="Plain", content="Text")
    response = as_user(UserFactory(preferred_language="es")).get(f"/api/reviews/{review.id}/translations/")
    assert (response.status_code, response.get_json()) == (200, {"title": "Plain", "content": "Text"})


def test_without_a_key_the_text_comes_back_untranslated(as_user, app):
    review = ReviewFactory(title="Plain", content="Text")
    response = as_user(UserFactory(preferred_language="es")).get(f"/api/reviews/{review.id}/translations/")
    assert (response.status_code, response.get_json()) == (200, {"title": "Plain", "content": "Text"})


def test_deleted_objects_are_404(as_user, app):
    comment = CommentFactory()
    comment.delete()
    db.session.commit()
    response = as_user(UserFactory()).get(f"/api/reviews/{comment.review_id}/comments/{comment.id}/translations/")
    assert response.status_code == 404
    assert response.get_json()["model"] == "Comment"


def test_the_three_endpoints_share_a_30_per_minute_bucket(as_user, app):
    reader = UserFactory()
    review = ReviewFactory()
    comment = CommentFactory(review=review)
    paths = [
        f"/api/reviews/{review.id}/translations/",
        f"/api/reviews/{review.id}/comments/{comment.id}/translations/",
        f"/api/users/{reader.username}/translations/",
    ]
    for n in range(30):
        assert as_user(reader).get(paths[n % 3]).status_code == 200
    for path in paths:
        response = as_user(reader).get(path)
        assert response.status_code == 429
        assert response.get_json()["detail"].startswith("Request was throttled. Expected available in ")
        assert int(response.headers["Retry-After"]) >= 1
    # other endpoints and other users are not affected
    assert as_user(reader).get(f"/api/reviews/{review.id}/").status_code == 200
    assert as_user(UserFactory()).get(paths[0]).status_code == 200
    # the lookup happens after the rate limit: an unknown review is still 429
    assert as_user(reader).get("/api/reviews/999999/translations/").status_code == 429
