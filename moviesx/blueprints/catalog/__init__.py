"""Catalogue: movies, persons, genres, platforms, awards, and the staff catalogue."""
