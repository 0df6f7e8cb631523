"""Catalogue: movie, person, genre, platform and award shapes, search and staff bodies."""
