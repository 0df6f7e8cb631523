"""factory_boy factories for every model; they commit through the app's session."""

from __future__ import annotations

from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from moviesx import models
from moviesx.extensions import db
from moviesx.services.accounts.passwords import hash_password

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = models.User

    username = factory.Sequence(lambda n: f"user_{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    bio = None
    verified = True
    boarded = True
    is_staff = False
    is_active = True
    preferred_language = "en"
    password_hash = factory.LazyFunction(lambda: hash_password(DEFAULT_PASSWORD))


class GenreFactory(BaseFactory):
    class Meta:
        model = models.Genre

    name = factory.Sequence(lambda n: f"Genre {n}")
    slug = factory.Sequence(lambda n: f"genre-{n}")


class PlatformFactory(BaseFactory):
    class Meta:
        model = models.Platform

    name = factory.Sequence(lambda n: f"Platform {n}")
    slug = factory.Sequence(lambda n: f"platform-{n}")
    url = factory.LazyAttribute(lambda p: f"https://{p.slug}.example.com")


class AwardFactory(BaseFactory):
    class Meta:
        model = models.Award

    name = factory.Sequence(lambda n: f"Award {n}")
    slug = factory.Sequence(lambda n: f"award-{n}")
    category = "BP"
    date = date(2020, 2, 9)


class PersonFactory(BaseFactory):
    class Meta:
        model = models.Person

    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")
    biography = "A person of the cinema."
    gender = 0


class MovieFactory(BaseFactory):
    class Meta:
        model = models.Movie

    title = factory.Sequence(lambda n: f"Movie {n}")
    slug = factory.Sequence(lambda n: f"movie-{n}")
    synopsis = "Things happen."
    release_date = factory.Sequence(lambda n: date(2000 + n % 20, 1 + n % 12, 1))
    popularity = 0.0


class RatingFactory(BaseFactory):
    class Meta:
        model = models.Rating

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
    rating = 4


class ReviewFactory(BaseFactory):
    class Meta:
        model = models.Review

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
    title = factory.Sequence(lambda n: f"Review {n}")
    content = "Worth watching."
    is_positive = True


class CommentFactory(BaseFactory):
    class Meta:
        model = models.Comment

    review = factory.SubFactory(ReviewFactory)
    user = factory.SubFactory(UserFactory)
    parent_id = None
    content = factory.Sequence(lambda n: f"Comment {n}")


class MovieListFactory(BaseFactory):
    class Meta:
        model = models.MovieList

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"List {n}")
    slug = factory.Sequence(lambda n: f"list-{n}")
    description = ""
    privacity = "P"


class WatchlistEntryFactory(BaseFactory):
    class Meta:
        model = models.WatchlistEntry

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)


class WatchFactory(BaseFactory):
    class Meta:
        model = models.Watch

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
    watched_on = date(2026, 1, 1)
    rating = None
    note = ""


def make_friends(a: models.User, b: models.User) -> None:
    """Write the friendship both ways plus the accepted request row, as accepting a request does."""
    low, high = sorted((a.id, b.id))
    db.session.add_all(
        [
            models.Friendship(user_id=a.id, friend_id=b.id),
            models.Friendship(user_id=b.id, friend_id=a.id),
            models.FriendRequest(from_user_id=a.id, to_user_id=b.id, pair_low=low, pair_high=high, status="A"),
        ]
    )
    db.session.commit()


def link_movie(movie: models.Movie, *, genres=(), platforms=(), awards=(), actors=(), directors=()) -> None:
    """Attach relations; actor and director order is the billing order."""
    movie.genres.extend(genres)
    movie.platforms.extend(platforms)
    movie.awards.extend(awards)
    for table, people in ((models.movie_actors, actors), (models.movie_directors, directors)):
        for position, person in enumerate(people):
            db.session.execute(table.insert().values(movie_id=movie.id, person_id=person.id, position=position))
    db.session.commit()
    db.session.expire(movie)
