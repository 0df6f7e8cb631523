"""Catalogue test helpers: translations, expected shapes and a real PNG."""

from __future__ import annotations

import io

from PIL import Image

from moviesx import models
from moviesx.extensions import db

HOST = "http://localhost"


def png_bytes(size: tuple[int, int] = (4, 3), colour: str = "red", fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def add_movie_translation(movie, language: str, **values) -> models.MovieTranslation:
    row = models.MovieTranslation(movie_id=movie.id, language=language, **values)
    db.session.add(row)
    db.session.commit()
    return row


def add_genre_translation(genre, language: str, name: str) -> None:
    db.session.add(models.GenreTranslation(genre_id=genre.id, language=language, name=name))
    db.session.commit()


def add_person_translation(person, language: str, biography: str) -> None:
    db.session.add(models.PersonTranslation(person_id=person.id, language=language, biography=biography))
    db.session.commit()


def genre_json(genre, name: str | None = None) -> dict:
    return {"id": genre.id, "name": name or genre.name, "slug": genre.slug}


def platform_json(platform) -> dict:
    image = f"{HOST}/media/{platform.image}" if platform.image else None
    return {"id": platform.id, "name": platform.name, "slug": platform.slug, "url": platform.url, "image": image}


def award_json(award, category: str = "Best Picture") -> dict:
    return {
        "id": award.id,
        "name": award.name,
        "slug": award.slug,
        "category": category,
        "icon": f"{HOST}/media/{award.icon or 'awards/no-award.png'}",
        "date": award.date.isoformat() if award.date else None,
    }


def movie_json(movie, *, title=None, synopsis=None, cover=None, genres=(), platforms=(), awards=(), actors=(), directors=()):
    return {
        "id": movie.id,
        "title": title or movie.title,
        "slug": movie.slug,
        "release_date": movie.release_date.isoformat(),
        "synopsis": synopsis or movie.synopsis,
        "cover": f"{HOST}/media/{cover or movie.cover or 'movies/covers/no-movie.png'}",
        "genres": list(genres),
        "platforms": list(platforms),
        "awards": [f"{HOST}/api/awards/{a.slug}/" for a in awards],
        "actors": [f"{HOST}/api/persons/{p.slug}/" for p in actors],
        "directors": [f"{HOST}/api/persons/{p.slug}/" for p in directors],
    }


def person_json(person, *, biography=None, awards=()) -> dict:
    return {
        "id": person.id,
        "name": person.name,
        "slug": person.slug,
        "image": f"{HOST}/media/{person.image or 'person/default.png'}",
        "awards": list(awards),
        "biography": person.biography if biography is None else biography,
        "birthday": person.birthday.isoformat() if person.birthday else None,
        "deathday": person.deathday.isoformat() if person.deathday else None,
        "gender": person.gender,
    }


def soft_delete(obj) -> None:
    obj.delete()
    db.session.commit()
