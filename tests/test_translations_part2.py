"""Part 2's messages come back in the caller's language (API.md 1.6), from the checked-in catalogues."""

from __future__ import annotations

import pytest

from tests.factories import MovieFactory, UserFactory, WatchlistEntryFactory

ALREADY_IN = {
    "en": "Movie already in your watchlist",
    "es": "La película ya está en tu lista de pendientes",
    "fr": "Le film est déjà dans ta liste à voir",
    "de": "Der Film ist bereits auf deiner Merkliste",
}
DIARY_NOT_FOUND = {
    "en": "Diary not found",
    "es": "Diario no encontrado",
    "fr": "Journal introuvable",
    "de": "Tagebuch nicht gefunden",
}
INVALID_CURSOR = {"en": "Invalid cursor", "es": "Cursor inválido", "fr": "Curseur invalide", "de": "Ungültiger Cursor"}


@pytest.mark.parametrize("language", ["en", "es", "fr", "de"])
def test_watchlist_diary_and_activity_errors_are_translated(app, as_user, language):
    caller = UserFactory(username="caller", preferred_language=language)
    movie = MovieFactory(slug="heat")
    WatchlistEntryFactory(user=caller, movie=movie)
    UserFactory(username="stranger")
    client = as_user(caller)

    added = client.post("/api/movies/heat/watchlist/")
    assert (added.status_code, added.get_json()) == (400, {"error": ALREADY_IN[language]})
    diary = client.get("/api/users/stranger/diary/")
    assert (diary.status_code, diary.get_json()) == (404, {"error": DIARY_NOT_FOUND[language]})
    activity = client.get("/api/me/activity/?cursor=not-a-cursor")
    assert (activity.status_code, activity.get_json()) == (400, {"error": INVALID_CURSOR[language]})
