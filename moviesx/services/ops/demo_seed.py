"""`seed demo` (API.md 10.1): deterministic synthetic data, upserted so that a repeated run changes nothing.

The catalogue comes from `demo_data.build_catalogue` and is written through `catalog_import` (same validation,
translations and image handling); users and their social data are written directly, each row only
when its natural key is missing.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import bindparam, select, update

from moviesx.clock import today, utcnow
from moviesx.extensions import db
from moviesx.models import (
    EMOJIS,
    PRIVACY_CODES,
    Comment,
    FriendRequest,
    Friendship,
    Movie,
    MovieList,
    MovieListItem,
    Platform,
    Rating,
    Reaction,
    Review,
    User,
    Watch,
    WatchlistEntry,
)
from moviesx.services.accounts.passwords import hash_password
from moviesx.services.ops.catalog_import import import_document
from moviesx.services.ops.demo_data import (
    COMMENTS,
    DIARY_NOTES,
    FIRST_NAMES,
    LANGS,
    LAST_NAMES,
    LIST_THEMES,
    RATING_WEIGHTS,
    REVIEW_TEXTS,
    SeedOptions,
    build_catalogue,
)
from moviesx.slugify import slugify


@dataclass
class SeedReport:
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [f"{kind}: {created} created, {updated} updated" for kind, (created, updated) in self.counts.items()]


def seed_demo(options: SeedOptions) -> SeedReport:
    """Upsert the demo catalogue, users and social data; deterministic for a given seed."""
    report = SeedReport()
    started = utcnow()
    image_dir = Path(current_app.instance_path) / "demo-images" / str(options.seed)
    document = build_catalogue(options, image_dir)
    tallies = import_document(document, image_dir)
    for kind, tally in tallies.items():
        report.counts[kind] = (tally.created, tally.updated)
    rng = random.Random(options.seed + 1)
    users = _users(options, rng, report)
    slugs = [movie["slug"] for movie in document["movies"]]
    by_slug = {movie.slug: movie for movie in db.session.scalars(select(Movie).where(Movie.slug.in_(slugs)))}
    movies = [by_slug[slug] for slug in slugs if slug in by_slug]
    _friendships(users, rng, report)
    ratings = _ratings(users, movies, options.ratings, rng, report)
    reviews = _reviews(ratings, rng, report)
    comments = _comments(users, reviews, rng, report)
    _reactions(users, reviews, comments, rng, report)
    _lists(users, movies, rng, report)
    _watchlists(users, movies, ratings, rng, report)
    _diary(ratings, rng, report)
    _spread_over_past_days(started, random.Random(options.seed + 2))
    db.session.commit()
    return report


def _users(options: SeedOptions, rng: random.Random, report: SeedReport) -> list[User]:
    names = [f"demo_{index:03d}" for index in range(1, options.users + 1)]
    existing = {user.username: user for user in db.session.scalars(select(User).where(User.username.in_(names)))}
    platforms = db.session.scalars(select(Platform).order_by(Platform.id)).all()
    password_hash = None
    created = 0
    users = []
    for index, name in enumerate(names):
        chosen = rng.sample(platforms, k=min(len(platforms), rng.randint(1, 3)))
        user = existing.get(name)
        if user is None:
            password_hash = password_hash or hash_password(options.password)
            user = User(
                username=name,
                email=f"{name}@demo.moviesx.local",
                first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
                last_name=LAST_NAMES[index % len(LAST_NAMES)],
                bio=f"Demo user number {index + 1}.",
                verified=True,
                boarded=True,
                preferred_language=LANGS[index % len(LANGS)],
                password_hash=password_hash,
                platforms=chosen,
            )
            db.session.add(user)
            created += 1
        users.append(user)
    db.session.flush()
    report.counts["users"] = (created, 0)
    return users


def _friendships(users: list[User], rng: random.Random, report: SeedReport) -> None:
    ids = [user.id for user in users]
    existing = set(db.session.execute(select(FriendRequest.pair_low, FriendRequest.pair_high)).tuples())
    created = 0
    for user_id in ids:
        for other in rng.sample(ids, k=min(len(ids), 3)):
            low, high = sorted((user_id, other))
            if low == high or (low, high) in existing:
                continue
            existing.add((low, high))
            db.session.add_all(
                [
                    Friendship(user_id=low, friend_id=high),
                    Friendship(user_id=high, friend_id=low),
                    FriendRequest(from_user_id=user_id, to_user_id=other, pair_low=low, pair_high=high, status="A"),
                ]
            )
            created += 1
    db.session.flush()
    report.counts["friendships"] = (created, 0)


def _ratings(users: list[User], movies: list[Movie], wanted: int, rng: random.Random, report: SeedReport) -> list[Rating]:
    """Up to `wanted` distinct (user, movie) ratings; existing pairs keep their value."""
    if not users or not movies:
        report.counts["ratings"] = (0, 0)
        return []
    user_ids = [user.id for user in users]
    existing = {
        (rating.user_id, rating.movie_id): rating
        for rating in db.session.scalars(select(Rating).where(Rating.user_id.in_(user_ids)))
    }
    chosen: dict[tuple[int, int], int] = {}
    for _ in range(min(wanted, len(users) * len(movies))):
        pair = (rng.choice(user_ids), rng.choice(movies).id)
        stars = rng.choices(range(1, 6), weights=RATING_WEIGHTS)[0]
        chosen.setdefault(pair, stars)
    now = utcnow()
    created = 0
    result = []
    for (user_id, movie_id), stars in chosen.items():
        rating = existing.get((user_id, movie_id))
        if rating is None:
            rating = Rating(user_id=user_id, movie_id=movie_id, rating=stars, created_at=now, updated_at=now)
            db.session.add(rating)
            created += 1
        result.append(rating)
    db.session.flush()
    report.counts["ratings"] = (created, 0)
    return result


def _reviews(ratings: list[Rating], rng: random.Random, report: SeedReport) -> list[Review]:
    existing = (
        {
            (review.user_id, review.movie_id): review
            for review in db.session.scalars(select(Review).where(Review.user_id.in_({r.user_id for r in ratings})))
        }
        if ratings
        else {}
    )
    created, result = 0, []
    for rating in ratings:
        if rng.random() >= 0.2:
            continue
        title, content = rng.choice(REVIEW_TEXTS)
        review = existing.get((rating.user_id, rating.movie_id))
        if review is None:
            review = Review(
                user_id=rating.user_id, movie_id=rating.movie_id, title=title, content=content, is_positive=rating.rating >= 3
            )
            db.session.add(review)
            created += 1
        result.append(review)
    db.session.flush()
    report.counts["reviews"] = (created, 0)
    return result


def _comments(users: list[User], reviews: list[Review], rng: random.Random, report: SeedReport) -> list[Comment]:
    review_ids = [review.id for review in reviews]
    existing = (
        {
            (c.review_id, c.user_id, c.parent_id, c.content): c
            for c in db.session.scalars(select(Comment).where(Comment.review_id.in_(review_ids)))
        }
        if review_ids
        else {}
    )
    created, result = 0, []

    def upsert(review_id: int, user_id: int, parent_id: int | None, content: str) -> Comment:
        nonlocal created
        comment = existing.get((review_id, user_id, parent_id, content))
        if comment is None:
            comment = Comment(review_id=review_id, user_id=user_id, parent_id=parent_id, content=content)
            db.session.add(comment)
            db.session.flush()
            existing[(review_id, user_id, parent_id, content)] = comment
            created += 1
        result.append(comment)
        return comment

    for review in reviews:
        if rng.random() >= 0.5:
            continue
        first = upsert(review.id, rng.choice(users).id, None, rng.choice(COMMENTS))
        if rng.random() < 0.4:
            upsert(review.id, rng.choice(users).id, first.id, rng.choice(COMMENTS))
    report.counts["comments"] = (created, 0)
    return result


def _reactions(users: list[User], reviews: list[Review], comments: list[Comment], rng: random.Random, report: SeedReport) -> None:
    existing = {(r.user_id, r.review_id, r.comment_id, r.emoji) for r in db.session.scalars(select(Reaction))}
    codes = list(EMOJIS)
    created = 0
    targets = [(review.id, None) for review in reviews] + [(None, comment.id) for comment in comments]
    for review_id, comment_id in targets:
        if rng.random() >= 0.6:
            continue
        for _ in range(rng.randint(1, 3)):
            key = (rng.choice(users).id, review_id, comment_id, rng.choice(codes))
            if key in existing:
                continue
            existing.add(key)
            db.session.add(Reaction(user_id=key[0], review_id=review_id, comment_id=comment_id, emoji=key[3]))
            created += 1
    db.session.flush()
    report.counts["reactions"] = (created, 0)


def _lists(users: list[User], movies: list[Movie], rng: random.Random, report: SeedReport) -> None:
    existing = {(lst.user_id, lst.slug) for lst in db.session.scalars(select(MovieList))}
    created = items = 0
    counter = 0
    for user in users:
        for _ in range(rng.randint(1, 2)):
            theme = LIST_THEMES[counter % len(LIST_THEMES)]
            privacity = PRIVACY_CODES[counter % len(PRIVACY_CODES)]
            counter += 1
            picks = rng.sample(movies, k=min(len(movies), rng.randint(3, 8)))
            slug = slugify(theme)
            if (user.id, slug) in existing:
                continue
            existing.add((user.id, slug))
            movie_list = MovieList(
                user_id=user.id, name=theme, slug=slug, description=f"{theme} of {user.username}", privacity=privacity
            )
            movie_list.items = [MovieListItem(movie_id=movie.id, position=index) for index, movie in enumerate(picks)]
            db.session.add(movie_list)
            created += 1
            items += len(picks)
    db.session.flush()
    report.counts["movie lists"] = (created, 0)
    report.counts["list items"] = (items, 0)


def _watchlists(users: list[User], movies: list[Movie], ratings: list[Rating], rng: random.Random, report: SeedReport) -> None:
    """A few unrated movies on each user's watchlist (API.md 14)."""
    rated = {(rating.user_id, rating.movie_id) for rating in ratings}
    existing = set(db.session.execute(select(WatchlistEntry.user_id, WatchlistEntry.movie_id)).tuples())
    created = 0
    for user in users:
        for movie in rng.sample(movies, k=min(len(movies), rng.randint(2, 6))):
            if (user.id, movie.id) in rated or (user.id, movie.id) in existing:
                continue
            existing.add((user.id, movie.id))
            db.session.add(WatchlistEntry(user_id=user.id, movie_id=movie.id))
            created += 1
    db.session.flush()
    report.counts["watchlist entries"] = (created, 0)


