"""The active language of a request (API.md 1.6) and translated-content fallback."""

from __future__ import annotations

from flask import g, has_request_context, request
from flask_babel import refresh

from moviesx.models.accounts import LANGUAGES

DEFAULT_LANGUAGE = "en"


def active_language() -> str:
    return g.get("language", DEFAULT_LANGUAGE) if has_request_context() else DEFAULT_LANGUAGE


def set_language(code: str | None) -> None:
    g.language = code if code in LANGUAGES else DEFAULT_LANGUAGE
    refresh()


def language_from_query() -> str:
    """`none` endpoints: the `lang` query parameter when supported, else English."""
    code = request.args.get("lang")
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def pick_translation(translations, language: str | None = None):
    """The translation row for the active language (`en` rows included), or None."""
    language = language or active_language()
    for row in translations:
        if row.language == language:
            return row
    return None


def translated(obj, field: str, language: str | None = None):
    """`obj.<field>` in the active language, falling back to the base value when missing or empty."""
    row = pick_translation(obj.translations, language)
    value = getattr(row, field, None) if row is not None else None
    if value is None or (isinstance(value, str) and not value.strip()):
        return getattr(obj, field)
    return value
