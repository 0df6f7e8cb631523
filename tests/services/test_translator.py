"""The translator service (API.md 6.8) against a local DeepL stand-in."""

from __future__ import annotations

import socket

import pytest

from moviesx.config import REDIS_CACHE_TYPE
from moviesx.http.errors import APIError
from moviesx.services.social.translator import CACHE_SECONDS, translate
from tests.support.backends import stopped_redis_url
from tests.support.deepl_stub import DeepLStub


@pytest.fixture
def deepl():
    with DeepLStub() as stub:
        yield stub


@pytest.fixture
def deepl_app(app_config, deepl):
    app_config.update(DEEPL_API_KEY="test-key", DEEPL_SERVER_URL=deepl.url)
    return app_config


def test_success_uses_deepl_targets_and_auto_detection(deepl_app, app, deepl):
    assert translate("Hello", "es", 1) == "[ES] Hello"
    assert translate("Hello", "en", 1) == "[EN-US] Hello"
    assert translate("Hello", "fr", 1) == "[FR] Hello"
    assert translate("Hello", "de", 1) == "[DE] Hello"
    assert [call["target_lang"] for call in deepl.calls] == ["ES", "EN-US", "FR", "DE"]
    assert all("source_lang" not in call for call in deepl.calls)
    assert deepl.calls[0]["auth"] == "DeepL-Auth-Key test-key"
    assert deepl.calls[0]["text"] == ["Hello"]


def test_cache_hit_does_not_call_the_server(deepl_app, app, deepl):
    assert translate("Cached text", "de", 1) == "[DE] Cached text"
    assert translate("Cached text", "de", 1) == "[DE] Cached text"
    assert len(deepl.calls) == 1
    assert translate("Cached text", "fr", 1) == "[FR] Cached text"
    assert len(deepl.calls) == 2


def test_cache_entries_last_thirty_days(redis_app_config, deepl):
    redis_app_config.update(DEEPL_API_KEY="test-key", DEEPL_SERVER_URL=deepl.url)
    from redis import Redis

    from moviesx import create_app

    application = create_app(redis_app_config)
    with application.app_context():
        assert translate("Keep me", "es", 1) == "[ES] Keep me"
    client = Redis.from_url(redis_app_config["REDIS_URL"])
    keys = client.keys("moviesx:translation:*")
    assert len(keys) == 1
    assert CACHE_SECONDS == 30 * 24 * 3600
    assert CACHE_SECONDS - 60 <= client.ttl(keys[0]) <= CACHE_SECONDS


def test_failure_returns_the_original_and_is_not_cached(deepl_app, app, deepl):
    deepl.fail_with = 500
    assert translate("Fragile", "es", 1) == "Fragile"
    assert len(deepl.calls) == 1  # no retries with backoff
    deepl.fail_with = None
    assert translate("Fragile", "es", 1) == "[ES] Fragile"
    assert len(deepl.calls) == 2


def test_quota_exceeded_returns_the_original(deepl_app, app, deepl):
    deepl.fail_with = 456
    assert translate("Quota", "fr", 1) == "Quota"


def test_unsupported_language_returns_the_original(deepl_app, app, deepl):
    assert translate("Ciao", "it", 1) == "Ciao"
    assert deepl.calls == []


def test_null_and_blank_are_returned_as_they_are(deepl_app, app, deepl):
    assert translate(None, "es", 1) is None
    assert translate("", "es", 1) == ""
    assert translate("  \n", "es", 1) == "  \n"
    assert deepl.calls == []


def test_no_key_means_no_translator(app, deepl):
    assert app.config["DEEPL_API_KEY"] is None
    assert translate("Hello", "es", 1) == "Hello"
    assert deepl.calls == []


def test_unreachable_server_returns_the_original(app_config):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app_config.update(DEEPL_API_KEY="test-key", DEEPL_SERVER_URL=f"http://127.0.0.1:{port}")
    from moviesx import create_app

    application = create_app(app_config)
    with application.app_context():
        assert translate("Nobody home", "es", 1) == "Nobody home"


def test_a_plugged_translator_is_used(app, monkeypatch):
    class Upper:
        def translate(self, text, target_language):
            return f"{target_language}:{text.upper()}"

    monkeypatch.setitem(app.extensions, "translator", Upper())  # removed afterwards: the app is reused
    assert translate("quiet", "fr", 1) == "fr:QUIET"


def test_a_cache_outage_fails_closed(app_config, deepl):
    """The budget cannot be checked without the cache: 503, and nothing is sent (API.md 21)."""
    app_config.update(
        DEEPL_API_KEY="test-key",
        DEEPL_SERVER_URL=deepl.url,
        CACHE_TYPE=REDIS_CACHE_TYPE,
        CACHE_REDIS_URL=stopped_redis_url(),
    )
    from moviesx import create_app

    application = create_app(app_config)
    with application.app_context(), pytest.raises(APIError) as raised:
        translate("Not without a budget", "es", 1)
    assert (raised.value.status, raised.value.body) == (503, {"error": "Service temporarily unavailable"})
    assert deepl.calls == []