def _diary(ratings: list[Rating], rng: random.Random, report: SeedReport) -> None:
    """Dated watches of some rated movies over the last two years, a few of them twice (API.md 15).

    Keyed by how many watches a (user, movie) pair has, so a run on a later day (whose dates differ) adds nothing.
    """
    user_ids = {rating.user_id for rating in ratings}
    existing = Counter(
        db.session.execute(select(Watch.user_id, Watch.movie_id).where(Watch.user_id.in_(user_ids))).tuples() if ratings else ()
    )
    created = 0
    for rating in ratings:
        logged = rng.random() < 0.4
        times = 2 if rng.random() < 0.15 else 1
        days_ago = sorted((rng.randint(0, 700) for _ in range(times)), reverse=True)
        stars = rating.rating if rng.random() < 0.7 else None
        note = rng.choice(DIARY_NOTES)
        if not logged:
            continue
        for day in days_ago[existing[(rating.user_id, rating.movie_id)] :]:
            watched_on = today() - timedelta(days=day)
            db.session.add(
                Watch(user_id=rating.user_id, movie_id=rating.movie_id, watched_on=watched_on, rating=stars, note=note)
            )
            created += 1
    db.session.flush()
    report.counts["watches"] = (created, 0)


ACTIVITY_DAYS = 30
_TIMED = (
    (Rating, ("created_at", "updated_at", "rated_at")),
    (Review, ("created_at", "updated_at")),
    (Watch, ("created_at",)),
    (WatchlistEntry, ("created_at",)),
    (MovieList, ("created_at", "updated_at")),
)


