"""Translating user content (API.md 6.8, 23): a pluggable translator, DeepL by default, cached, never failing,
within daily character budgets.

A translator is any object with `translate(text, target_language) -> str` that raises on failure.
`app.extensions["translator"]` may hold one (tests and other back ends plug in there); otherwise
DeepL is used when `DEEPL_API_KEY` is set, and no translator at all when it is not.

Every character sent to the translator is paid from two budgets of the current UTC day, the caller's
and everyone's, kept in the cache next to the translations (Redis counts atomically); cache hits are
free. The budgets guard against abuse, so they fail closed: an unreachable cache answers 503 (API.md 21).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Protocol

from flask import current_app

from moviesx.clock import today
from moviesx.extensions import cache
from moviesx.services.accounts.cooldowns import cache_required

log = logging.getLogger("moviesx.translator")

CACHE_SECONDS = 30 * 24 * 3600
BUDGET_SECONDS = 2 * 24 * 3600  # a day's counters outlive their UTC day, then leave the cache
TIMEOUT_SECONDS = 10.0
DEEPL_TARGETS = {"en": "EN-US", "es": "ES", "fr": "FR", "de": "DE"}


class Translator(Protocol):
    def translate(self, text: str, target_language: str) -> str: ...


class UnsupportedLanguage(ValueError):
    """The translator has no target for this language code."""


class DeepLTranslator:
    """DeepL through the official `deepl` client: source detected, one attempt, 10 s timeout."""

    def __init__(self, auth_key: str, server_url: str | None = None):
        import deepl
        from deepl import http_client

        # The client otherwise retries 5xx answers with exponential backoff, far past our 10 s budget.
        http_client.max_network_retries = 0
        http_client.min_connection_timeout = TIMEOUT_SECONDS
        self._client = deepl.Translator(auth_key, server_url=server_url, send_platform_info=False)

    def translate(self, text: str, target_language: str) -> str:
        target = DEEPL_TARGETS.get(target_language)
        if target is None:
            raise UnsupportedLanguage(target_language)
        return self._client.translate_text(text, target_lang=target).text


def configured_translator() -> Translator | None:
    plugged = current_app.extensions.get("translator")
    if plugged is not None:
        return plugged
    key = current_app.config.get("DEEPL_API_KEY")
    if not key:
        return None
    return DeepLTranslator(key, current_app.config.get("DEEPL_SERVER_URL"))


def _cache_key(text: str, target_language: str) -> str:
    return f"translation:{hashlib.sha256(text.encode('utf-8')).hexdigest()}:{target_language}"


class CacheRefused(RuntimeError):
    """The cache answered but did not store a counter."""


def _spend(user_id: int, characters: int) -> bool:
    """Take `characters` from today's budgets, the user's then everyone's; False (taking nothing) when they do
    not fit in either. Counting first and giving back on refusal keeps concurrent requests within the budget."""
    day = today().isoformat()
    budgets = (
        (f"translation-budget:{day}:user:{user_id}", current_app.config["TRANSLATION_USER_DAILY_CHARS"]),
        (f"translation-budget:{day}:all", current_app.config["TRANSLATION_DAILY_CHARS"]),
    )
    taken = []
    with cache_required():
        backend = cache.cache  # Flask-Caching does not proxy inc/dec
        for key, budget in budgets:
            backend.add(key, 0, timeout=BUDGET_SECONDS)
            total = backend.inc(key, characters)
            if total is None:
                raise CacheRefused(key)
            taken.append(key)
            if total > budget:
                for spent in taken:
                    backend.dec(spent, characters)
                return False
    return True


def translate(text: str | None, target_language: str, user_id: int) -> str | None:
    """`text` in `target_language` for user `user_id`; null or blank text, no translator, a spent budget or
    any translator failure gives `text` back."""
    if text is None or not text.strip():
        return text
    translator = configured_translator()
    if translator is None:
        return text
    key = _cache_key(text, target_language)
    cached = _cache_call(cache.get, key)
    if cached is not None:
        return cached
    if not _spend(user_id, len(text)):
        log.info("Translation budget spent; returning the original text")
        return text
    try:
        result = translator.translate(text, target_language)
    except Exception:  # noqa: BLE001 - any failure (network, quota, language) falls back to the original
        log.warning("Translation to %s failed; returning the original text", target_language, exc_info=True)
        return text
    if not isinstance(result, str):
        return text
    _cache_call(cache.set, key, result, timeout=CACHE_SECONDS)
    return result


def _cache_call(method, *args, **kwargs):
    """The translations cache only saves translator calls; the budget (`_spend`) is what fails closed."""
    try:
        return method(*args, **kwargs)
    except Exception:  # noqa: BLE001 - any cache backend error
        log.warning("Translation cache unavailable", exc_info=True)
        return None
