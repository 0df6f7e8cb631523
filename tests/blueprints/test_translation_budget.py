"""Daily character budgets of the translation endpoints (API.md 23), against the local DeepL stand-in."""

from __future__ import annotations

import pytest

from moviesx.clock import today
from moviesx.config import REDIS_CACHE_TYPE
from moviesx.extensions import cache, db
from moviesx.services.social.translator import BUDGET_SECONDS
from tests.factories import ReviewFactory, UserFactory
from tests.support.backends import stopped_redis_url
from tests.support.deepl_stub import DeepLStub


def characters_received(stub: DeepLStub) -> int:
    return sum(len(text) for call in stub.calls for text in call["text"])


@pytest.fixture
def deepl(app_config):
    """Small budgets: 100 characters a user, 150 for everyone, a day."""
    with DeepLStub() as stub:
        app_config.update(
            DEEPL_API_KEY="test-key",
            DEEPL_SERVER_URL=stub.url,
            TRANSLATION_USER_DAILY_CHARS=100,
            TRANSLATION_DAILY_CHARS=150,
        )
        yield stub


def translations(as_user, user, review):
    response = as_user(user).get(f"/api/reviews/{review.id}/translations/")
    assert response.status_code == 200
    return response.get_json()


def version(number: int) -> str:
    return f"Edited content, version {number:06d}"  # 30 characters


def test_edit_then_translate_stops_at_the_users_budget(deepl, as_user, app, clock):
    clock.now = clock.now.replace(hour=23, minute=30)
    reader = UserFactory(preferred_language="es")
    review = ReviewFactory(title="Ten chars!", content="Original content of the review")  # 10 + 30
    assert translations(as_user, reader, review) == {"title": "[ES] Ten chars!", "content": "[ES] Original content of the review"}
    answers = []
    for number in (1, 2, 3):  # each edit makes new text: the cache cannot help
        review.content = version(number)
        db.session.commit()
        answers.append(translations(as_user, reader, review))
    assert answers == [
        {"title": "[ES] Ten chars!", "content": f"[ES] {version(1)}"},  # the title is a cache hit: free
        {"title": "[ES] Ten chars!", "content": f"[ES] {version(2)}"},  # 100 characters: the whole budget
        {"title": "[ES] Ten chars!", "content": version(3)},  # past the budget: untranslated, still 200
    ]
    assert characters_received(deepl) == 100
    # Cache hits stay free past the budget; another user has a budget of their own.
    review.content = version(1)
    db.session.commit()
    assert translations(as_user, reader, review)["content"] == f"[ES] {version(1)}"
    review.content = version(3)
    db.session.commit()
    assert translations(as_user, UserFactory(preferred_language="es"), review)["content"] == f"[ES] {version(3)}"
    assert characters_received(deepl) == 130
    # A new UTC day brings a new budget.
    clock.advance(hours=1)
    review.content = version(4)
    db.session.commit()
    assert translations(as_user, reader, review)["content"] == f"[ES] {version(4)}"


def test_the_global_budget_is_shared_by_everyone(deepl, as_user, app):
    readers = UserFactory.create_batch(3, preferred_language="fr")
    author = UserFactory(bio="x" * 60)
    bios = []
    for reader in readers:
        author.bio = f"{reader.username:_<60}"
        db.session.commit()
        bios.append(as_user(reader).get(f"/api/users/{author.username}/translations/").get_json()["bio"])
    assert bios[0].startswith("[FR] ") and bios[1].startswith("[FR] ")
    assert not bios[2].startswith("[FR] ")  # 120 spent: 60 more would pass the 150 of everyone
    assert characters_received(deepl) == 120
    # The refused text took nothing, from either budget.
    day = today().isoformat()
    assert cache.cache.get(f"translation-budget:{day}:all") == 120
    assert cache.cache.get(f"translation-budget:{day}:user:{readers[2].id}") == 0


@pytest.fixture
def unreachable_cache(deepl, app_config):
    app_config.update(CACHE_TYPE=REDIS_CACHE_TYPE, CACHE_REDIS_URL=stopped_redis_url(), TESTS_CACHE_UNREACHABLE=True)
    return app_config


def test_a_budget_that_cannot_be_checked_answers_503(unreachable_cache, deepl, as_user, app):
    review = ReviewFactory(title="Title", content="Content")
    response = as_user(UserFactory()).get(f"/api/reviews/{review.id}/translations/")
    assert response.status_code == 503
    assert response.get_json() == {"error": "Service temporarily unavailable"}
    assert response.headers["Retry-After"] == "5"
    assert deepl.calls == []


def test_budgets_on_redis_count_atomically_and_expire(redis_app_config, deepl, as_user, app):
    from redis import Redis

    reader = UserFactory(preferred_language="de")
    review = ReviewFactory(title="Title", content="Some content")
    translations(as_user, reader, review)
    client = Redis.from_url(redis_app_config["REDIS_URL"])
    day = today().isoformat()
    keys = {f"moviesx:translation-budget:{day}:user:{reader.id}", f"moviesx:translation-budget:{day}:all"}
    assert {key.decode() for key in client.keys("moviesx:translation-budget:*")} == keys
    for key in keys:
        assert client.get(key) == b"17"
        assert BUDGET_SECONDS - 60 <= client.ttl(key) <= BUDGET_SECONDS