def _spread_over_past_days(started: datetime, rng: random.Random) -> None:
    """Give the rows this run created times spread over the last 30 days, so that friends' activity (API.md 16)
    shows every kind, newest first, rather than one instant; rows of earlier runs keep theirs."""
    span = ACTIVITY_DAYS * 24 * 3600

    def past() -> datetime:
        return started - timedelta(seconds=rng.randrange(span), microseconds=rng.randrange(1_000_000))

    for model, columns in _TIMED:
        table = model.__table__
        ids = db.session.scalars(select(table.c.id).where(table.c.created_at >= started).order_by(table.c.id)).all()
        if ids:
            moments = [{"row_id": row_id, "at": past()} for row_id in ids]
            statement = update(table).where(table.c.id == bindparam("row_id")).values({name: bindparam("at") for name in columns})
            db.session.execute(statement, moments)
    pairs = db.session.execute(
        select(Friendship.user_id, Friendship.friend_id)
        .where(Friendship.created_at >= started, Friendship.user_id < Friendship.friend_id)
        .order_by(Friendship.user_id, Friendship.friend_id)
    ).all()
    if pairs:
        table = Friendship.__table__
        moments = []
        for low, high in pairs:
            at = past()
            moments += [{"a": low, "b": high, "at": at}, {"a": high, "b": low, "at": at}]
        statement = update(table).where(table.c.user_id == bindparam("a"), table.c.friend_id == bindparam("b"))
        db.session.execute(statement.values(created_at=bindparam("at")), moments)
