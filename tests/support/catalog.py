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


def bulk_catalogue(count: int = 55) -> dict:
    """`count` genres, platforms, awards, persons and movies, all linked and translated, in one commit.

    For query-count tests: every nested array and translation a dump touches is non-empty. The person
    `star` acts in and directs every movie.
    """
    from datetime import date

    genres = [models.Genre(name=f"Bulk genre {n}", slug=f"bulk-genre-{n}") for n in range(count)]
    platforms = [models.Platform(name=f"Bulk platform {n}", slug=f"bulk-platform-{n}") for n in range(count)]
    awards = [models.Award(name=f"Bulk award {n}", slug=f"bulk-award-{n}", category="BP") for n in range(count)]
    star = models.Person(name="Star", slug="star", awards=awards[:2])
    persons = [models.Person(name=f"P{n:03d}", slug=f"p{n:03d}", awards=awards[:2]) for n in range(count)]
    movies = [
        models.Movie(
            title=f"Bulk movie {n}",
            slug=f"bulk-movie-{n}",
            synopsis="S",
            release_date=date(2000, 1, 1 + n % 28),
            genres=genres[:2],
            platforms=platforms[:2],
            awards=awards[:2],
        )
        for n in range(count)
    ]
    db.session.add_all([*genres, *platforms, *awards, star, *persons, *movies])
    db.session.flush()
    for index, person in enumerate(persons):
        db.session.add(models.PersonTranslation(person_id=person.id, language="es", biography=f"Bio {index}"))
    for genre in genres:
        db.session.add(models.GenreTranslation(genre_id=genre.id, language="es", name=f"{genre.name} es"))
    links = []
    for index, movie in enumerate(movies):
        db.session.add(models.MovieTranslation(movie_id=movie.id, language="es", title=f"Película {index}"))
        links.append((movie.id, persons[index].id))
    for table in (models.movie_actors, models.movie_directors):
        db.session.execute(
            table.insert(),
            [{"movie_id": m, "person_id": p, "position": 1} for m, p in links]
            + [{"movie_id": movie.id, "person_id": star.id, "position": 0} for movie in movies],
        )
    db.session.commit()
    return {"genres": genres, "persons": persons, "movies": movies, "star": star}
